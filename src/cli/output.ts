// How the CLI reports refused input: the same details as the API, one line each, then a non-zero exit.
import { RempartError } from '../errors.js';
import type { Problem } from '../model/problem.js';

export function formatProblem(problem: Problem): string {
  const where = problem.row !== undefined ? `row ${problem.row}${problem.column ? `, column ${problem.column}` : ''}` : problem.path;
  return `  ${where}: ${problem.message} [${problem.rule}] (value: ${JSON.stringify(problem.value)})`;
}

export function printProblems(problems: ReadonlyArray<Problem>, stream: NodeJS.WritableStream = process.stderr): void {
  for (const problem of problems) stream.write(`${formatProblem(problem)}\n`);
}

/** `--debug` anywhere on the command line (also when parsing failed before commander read it), or REMPART_DEBUG=1. */
export function debugRequested(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug') || process.env.REMPART_DEBUG === '1';
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
};

/** A file-system error (`ENOENT … open 'x.csv'`) as the sentence a user can act on, or undefined for any other error. */
export function fileErrorSentence(error: unknown): string | undefined {
  const failure = error as NodeJS.ErrnoException | null;
  if (!failure || typeof failure !== 'object' || typeof failure.code !== 'string' || !(failure.code in FILE_ERRORS)) return undefined;
  return `${failure.path ? `cannot open ${failure.path}: ` : ''}${FILE_ERRORS[failure.code]}`;
}

/**
 * Prints an error the way a user can act on it, on one line (then the problems, one a line), and sets a non-zero exit
 * code. Stack traces are for developers: only with `--debug`.
 */
export function reportError(error: unknown, debug = debugRequested()): void {
  if (error instanceof RempartError) {
    process.stderr.write(`error (${error.code}): ${error.message}\n`);
    printProblems(error.details);
  } else {
    const file = fileErrorSentence(error);
    const message = file ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`error: ${message.split('\n')[0]}\n`);
    if (!debug && !file) process.stderr.write('(run again with --debug to see where it failed)\n');
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
}
