// Runs the `rempart` command as a user does: a real process (see cli-entry.ts), from any working folder.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { resolveOrg, type CommandHelpers } from '../../src/cli/context.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { cliEntry, ROOT } from './cli-entry.js';

export { ROOT };

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `rempart …args`; DATABASE_URL is cleared so that the CLI uses an embedded folder even in the PostgreSQL pass. */
export function runRempart(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', ...options.env };
    if (!options.env?.REMPART_DATA) delete env.REMPART_DATA;
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `rempart …args` in-process, with the commands `register` adds, on the test database; returns what was printed
 * (a refusal is thrown as the RempartError the command raised).
 */
export async function runCommandsInProcess(
  register: (program: Command, helpers: CommandHelpers) => void,
  database: DatabaseHandle,
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const program = new Command('rempart').exitOverride();
  register(program, {
    withDatabase: (_flags, work) => work(database),
    resolveOrg,
    out: sink((text) => (stdout += text)),
    err: sink((text) => (stderr += text)),
  });
  await program.parseAsync(['node', 'rempart', ...args]);
  return { stdout, stderr };
}
