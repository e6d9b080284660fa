// `rempart people import | export`: the people directory of a stored organisation as a spreadsheet.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { RempartError } from '../errors.js';
import { PEOPLE_COLUMNS } from '../interchange/people-sheet.js';
import { exportPeople, importPeople } from '../operations/people.js';
import { dataOption, resolveOrg, sheetFormat, withDatabase, type CommandHelpers, type OrgFlags } from './context.js';
import { readInputFile } from './json-file.js';

export type PeopleCommandHelpers = CommandHelpers;

/** Adds `rempart people …` to the program. */
export function registerPeopleCommands(program: Command, helpers: PeopleCommandHelpers = { withDatabase, resolveOrg }): void {
  const out = () => helpers.out ?? process.stdout;
  const err = () => helpers.err ?? process.stderr;
  const people = program.command('people').description('The people directory (who to reach in a crisis): import or export it as a spreadsheet');

  people
    .command('import')
    .description('Import people from a spreadsheet (CSV or XLSX); all or nothing')
    .argument('<file>', 'people .csv or .xlsx')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--replace', 'make the directory exactly the file: people absent from it are removed (default: add and replace, keep the others)')
    .addOption(dataOption())
    .addHelpText(
      'after',
      `
Columns: ${PEOPLE_COLUMNS.join(', ')}. id (a stable id such as a staff number), name and language (fr or en) are
required, and an email or a mobile (E.164, e.g. +33612345678); site and activities (separated by ";") are ids of the
organisation's model; remote_capable is yes or no. Addresses, birth dates and other columns are refused.
Every problem is printed with its row and column; nothing is imported unless every row is right.`,
    )
    .action(async (file: string, flags: OrgFlags & { replace?: boolean }) => {
      const format = sheetFormat(file, 'people file');
      // The file first: a missing one must not cost (or create) a database.
      const data = await readInputFile(file);
      await helpers.withDatabase(flags, async (handle) => {
        const orgId = await helpers.resolveOrg(handle, flags.org);
        try {
          const summary = await importPeople(handle.db, orgId, data, format, flags.replace ? 'replace' : 'upsert');
          out().write(
            `Imported ${summary.rows} people into ${orgId}: ${summary.created} new, ${summary.updated} changed, ${summary.unchanged} unchanged` +
              `${summary.mode === 'replace' ? `, ${summary.removed} removed` : ''}; the directory holds ${summary.total}.\n`,
          );
        } catch (error) {
          if (error instanceof RempartError && error.details.length > 0 && error.code !== 'not_found')
            throw new RempartError(error.code, `${file}: ${error.message}`, error.details);
          throw error;
        }
      });
    });

  people
    .command('export')
    .description('Export the directory as a spreadsheet that imports back unchanged')
    .option('--org <id>', 'organisation id (default: the only one)')
    .addOption(new Option('--format <format>', 'csv or xlsx (default: from the --output extension, else csv)').choices(['csv', 'xlsx']))
    .addOption(
      new Option('--separator <separator>', 'CSV separator (semicolon for French spreadsheet software)').choices(['comma', 'semicolon']).default('comma'),
    )
    .option('-o, --output <file>', 'file to write (default <org>-people.<format>)')
    .addOption(dataOption())
    .action(async (flags: OrgFlags & { format?: 'csv' | 'xlsx'; separator: 'comma' | 'semicolon'; output?: string }) => {
      const format = flags.format ?? (flags.output ? sheetFormat(flags.output, 'people file') : 'csv');
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const orgId = await helpers.resolveOrg(handle, flags.org);
          const file = await exportPeople(handle.db, orgId, format, flags.separator === 'semicolon' ? ';' : ',');
          const output = flags.output ?? `${orgId}-people.${format}`;
          await writeFile(output, file);
          err().write(`Wrote the people directory of ${orgId} to ${output}.\n`);
        },
        { existing: true },
      );
    });
}
