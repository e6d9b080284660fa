// Files given to the CLI: read with a refusal that names the option and the file, and JSON documents (models,
// scenarios) parsed and refused with their paths when they hold text the database cannot store, as the API refuses
// the same document.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { RempartError } from '../errors.js';
import { invalidTextProblems } from '../model/text.js';
import { fileErrorSentence } from './output.js';

/** The bytes of `file`, given as `field` (`FILE`, `--model`, `--scenario`); a missing or unreadable file is refused by name. */
export async function readInputFile(file: string, field = 'FILE'): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const reason = fileErrorSentence(error);
    if (!reason) throw error;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RempartError(missing ? 'not_found' : 'invalid_input', `Cannot read ${file}: ${reason.replace(/^cannot open .*?: /, '')}.`, [
      { path: field, rule: missing ? 'exists' : 'readable', value: file, message: missing ? 'no such file' : reason },
    ]);
  }
}

export async function readJsonFile(file: string, field = 'FILE'): Promise<unknown> {
  const text = (await readInputFile(file, field)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new RempartError('invalid_input', `Cannot read ${file} as JSON: ${message}`, [{ path: file, rule: 'json', value: null, message }]);
  }
  const problems = invalidTextProblems(json, []);
  if (problems.length > 0) throw new RempartError('invalid_input', `${file} holds text that cannot be stored: ${problems.length} problem(s).`, problems);
  return json;
}

/**
 * A document an author writes by hand (a conversation flow): YAML when the file is named `.yaml` or `.yml`, JSON
 * otherwise. YAML syntax errors are refused with their line and column; the document then goes through the same checks.
 */
export async function readDocumentFile(file: string, field = 'FILE'): Promise<unknown> {
  if (!/\.ya?ml$/i.test(file)) return readJsonFile(file, field);
  const text = (await readInputFile(file, field)).toString('utf8');
  // Plain data only: no custom tags, and aliases bounded so that a "billion laughs" document cannot blow up.
  const document = parseDocument(text, { uniqueKeys: true, strict: true });
  if (document.errors.length > 0)
    throw new RempartError(
      'invalid_input',
      `Cannot read ${file} as YAML: ${document.errors.length} problem(s).`,
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : file;
        return { path: where, rule: 'yaml', value: null, message: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
      }),
    );
  let json: unknown;
  try {
    json = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = (error as Error).message;
    throw new RempartError('invalid_input', `Cannot read ${file} as YAML: ${message}`, [{ path: file, rule: 'yaml', value: null, message }]);
  }
  const problems = invalidTextProblems(json, []);
  if (problems.length > 0) throw new RempartError('invalid_input', `${file} holds text that cannot be stored: ${problems.length} problem(s).`, problems);
  return json;
}
