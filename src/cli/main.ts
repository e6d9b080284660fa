// The `rempart` command: thin adapters over the operations, the store and the server.
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { biaFindings } from '../engine/bia.js';
import { integrityProblems } from '../engine/integrity.js';
import { RempartError } from '../errors.js';
import { activitySheetTemplate, locateActivityProblem, parseActivitySheet, writeActivitySheet } from '../interchange/activity-sheet.js';
import { allSheetProblems } from '../interchange/activity-sheet-references.js';
import { DEFAULT_BIA, OrganisationModel } from '../model/organisation.js';
import { problemsFromZod, type Problem } from '../model/problem.js';
import { loadConfig, type ConfigFlags } from '../config.js';
import { actAs, cliActing } from '../operations/actor.js';
import { loadDemo } from '../operations/demo.js';
import { exportModel, importModel, upsertActivities } from '../operations/model-writer.js';
import { migrate, openDatabase } from '../store/database.js';
import { ModelRepository } from '../store/model-repository.js';
import { dataOption, resolveOrg, withDatabase } from './context.js';
import { printProblems, reportError } from './output.js';
import { registerAccountCommands } from './account-commands.js';
import { registerCrisisCommands } from './crisis-commands.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerFlowCommands } from './flow-commands.js';
import { registerKbCommands } from './kb-commands.js';
import { registerOrientationCommand } from './orientation-command.js';
import { registerRiskCommands } from './risk-commands.js';
import { registerPeopleCommands } from './people-commands.js';
import { registerScenarioCommands } from './scenario-commands.js';
import { readInputFile, readJsonFile } from './json-file.js';
import { startServer } from './serve.js';
import { isClusterWorker, startCluster } from './cluster.js';
import { startWorker } from './worker.js';

const program = new Command('rempart')
  .description('Rempart: business continuity management (ISO 22301). Embedded database by default; set DATABASE_URL for PostgreSQL.')
  .version('0.1.0')
  .option('--debug', 'on an unexpected error, print where it failed (stack trace)')
  // One line says what is wrong; the whole help would bury it.
  .showHelpAfterError('(add --help for usage)');

/** Logs for people on a terminal, JSON lines elsewhere; the flag (or REMPART_LOG_FORMAT) decides for a log collector. */
const logFormatOption = () =>
  new Option(
    '--log-format <format>',
    'pretty (lines for people) or json (one object a line); default: pretty on a terminal, json otherwise (env REMPART_LOG_FORMAT)',
  ).choices(['pretty', 'json']);

type FileKind = 'json' | 'csv' | 'xlsx';
function kindOf(file: string): FileKind {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new RempartError('invalid_input', `Cannot tell the format of ${file}: use a .json model, or a .csv or .xlsx activity spreadsheet.`, [
    { path: 'FILE', rule: 'extension', value: file, message: '.json, .csv or .xlsx' },
  ]);
}

/** Reads and schema-checks a JSON model document; throws with every problem. */
async function readModelFile(file: string, field = 'FILE'): Promise<OrganisationModel> {
  const json = await readJsonFile(file, field);
  const parsed = OrganisationModel.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new RempartError('invalid_input', `${file} does not match the model schema.`, problemsFromZod(parsed.error, json));
  return parsed.data;
}

program
  .command('serve')
  .description('Start the server (web app and API); loads the demo organisation into an empty embedded database')
  .addOption(new Option('--port <port>', 'port (env REMPART_PORT, default 4310)'))
  .addOption(new Option('--host <host>', 'address to listen on (env REMPART_HOST, default 127.0.0.1)'))
  .addOption(dataOption())
  .option('--no-demo', 'do not load the demo organisation into an empty database')
  .option('--no-jobs', 'serve only: leave queued jobs to other processes (env REMPART_JOBS=0)')
  .addOption(
    new Option('--workers <n>', 'HTTP processes sharing the port, PostgreSQL only; the first runs the jobs unless --no-jobs (env REMPART_WORKERS, default 1)'),
  )
  .addOption(logFormatOption())
  .action(async (flags: ConfigFlags) => {
    // Commander sets `jobs: true` when the flag is absent: only its presence may override REMPART_JOBS.
    const config = loadConfig({ ...flags, jobs: flags.jobs === false ? false : undefined });
    if (config.workers > 1 || isClusterWorker()) await startCluster(config);
    else await startServer(config);
  });

program
  .command('worker')
  .description('Run queued jobs only (Monte Carlo, recommendations, purges), no HTTP: beside `serve --no-jobs` processes on one PostgreSQL, any number of them')
  .addOption(dataOption())
  .addOption(logFormatOption())
  .addHelpText(
    'after',
    `
Jobs are rows in the database: every worker and every \`serve\` without --no-jobs claims them fairly across
organisations, retries a failed one with back-off, and keeps it as a dead letter after its last attempt
(administrators: GET /api/orgs/{org}/jobs?status=dead, then POST …/jobs/{id}/retry).
On SIGTERM or SIGINT a worker hands the jobs it holds back, from their last checkpoint, and exits.

An embedded data folder has one owner: run \`rempart worker\` on it only while no \`serve\` holds it.

Settings (environment): DATABASE_URL, REMPART_DATA, REMPART_SECRET_KEY, REMPART_JOB_TURN_SECONDS,
REMPART_JOB_STALE_SECONDS, REMPART_LOG_LEVEL.`,
  )
  .action(async (flags: ConfigFlags) => {
    await startWorker(loadConfig(flags));
  });

program
  .command('import')
  .description('Import a model (JSON, replaces the organisation’s model) or an activity spreadsheet (CSV/XLSX, adds or replaces activities)')
  .argument('<file>', 'model .json, or activities .csv / .xlsx')
  .option('--org <id>', 'organisation id (JSON: defaults to organisation.id in the file)')
  .addOption(dataOption())
  .action(async (file: string, flags: ConfigFlags & { org?: string }) => {
    const kind = kindOf(file);
    // The file first: a missing or bad one must not cost (or create) a database.
    const model = kind === 'json' ? await readModelFile(file) : undefined;
    const data = kind === 'json' ? undefined : await readInputFile(file);
    await withDatabase(flags, async (handle) => {
      if (model) {
        const orgId = flags.org ?? model.organisation?.id;
        if (!orgId)
          throw new RempartError('invalid_input', 'Say which organisation to import into with --org (the file has no organisation.id).', [
            { path: '--org', rule: 'required', value: null, message: 'organisation id' },
          ]);
        const summary = await importModel(handle.db, orgId, model);
        const counts = Object.entries(summary.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ');
        process.stdout.write(`${summary.created ? 'Created' : 'Replaced'} organisation ${orgId}: ${counts} (model version ${summary.modelVersion}).\n`);
        return;
      }
      const orgId = await resolveOrg(handle, flags.org);
      const org = await new ModelRepository(handle.db).getOrganisation(orgId);
      if (!org)
        throw new RempartError('not_found', `No organisation "${orgId}".`, [{ path: '--org', rule: 'exists', value: orgId, message: 'unknown organisation' }]);
      const sheet = await parseActivitySheet(data!, kind as 'csv' | 'xlsx', org.bia);
      if (sheet.problems.length > 0) {
        const problems = allSheetProblems(await exportModel(handle.db, orgId), sheet);
        throw new RempartError('invalid_input', `${file} has ${problems.length} problem(s); nothing was imported.`, problems);
      }
      const result = await upsertActivities(handle.db, orgId, sheet.activities, (p) => locateActivityProblem(p, sheet.rowOf, sheet.columns));
      process.stdout.write(`Imported ${sheet.activities.length} activities into ${orgId}: ${result.created} new, ${result.updated} replaced.\n`);
    });
  });

program
  .command('export')
  .description('Export an organisation: the whole model as JSON, or the activities with their BIA as XLSX/CSV')
  .option('--org <id>', 'organisation id (default: the only one)')
  .addOption(new Option('--format <format>', 'json, xlsx or csv').choices(['json', 'xlsx', 'csv']).default('json'))
  .option('-o, --output <file>', 'write to this file (default: standard output for JSON, <org>-activities.<format> otherwise)')
  .addOption(dataOption())
  .action(async (flags: ConfigFlags & { org?: string; format: FileKind; output?: string }) => {
    await withDatabase(
      flags,
      async (handle) => {
        const orgId = await resolveOrg(handle, flags.org);
        const model = await exportModel(handle.db, orgId);
        if (flags.format === 'json') {
          const text = `${JSON.stringify(model, null, 2)}\n`;
          if (flags.output) await writeFile(flags.output, text);
          else process.stdout.write(text);
          return;
        }
        const output = flags.output ?? `${orgId}-activities.${flags.format}`;
        await writeFile(output, await writeActivitySheet(model.activities, model.bia ?? DEFAULT_BIA, flags.format));
        process.stderr.write(`Wrote ${model.activities.length} activities to ${output}.\n`);
      },
      { existing: true },
    );
  });

program
  .command('validate')
  .description('Check a model (JSON) or an activity spreadsheet (CSV/XLSX) without importing it: prints every problem, exits 1 if any')
  .argument('<file>')
  .option('--model <file>', 'spreadsheet: check its references (applications, suppliers, sites, pools, activities) against this model file')
  .option('--org <id>', 'spreadsheet: check its references against this stored organisation (and use its impact categories)')
  .option('--strict', 'also fail on BIA findings (RTO above MTPD, recovery gaps, cycles, missing assessments)')
  .addOption(dataOption())
  .addHelpText(
    'after',
    `
A spreadsheet names other items by id: without --model or --org only its values can be checked, and --strict refuses it.`,
  )
  .action(async (file: string, flags: ConfigFlags & { strict?: boolean; model?: string; org?: string }) => {
    const kind = kindOf(file);
    if (flags.model && flags.org)
      throw new RempartError('invalid_input', 'Give --model or --org, not both.', [
        { path: '--org', rule: 'one_source', value: flags.org, message: 'one model to check against' },
      ]);
    if (flags.data !== undefined && !flags.org)
      throw new RempartError(
        'invalid_input',
        'validate opens the database of --data only to check a spreadsheet against --org ID: without --org it would be ignored.',
        [{ path: '--data', rule: 'one_source', value: flags.data, message: 'only with --org' }],
      );
    let problems: Problem[];
    let findings: ReturnType<typeof biaFindings> = [];
    let referencesChecked = true;
    if (kind === 'json') {
      if (flags.model || flags.org)
        throw new RempartError('invalid_input', `${file} is a whole model: its references are checked within it; --model and --org are for spreadsheets.`, [
          { path: flags.model ? '--model' : '--org', rule: 'spreadsheet_only', value: flags.model ?? flags.org, message: 'only with a .csv or .xlsx file' },
        ]);
      try {
        const model = await readModelFile(file);
        const bia = model.bia ?? DEFAULT_BIA;
        problems = integrityProblems({ ...model, bia });
        if (problems.length === 0) findings = biaFindings({ ...model, bia });
      } catch (error) {
        if (!(error instanceof RempartError) || error.code !== 'invalid_input' || error.details.length === 0) throw error;
        problems = error.details;
      }
    } else {
      const data = await readInputFile(file);
      const model = flags.model
        ? await readModelFile(flags.model, '--model')
        : flags.org
          ? await withDatabase(flags, async (handle) => exportModel(handle.db, await resolveOrg(handle, flags.org)), { existing: true })
          : undefined;
      const bia = model?.bia ?? DEFAULT_BIA;
      const sheet = await parseActivitySheet(data, kind, bia);
      problems = model ? allSheetProblems(model, sheet) : sheet.problems;
      referencesChecked = model !== undefined;
      if (model && problems.length === 0) {
        // The file's activities as they would be once imported, judged with the rest of the model they join.
        const ids = new Set(sheet.activities.map((a) => a.id));
        const merged = [...model.activities.filter((a) => !ids.has(a.id)), ...sheet.activities];
        findings = biaFindings({ ...model, bia, activities: merged }).filter((f) => ids.has(f.activity));
      }
    }
    if (problems.length > 0) {
      process.stderr.write(`${file}: ${problems.length} problem(s)\n`);
      printProblems(problems);
    }
    const blocking = findings.filter((f) => f.severity !== 'info');
    if (findings.length > 0) {
      process.stdout.write(`${findings.length} BIA finding(s):\n`);
      for (const f of findings) process.stdout.write(`  [${f.severity}] ${f.activity}: ${f.message} (${f.rule})\n`);
    }
    if (problems.length > 0 || (flags.strict && blocking.length > 0)) {
      process.exitCode = 1;
      return;
    }
    if (!referencesChecked) {
      const hint = 'its references to applications, suppliers, sites, pools and activities were not checked: add --model FILE or --org ID';
      if (flags.strict)
        throw new RempartError('invalid_input', `${file}: ${hint}.`, [{ path: '--model', rule: 'required', value: null, message: 'with --strict' }]);
      process.stdout.write(`${file}: values valid; ${hint}\n`);
      return;
    }
    process.stdout.write(`${file}: valid\n`);
  });

program
  .command('migrate')
  .description('Apply pending database migrations (the server also does it at start-up)')
  .addOption(dataOption())
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: false });
    try {
      const applied = await migrate(handle.db);
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
    } finally {
      await handle.close();
    }
  });

program
  .command('demo')
  .description('Load (or reset) the demo organisation: a European insurer of about 1,200 staff')
  .option('--org <id>', 'organisation id to load it as', 'demo')
  .addOption(dataOption())
  .action(async (flags: ConfigFlags & { org: string }) => {
    await withDatabase(flags, async (handle) => {
      const summary = await loadDemo(handle.db, flags.org);
      process.stdout.write(
        `Loaded the demo organisation as "${flags.org}" (${summary.counts.activities} activities, ${summary.counts.applications} applications).\n`,
      );
    });
  });

program
  .command('template')
  .description('Write the BIA activity spreadsheet template')
  .addOption(new Option('--format <format>', 'xlsx or csv').choices(['xlsx', 'csv']).default('xlsx'))
  .option('--org <id>', 'use this organisation’s impact categories and time points')
  .option('-o, --output <file>', 'file to write (default rempart-activities-template.<format>)')
  .addOption(dataOption())
  .action(async (flags: ConfigFlags & { org?: string; format: 'csv' | 'xlsx'; output?: string }) => {
    let bia = DEFAULT_BIA;
    if (flags.org)
      bia = await withDatabase(
        flags,
        async (handle) => {
          const org = await new ModelRepository(handle.db).getOrganisation(flags.org!);
          if (!org)
            throw new RempartError('not_found', `No organisation "${flags.org}".`, [
              { path: '--org', rule: 'exists', value: flags.org, message: 'unknown organisation' },
            ]);
          return org.bia;
        },
        { existing: true },
      );
    const output = flags.output ?? `rempart-activities-template.${flags.format}`;
    await writeFile(output, await activitySheetTemplate(bia, flags.format));
    process.stdout.write(`Wrote ${output}\n`);
  });

registerScenarioCommands(program);
registerRiskCommands(program);
registerOrientationCommand(program);
registerFlowCommands(program);
registerPeopleCommands(program);
registerKbCommands(program);
registerAccountCommands(program);
registerCrisisCommands(program);
registerBackupCommands(program);
checkMandatoryOptionsLast(program);

/**
 * Commander checks mandatory options before unknown ones, so a misspelt `--scenarios x` reads "required option
 * '--scenario' not specified". The check moves after the unknown-option check (a preAction hook runs after it).
 */
function checkMandatoryOptionsLast(command: Command): void {
  for (const sub of command.commands) {
    const mandatory = sub.options.filter((option) => option.mandatory);
    for (const option of mandatory) option.mandatory = false;
    if (mandatory.length > 0)
      sub.hook('preAction', (_command, action) => {
        const missing = mandatory.find((option) => action.getOptionValue(option.attributeName()) === undefined);
        if (missing) action.error(`error: required option '${missing.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
      });
    checkMandatoryOptionsLast(sub);
  }
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // Output piped into `head` or a pager that quits: the reader has what it wanted, no trace to print.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    // Changes made from the terminal are the operator's in the audit trail.
    await actAs(cliActing(), () => program.parseAsync(argv));
  } catch (error) {
    reportError(error);
  }
}

await main();
