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

/** Prints an error the way a user can act on it and sets the exit code; unexpected errors keep their stack. */
export function reportError(error: unknown): void {
  if (error instanceof RempartError) {
    process.stderr.write(`error (${error.code}): ${error.message}\n`);
    printProblems(error.details);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
}
