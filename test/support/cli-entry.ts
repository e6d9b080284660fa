// How tests start a `rempart` process. When the test run built the CLI (test/support/compiled-cli.ts), the compiled
// build, as deployed: a start then skips compiling some 150 TypeScript files, which was most of each CLI test's time
// and of each browser file's server start. Otherwise the sources, through tsx.
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Set by the global setup to the compiled entry point once it is built and fresh. */
export const COMPILED_CLI_ENV = 'REMPART_TEST_COMPILED_CLI';

/** The arguments of `node` that run the CLI (append the command's own). */
export function cliEntry(): string[] {
  const compiled = process.env[COMPILED_CLI_ENV];
  return compiled ? [compiled] : ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'main.ts')];
}
