// `rempart risks list | import | export`: the risk register of a stored organisation, in the terminal and as spreadsheets.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { RempartError } from '../errors.js';
import { exportRiskSheet, importRiskSheet, presentRisk, registerSnapshot, type RiskView } from '../operations/risk-register.js';
import { readInputFile } from './json-file.js';
import { dataOption, resolveOrg, sheetFormat, withDatabase, type CommandHelpers, type OrgFlags } from './context.js';

export type RiskCommandHelpers = CommandHelpers;

function rating(level: RiskView['computed']['residual']): string {
  return `${level.likelihood}×${level.impact}=${level.score} ${level.band}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) => cell.padEnd(widths[column]))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** Adds `rempart risks …` to the program. */
export function registerRiskCommands(program: Command, helpers: RiskCommandHelpers = { withDatabase, resolveOrg }): void {
  const out = () => helpers.out ?? process.stdout;
  const err = () => helpers.err ?? process.stderr;
  const risks = program.command('risks').description('The risk register: list the risks, import or export them as a spreadsheet');

  risks
    .command('list')
    .description('List the risks with their inherent and residual ratings, most severe first')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--json', 'print the risks with their computed scores and bands as JSON')
    .addOption(dataOption())
    .action(async (flags: OrgFlags & { json?: boolean }) => {
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const orgId = await helpers.resolveOrg(handle, flags.org);
          const snapshot = await registerSnapshot(handle.db, orgId);
          const views = snapshot.risks
            .map((stored) => presentRisk(snapshot.matrix, stored, snapshot.familyOf))
            .sort(
              (a, b) =>
                b.computed.residual.score - a.computed.residual.score || b.computed.inherent.score - a.computed.inherent.score || (a.id < b.id ? -1 : 1),
            );
          if (flags.json) {
            out().write(`${JSON.stringify(views, null, 2)}\n`);
            return;
          }
          if (views.length === 0) {
            out().write(`${orgId} has no risks yet: import a register with \`rempart risks import FILE\`.\n`);
            return;
          }
          const rows = [['ID', 'TITLE', 'THREAT', 'INHERENT', 'RESIDUAL', 'APPETITE', 'OWNER']];
          for (const view of views)
            rows.push([
              view.id,
              view.title.length > 48 ? `${view.title.slice(0, 47)}…` : view.title,
              view.threat,
              rating(view.computed.inherent),
              rating(view.computed.residual),
              view.computed.treatmentRequired ? 'ABOVE, untreated' : view.computed.aboveAppetite ? 'above, treated' : 'within',
              view.owner ?? '—',
            ]);
          const untreated = views.filter((view) => view.computed.treatmentRequired).length;
          out().write(
            `${table(rows)}${views.length} risk(s); ${views.filter((v) => v.computed.aboveAppetite).length} above appetite, ${untreated} of them without treatment.\n`,
          );
        },
        { existing: true },
      );
    });

  risks
    .command('import')
    .description('Import risks from a spreadsheet (CSV or XLSX): adds new ids, replaces existing ones; all or nothing')
    .argument('<file>', 'risk register .csv or .xlsx')
    .option('--org <id>', 'organisation id (default: the only one)')
    .option('--by <name>', 'who made these assessments (kept in each risk’s history)')
    .addOption(dataOption())
    .action(async (file: string, flags: OrgFlags & { by?: string }) => {
      const format = sheetFormat(file, 'risk register');
      const data = await readInputFile(file);
      await helpers.withDatabase(flags, async (handle) => {
        const orgId = await helpers.resolveOrg(handle, flags.org);
        try {
          const summary = await importRiskSheet(handle.db, orgId, data, format, flags.by);
          out().write(
            `Imported ${summary.created + summary.updated} risk(s) into ${orgId}: ${summary.created} new, ${summary.updated} replaced (${summary.rerated} re-rated).\n`,
          );
        } catch (error) {
          if (error instanceof RempartError && error.details.length > 0 && error.code !== 'not_found')
            throw new RempartError(error.code, `${file}: ${error.message}`, error.details);
          throw error;
        }
      });
    });

  risks
    .command('export')
    .description('Export the register as a spreadsheet, with computed scores and bands')
    .option('--org <id>', 'organisation id (default: the only one)')
    .addOption(new Option('--format <format>', 'xlsx or csv (default: from the -o extension, else xlsx)').choices(['xlsx', 'csv']))
    .option('-o, --output <file>', 'file to write (default <org>-risks.<format>)')
    .addOption(dataOption())
    .action(async (flags: OrgFlags & { format?: 'csv' | 'xlsx'; output?: string }) => {
      const format = flags.format ?? (flags.output ? sheetFormat(flags.output, 'risk register') : 'xlsx');
      await helpers.withDatabase(
        flags,
        async (handle) => {
          const orgId = await helpers.resolveOrg(handle, flags.org);
          const file = await exportRiskSheet(handle.db, orgId, format);
          const output = flags.output ?? `${orgId}-risks.${format}`;
          await writeFile(output, file);
          err().write(`Wrote the risk register of ${orgId} to ${output}.\n`);
        },
        { existing: true },
      );
    });
}
