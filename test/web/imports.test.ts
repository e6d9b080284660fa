// The web app's boundary: it takes the API's shapes from the contract (src/model) and pure functions from the
// engine, never code of the server, the store, the operations or the CLI, and only the types of the contract.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB_SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));

/** The folders of src/ the web app may import from (`@shared/<folder>/…`). */
const ALLOWED = ['model', 'engine'];

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(folder, entry.name)) : /\.(ts|tsx)$/.test(entry.name) ? [join(folder, entry.name)] : [],
  );
}

interface Import {
  specifier: string;
  typeOnly: boolean;
}

/** Every static import, re-export and dynamic import of a module's text. */
export function importsOf(text: string): Import[] {
  const found: Import[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    const named = match[3];
    // `import { type A, type B }` is type-only too.
    const allTypes =
      /^\{[^}]*\}$/.test(named.trim()) &&
      named
        .replace(/[{}]/g, '')
        .split(',')
        .filter((part) => part.trim())
        .every((part) => /^\s*type\s/.test(part));
    found.push({ specifier: match[4], typeOnly: Boolean(match[2]) || allTypes });
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push({ specifier: match[1], typeOnly: false });
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: match[1], typeOnly: false });
  return found;
}

/** What is wrong with one import of a web module (null: nothing). */
export function refusal(item: Import): string | null {
  if (/^(\.\.\/)+(\.\.\/)?src\//.test(item.specifier) || /(^|\/)\.\.\/\.\.\/src\//.test(item.specifier))
    return 'reaches into src/ by a relative path: use @shared/model or @shared/engine';
  const shared = /^@shared\/([^/]+)\//.exec(item.specifier);
  if (!shared) return null;
  if (!ALLOWED.includes(shared[1]))
    return `imports @shared/${shared[1]}: the web app may import only ${ALLOWED.map((folder) => `@shared/${folder}`).join(' and ')}`;
  if (item.specifier.startsWith('@shared/model/contract/') && !item.typeOnly)
    return 'imports a value from the contract: use `import type` (its schemas are the server’s)';
  return null;
}

describe('web imports', () => {
  it('never reach the server, the store, the operations or the CLI, and take only types from the contract', () => {
    const problems: string[] = [];
    for (const file of sources(WEB_SRC))
      for (const item of importsOf(readFileSync(file, 'utf8'))) {
        const why = refusal(item);
        if (why) problems.push(`web/src/${relative(WEB_SRC, file)}: ${item.specifier}: ${why}`);
      }
    expect(problems).toEqual([]);
  });

  it('finds the imports it must refuse (the check can fail)', () => {
    const text = [
      "import type { Page } from '@shared/store/model-repository.js';",
      "import type { ActivityComputed } from '@shared/server/presenters.js';",
      "export type { Run } from '@shared/operations/scenarios.js';",
      "import { Me } from '@shared/model/contract/access.js';",
      "import { type Me, type Membership } from '@shared/model/contract/access.js';",
      "import type { Risk } from '@shared/model/risk.js';",
      "const page = import('@shared/cli/main.js');",
      "import { x } from '../../../src/store/schema.js';",
    ].join('\n');
    const refused = importsOf(text).map((item) => [item.specifier, refusal(item) !== null]);
    expect(refused).toEqual([
      ['@shared/store/model-repository.js', true],
      ['@shared/server/presenters.js', true],
      ['@shared/operations/scenarios.js', true],
      ['@shared/model/contract/access.js', true],
      ['@shared/model/contract/access.js', false],
      ['@shared/model/risk.js', false],
      ['../../../src/store/schema.js', true],
      ['@shared/cli/main.js', true],
    ]);
  });
});
