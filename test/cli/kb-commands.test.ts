// `rempart kb import | export | ask` in-process on the test database (embedded, or PostgreSQL with DATABASE_URL), and
// as a real process for the contract other checks rely on: the fixture's format in, one {"answers"} per question out.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKbCommands } from '../../src/cli/kb-commands.js';
import { RempartError } from '../../src/errors.js';
import { loadDemo } from '../../src/operations/demo.js';
import { importArticles } from '../../src/operations/kb.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { ROOT, runRempart, runCommandsInProcess } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';

const FIXTURE = join(ROOT, 'bench/data/kb-fixture.json');

let database: DatabaseHandle;
let folder: string;
beforeAll(async () => {
  database = await createTestDatabase();
  folder = await mkdtemp(join(tmpdir(), 'rempart-kb-'));
  await loadDemo(database.db, 'demo');
  // The demo comes with the starter knowledge base: these tests start from an empty one, to hold exactly the fixture.
  await importArticles(database.db, 'demo', [], 'replace');
});
afterAll(async () => {
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Runs `rempart …args` against the test database and returns what it printed. */
function rempart(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return runCommandsInProcess(registerKbCommands, database, args);
}

async function ids(): Promise<string[]> {
  const rows = await database.db.selectFrom('kb_articles').select('id').where('org_id', '=', 'demo').orderBy('id').execute();
  return rows.map((row) => row.id);
}

describe('rempart kb', () => {
  it('imports the fixture, answers its questions best first with source and date, and says nothing when nothing fits', async () => {
    const imported = await rempart('kb', 'import', FIXTURE, '--org', 'demo');
    expect(imported.stdout).toBe('Imported 60 articles into demo: 60 new, 0 changed, 0 unchanged; the knowledge base holds 60.\n');
    const again = await rempart('kb', 'import', FIXTURE, '--org', 'demo');
    expect(again.stdout).toBe('Imported 60 articles into demo: 0 new, 0 changed, 60 unchanged; the knowledge base holds 60.\n');
    const questions = join(folder, 'questions.json');
    await writeFile(
      questions,
      JSON.stringify([
        { q: 'j ai oublie mon mdp', lang: 'fr' },
        { q: 'who looks after my kids now schools are shut', lang: 'en' },
        { q: 'quelle est la recette de la tarte aux pommes', lang: 'fr' },
      ]),
    );
    const { stdout } = await rempart('kb', 'ask', '--org', 'demo', '--questions', questions, '--json');
    const results = JSON.parse(stdout) as Array<{ answers: Array<{ id: string; source: string; published: string; score: number }> }>;
    expect(results).toHaveLength(3);
    expect(results[0].answers[0]).toEqual({
      id: 'password-reset',
      source: "Direction des systèmes d'information",
      published: '2020-03-17',
      score: expect.any(Number),
    });
    expect(results[1].answers[0].id).toBe('childcare-en');
    expect(results[2]).toEqual({ answers: [] });
    for (const { answers } of results) for (let i = 1; i < answers.length; i++) expect(answers[i - 1].score).toBeGreaterThanOrEqual(answers[i].score);
    const publicOnly = await rempart('kb', 'ask', '--org', 'demo', '--questions', questions, '--json', '--audience', 'public');
    expect(JSON.parse(publicOnly.stdout)).toEqual([{ answers: [] }, { answers: [] }, { answers: [] }]);
    const text = await rempart('kb', 'ask', '--org', 'demo', '--questions', questions);
    expect(text.stdout).toContain('(no answer good enough)');
  });

  it('exports JSON, CSV and XLSX that import back unchanged; --replace makes the base exactly the file', async () => {
    const before = await ids();
    for (const format of ['json', 'csv', 'xlsx']) {
      const file = join(folder, `kb.${format}`);
      const exported = await rempart('kb', 'export', '--org', 'demo', '-o', file);
      expect(exported.stderr).toBe(`Wrote the knowledge base of demo to ${file}.\n`);
      const imported = await rempart('kb', 'import', file, '--org', 'demo', '--replace');
      expect(imported.stdout).toBe(`Imported 60 articles into demo: 0 new, 0 changed, 60 unchanged, 0 removed; the knowledge base holds 60.\n`);
    }
    expect(await ids()).toEqual(before);
    const one = join(folder, 'one.json');
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as { articles: Array<Record<string, unknown>> };
    await writeFile(one, JSON.stringify({ articles: [{ ...fixture.articles[0], answer: '<p>Changed <script>alert(1)</script><b>now</b></p>', extra: 1 }] }));
    const replaced = await rempart('kb', 'import', one, '--org', 'demo', '--replace');
    expect(replaced.stdout).toBe('Imported 1 articles into demo: 0 new, 1 changed, 0 unchanged, 59 removed; the knowledge base holds 1.\n');
    const row = await database.db.selectFrom('kb_articles').select('answer').where('org_id', '=', 'demo').executeTakeFirstOrThrow();
    expect(row.answer).toBe('<p>Changed <b>now</b></p>');
    await rempart('kb', 'import', FIXTURE, '--org', 'demo');
  });

  it('refuses a bad file whole, with every problem and its path, prefixed by the file name', async () => {
    const before = await ids();
    const bad = join(folder, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        articles: [
          { id: 'a', lang: 'de', question: 'Q', answer: 'A', source: 'S', published: '2020-13-01', audience: 'staff' },
          {
            id: 'a',
            lang: 'fr',
            question: 'Q',
            answer: '<script>x</script>',
            source: 'S',
            published: '2020-03-01',
            reviewBy: '2020-01-01',
            audience: 'everyone',
          },
        ],
      }),
    );
    const error = (await rempart('kb', 'import', bad, '--org', 'demo').catch((caught: unknown) => caught)) as RempartError;
    expect(error).toBeInstanceOf(RempartError);
    expect(error.message).toBe(`${bad}: The knowledge-base file has problems; nothing was imported.`);
    expect(error.details.map((problem) => `${problem.path} ${problem.rule}`)).toEqual(
      expect.arrayContaining([
        'articles[0].lang invalid_value',
        'articles[0].published format',
        'articles[1].answer required',
        'articles[1].audience invalid_value',
      ]),
    );
    const wrongType = (await rempart('kb', 'import', join(folder, 'kb.txt')).catch((caught: unknown) => caught)) as RempartError;
    expect(wrongType.details[0]).toMatchObject({ path: 'FILE', rule: 'extension' });
    expect(await ids()).toEqual(before);
  });

  it('works as a real process on an embedded data folder; ask never creates one', { timeout: 180_000 }, async () => {
    const data = join(folder, 'data');
    const questions = join(folder, 'real-questions.json');
    await writeFile(questions, JSON.stringify([{ q: 'forgot my pwd', lang: 'en' }]));
    const nowhere = join(folder, 'nowhere');
    const refused = await runRempart(['kb', 'ask', '--org', 'demo', '--questions', questions, '--json', '--data', nowhere]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \(not_found\): No Rempart database in /);
    expect(existsSync(nowhere)).toBe(false);
    expect((await runRempart(['demo', '--data', data])).code).toBe(0);
    const imported = await runRempart(['kb', 'import', FIXTURE, '--org', 'demo', '--data', data]);
    expect(imported.stdout).toContain('Imported 60 articles into demo');
    const asked = await runRempart(['kb', 'ask', '--org', 'demo', '--questions', questions, '--json', '--data', data]);
    expect(asked.code).toBe(0);
    expect(JSON.parse(asked.stdout)).toEqual([
      { answers: [{ id: 'password-reset-en', source: 'IT Department', published: '2020-03-17', score: expect.any(Number) }] },
    ]);
  });
});
