// The data-folder lock tells a running Rempart from a killed one, a zombie not yet reaped, or a reused pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireFolderLock } from './folder-lock.js';

const MODULE = new URL('./folder-lock.ts', import.meta.url).pathname;

let folder: string;
let parents: ChildProcess[] = [];

afterEach(() => {
  for (const parent of parents) parent.kill('SIGKILL');
  parents = [];
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A Rempart-like process that takes the lock and waits, started by a shell that then becomes `sleep`: `sleep` never
 * reaps its children, so once the holder is killed it stays a zombie, as under a supervisor that is slow to reap.
 */
async function startHolder(): Promise<number> {
  const script = `import(${JSON.stringify(MODULE)}).then((m) => { m.acquireFolderLock(${JSON.stringify(folder)}); setInterval(() => {}, 1000); })`;
  const command = `${JSON.stringify(process.execPath)} --import tsx -e ${JSON.stringify(script).replace(/\$/g, '\\$')} & exec sleep 60`;
  parents.push(spawn('sh', ['-c', command], { stdio: 'ignore' }));
  const lockFile = join(folder, 'rempart.lock');
  await waitFor(() => existsSync(lockFile) && readFileSync(lockFile, 'utf8').trim().length > 0, 'the holder to take the lock');
  return Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
}

describe('data folder lock', () => {
  it('refuses a folder held by a running process, and takes it over at once from its zombie once killed', { timeout: 30_000 }, async () => {
    folder = mkdtempSync(join(tmpdir(), 'rempart-lock-'));
    const holder = await startHolder();
    expect(() => acquireFolderLock(folder)).toThrow(/in use by another Rempart process \(pid \d+\)/);

    process.kill(holder, 'SIGKILL');
    await waitFor(() => stateOf(holder) === 'Z', 'the killed holder to become a zombie');
    const started = performance.now();
    const lock = acquireFolderLock(folder);
    expect(performance.now() - started).toBeLessThan(100);
    expect(readFileSync(lock.path, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+$`));
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('takes over a lock whose pid now belongs to another program (same pid, other start time)', () => {
    folder = mkdtempSync(join(tmpdir(), 'rempart-lock-'));
    // Our parent runs, but it is not the process that wrote this lock: its start time differs.
    writeFileSync(join(folder, 'rempart.lock'), `${process.ppid} 1`);
    const lock = acquireFolderLock(folder);
    lock.release();
  });

  it('still honours a lock in the older form (the pid alone) while that process runs', () => {
    folder = mkdtempSync(join(tmpdir(), 'rempart-lock-'));
    writeFileSync(join(folder, 'rempart.lock'), String(process.ppid));
    expect(() => acquireFolderLock(folder)).toThrow(/in use by another Rempart process/);
  });
});
