// The scenario engine's reference ships with Rempart (docs/scenario-model.md): what users are pointed to exists for them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('the scenario model reference', () => {
  const doc = read('docs/scenario-model.md');

  it('covers inputs, the hourly rules, results, Monte Carlo and recommendations', () => {
    for (const heading of ['## 1. Units and time', '## 2. The organisation model', '## 3. A scenario', '## 4. What is computed for each hour t', '## 5. Results', '## 6. Uncertainty (Monte Carlo)', '## 7. Recommending strategies'])
      expect(doc).toContain(heading);
    // The result fields as Rempart prints them.
    expect(doc).toContain('`{from, to, cause}`');
    expect(doc).toContain('10,000 draws');
  });

  it('names only files a user has', () => {
    const paths = [...doc.matchAll(/`((?:data|docs)\/[^`*]+)`/g)].map((match) => match[1]);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('is where the README points, never to the project’s internal spec of the scenario model', () => {
    const readme = read('README.md');
    expect(readme).toContain('[docs/scenario-model.md](docs/scenario-model.md)');
    for (const [name, text] of [['README.md', readme], ['docs/scenario-model.md', doc], ['data/README.md', read('data/README.md')]] as const)
      expect(text, name).not.toMatch(/shared\/spec\/scenario-model/);
  });
});
