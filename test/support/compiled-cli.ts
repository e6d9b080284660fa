// Global setup of both test configurations: builds the server (tsc -p tsconfig.build.json, about 20 s) unless dist/
// is newer than every source file, then tells the tests to start `rempart` from it (see cli-entry.ts). CI's
// `npm install` has just built it, so there it costs a look at the files' dates.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_CLI_ENV, ROOT } from './cli-entry.js';

function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function setup(): void {
  const entry = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
  if (built <= newestSource(join(ROOT, 'src')))
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  process.env[COMPILED_CLI_ENV] = entry;
}
