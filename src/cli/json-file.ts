// JSON documents given to the CLI (models, scenarios): parsed, and refused with their paths when they hold text the
// database cannot store, as the API refuses the same document.
import { readFile } from 'node:fs/promises';
import { RempartError } from '../errors.js';
import { invalidTextProblems } from '../model/text.js';

export async function readJsonFile(file: string): Promise<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const message = (error as Error).message;
    throw new RempartError('invalid_input', `Cannot read ${file} as JSON: ${message}`, [{ path: file, rule: 'json', value: null, message }]);
  }
  const problems = invalidTextProblems(json, []);
  if (problems.length > 0) throw new RempartError('invalid_input', `${file} holds text that cannot be stored: ${problems.length} problem(s).`, problems);
  return json;
}
