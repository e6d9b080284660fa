// `rempart kb import | export | ask`: the knowledge base of a stored organisation, from files, and its search on a file
// of questions (what the quality checks run).
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { RempartError } from '../errors.js';
import { KbQuestionsFile, type KbAudience } from '../model/kb.js';
import { problemsFromZod } from '../model/problem.js';
import { exportArticles, importArticles, readArticlesFile, searchArticles } from '../operations/kb.js';
import { dataOption, resolveOrg, withDatabase, type CommandHelpers, type OrgFlags } from './context.js';
import { readInputFile, readJsonFile } from './json-file.js';

/** A knowledge-base file's format from its extension. */
function kbFormat(file: string): 'json' | 'csv' | 'xlsx' {
  const ext = extname(file).toLowerCase();
  if (ext === '.json' || ext === '.csv' || ext === '.xlsx') return ext.slice(1) as 'json' | 'csv' | 'xlsx';
  throw new RempartError('invalid_input', `Cannot tell the format of ${file}: use a .json, .csv or .xlsx file.`, [
    { path: 'FILE', rule: 'extension', value: file, message: '.json, .csv or .xlsx' },
  ]);
}

/** Adds `rempart kb …` to the program. */
export function registerKbCommands(program: Command, helpers: CommandHelpers = { withDatabase, resolveOrg }): void {
  const out = () => helpers.out ?? process.stdout;
  const err = () => helpers.err ?? process.stderr;
  const kb = program.command('kb').description('The knowledge base of the crisis assistant: import, export, ask');

  kb.command('import')
    .description('Import articles from a JSON file ({"articles": [...]}), a CSV or an XLSX file; all or nothing')
    .argument('<file>', 'articles .json, .csv or .xlsx')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--replace', 'make the knowledge base exactly the file: articles absent from it are removed (default: add and replace, keep the others)')
    .addOption(dataOption())
    .addHelpText(
      'after',
      `
JSON: {"articles": [{"id", "lang" (fr|en), "question", "answer", "source", "url", "published" (YYYY-MM-DD),
"reviewBy" (YYYY-MM-DD), "audience" (public|staff), "variants": [...], "tags": [...]}]}; other fields are ignored.
Spreadsheets: columns id, lang, question, variants (one a line), answer, source, url, published, review_by, audience,
tags (separated by ";"). Answers are rich text (HTML: p, strong, em, ul, li, a…); anything else is removed.
Every problem is printed with its path; nothing is imported unless every article is right.`,
    )
    .action(async (file: string, flags: OrgFlags & { replace?: boolean }) => {
      const format = kbFormat(file);
      // The file first: a bad one must not cost (or create) a database.
      const articles = await readArticlesFile(await readInputFile(file), format).catch((error: unknown) => {
        if (error instanceof RempartError) throw new RempartError(error.code, `${file}: ${error.message}`, error.details);
        throw error;
      });
      await helpers.withDatabase(flags, async (handle) => {
        const orgId = await helpers.resolveOrg(handle, flags.org);
        const summary = await importArticles(handle.db, orgId, articles, flags.replace ? 'replace' : 'upsert');
        out().write(
          `Imported ${summary.articles} articles into ${orgId}: ${summary.created} new, ${summary.updated} changed, ${summary.unchanged} unchanged` +
            `${summary.mode === 'replace' ? `, ${summary.removed} removed` : ''}; the knowledge base holds ${summary.total}.\n`,
        );
      });
    });

  kb.command('export')
    .description('Export the knowledge base as JSON (the import format), CSV or XLSX')
    .option('--org <id>', 'organisation id (default: the only one)')
    .addOption(new Option('--format <format>', 'json, csv or xlsx (default: from the --output extension, else json)').choices(['json', 'csv', 'xlsx']))
    .addOption(new Option('--separator <separator>', 'CSV separator').choices(['comma', 'semicolon']).default('comma'))
    .option('-o, --output <file>', 'file to write (default <org>-kb.<format>)')
    .addOption(dataOption())
    .action(async (flags: OrgFlags & { format?: 'json' | 'csv' | 'xlsx'; separator: 'comma' | 'semicolon'; output?: string }) => {
      const format = flags.format ?? (flags.output ? kbFormat(flags.output) : 'json');
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const orgId = await helpers.resolveOrg(handle, flags.org);
          const file = await exportArticles(handle.db, orgId, format, flags.separator === 'semicolon' ? ';' : ',');
          const output = flags.output ?? `${orgId}-kb.${format}`;
          await writeFile(output, file);
          err().write(`Wrote the knowledge base of ${orgId} to ${output}.\n`);
        },
        { existing: true },
      );
    });

  kb.command('ask')
    .description('Search the knowledge base for each question of a file, as the assistant does')
    .requiredOption('--questions <file>', 'a JSON array of {"q": "…", "lang": "fr" | "en"}')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--json', 'print a JSON array with one {"answers": [{"id", "source", "published", "score"}, …]} per question, in order')
    .addOption(
      new Option('--audience <audience>', 'public: only the articles the public sees (default: every article, as a signed-in employee)').choices([
        'public',
        'staff',
      ]),
    )
    .addOption(dataOption())
    .addHelpText(
      'after',
      `
Answers come best first, at most three, each with a score from 0 to 1; a question nothing answers well enough gets an
empty list (the assistant then says it does not know and offers the organisation's contact).`,
    )
    .action(async (flags: OrgFlags & { questions: string; json?: boolean; audience?: KbAudience }) => {
      const json = await readJsonFile(flags.questions, '--questions');
      const parsed = KbQuestionsFile.safeParse(json, { reportInput: true });
      if (!parsed.success)
        throw new RempartError('invalid_input', `${flags.questions} is not a list of questions.`, problemsFromZod(parsed.error, json).slice(0, 100));
      const audiences: KbAudience[] = flags.audience === 'public' ? ['public'] : ['public', 'staff'];
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const orgId = await helpers.resolveOrg(handle, flags.org);
          const results: Array<{ answers: Array<{ id: string; source: string; published: string; score: number }> }> = [];
          for (const question of parsed.data) {
            const answers = await searchArticles(handle.db, orgId, question.q, { lang: question.lang, audiences });
            results.push({
              answers: answers.map(({ article, score }) => ({ id: article.id, source: article.source, published: article.published, score })),
            });
          }
          if (flags.json) {
            out().write(`${JSON.stringify(results)}\n`);
            return;
          }
          parsed.data.forEach((question, index) => {
            const { answers } = results[index];
            out().write(`${question.q}\n`);
            if (answers.length === 0) out().write('  (no answer good enough)\n');
            for (const answer of answers) out().write(`  ${answer.score.toFixed(3)}  ${answer.id}  (${answer.source}, ${answer.published})\n`);
          });
        },
        { existing: true },
      );
    });
}
