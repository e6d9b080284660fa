// `rempart simulate | montecarlo | recommend`: the scenario engine on model files or a stored organisation.
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { recommend } from '../engine/recommend.js';
import type { Binding } from '../engine/results.js';
import { simulate, type SimulationResult } from '../engine/simulate.js';
import { RempartError } from '../errors.js';
import { OrganisationModel } from '../model/organisation.js';
import { problemsFromZod } from '../model/problem.js';
import { DEFAULT_MONTE_CARLO_RUNS, Scenario } from '../model/scenario.js';
import type { ConfigFlags } from '../config.js';
import { exportModel } from '../operations/model-writer.js';
import { runMonteCarloParallel } from '../operations/montecarlo-workers.js';
import { engineRefusal } from '../operations/scenarios.js';
import { ModelRepository } from '../store/model-repository.js';
import { dataOption, refuseDataWith, resolveOrg, withDatabase } from './context.js';
import { readJsonFile } from './json-file.js';

interface SourceFlags extends ConfigFlags {
  model?: string;
  org?: string;
  json?: boolean;
}

async function parseFile<T>(
  file: string,
  schema: { safeParse(data: unknown, params?: { reportInput?: boolean }): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  what: string,
  field: string,
): Promise<T> {
  const json = await readJsonFile(file, field);
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new RempartError('invalid_input', `${file} is not a valid ${what}.`, problemsFromZod(parsed.error, json));
  return parsed.data;
}

/**
 * The model from `--model FILE` or from the stored organisation, and the scenarios: files, or with
 * an organisation, ids of its stored scenarios.
 */
async function withInputs<T>(flags: SourceFlags, scenarioArgs: string[], work: (model: OrganisationModel, scenarios: Scenario[]) => Promise<T>): Promise<T> {
  if (flags.model && flags.org)
    throw new RempartError('invalid_input', 'Give --model FILE or --org ID, not both: each names the organisation to simulate.', [
      { path: '--org', rule: 'one_source', value: flags.org, message: 'one organisation: a model file or a stored one' },
    ]);
  if (flags.model) {
    refuseDataWith(flags, flags.model, '--model');
    const model = await parseFile(flags.model, OrganisationModel, 'organisation model', '--model');
    const scenarios = await Promise.all(scenarioArgs.map((file) => parseFile(file, Scenario, 'scenario', '--scenario')));
    return work(model, scenarios);
  }
  // Reading a stored organisation must never create an empty database where the user's data is not.
  return withDatabase(
    flags,
    async (handle) => {
      const orgId = await resolveOrg(handle, flags.org);
      const model = await exportModel(handle.db, orgId);
      const repository = new ModelRepository(handle.db);
      const scenarios = await Promise.all(
        scenarioArgs.map(async (arg) => {
          if (existsSync(arg)) return parseFile(arg, Scenario, 'scenario', '--scenario');
          const stored = await repository.getEntity(orgId, 'scenarios', arg);
          if (!stored)
            throw new RempartError('not_found', `No scenario file or stored scenario "${arg}" in ${orgId}.`, [
              { path: '--scenario', rule: 'exists', value: arg, message: 'a file or a scenario id' },
            ]);
          return stored;
        }),
      );
      return work(model, scenarios);
    },
    { existing: true },
  );
}

function hours(value: number | null): string {
  if (value === null) return '—';
  if (value < 24) return `${value} h`;
  const days = Math.floor(value / 24);
  const rest = value % 24;
  return rest ? `${days} d ${rest} h` : `${days} d`;
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/**
 * The hour an activity's MTPD was first exceeded: in its first run longer than the MTPD, the disruption has lasted
 * more than `mtpd` hours from hour `from + mtpd` on. Null when it was not breached.
 */
export function breachedAt(binding: ReadonlyArray<Binding>, mtpd: number): number | null {
  const run = binding.find((b) => b.to - b.from > mtpd);
  return run ? run.from + mtpd : null;
}

/** Why each disrupted run started, with its hours: `application:crm 0 h–14 d; upstream:payroll 16 d–21 d`. */
export function describeCauses(binding: ReadonlyArray<Binding>): string {
  return binding.map((b) => `${b.cause} ${hours(b.from)}–${hours(b.to)}`).join('; ') || '—';
}

/** An amount of the organisation's currency, rounded: "46,800 EUR". */
function money(model: OrganisationModel, amount: number): string {
  return `${Math.round(amount).toLocaleString('en')} ${model.organisation?.currency ?? 'EUR'}`;
}

/** How many activities have a cost of downtime per hour: the figures leave the others out, and must say so. */
function valuedCount(model: OrganisationModel): number {
  return model.activities.filter((activity) => activity.downtimeCostPerHour !== undefined).length;
}

function printSimulation(model: OrganisationModel, result: SimulationResult, scenario: Scenario): void {
  const names = new Map(model.activities.map((a) => [a.id, a]));
  const rows = [['ACTIVITY', 'LONGEST DISRUPTION', 'RECOVERED AT', 'MTPD', 'BREACHED AT', 'CAUSES (FROM–TO)']];
  const sorted = [...result.activities].sort((a, b) => Number(b.mtpdBreached) - Number(a.mtpdBreached) || b.longestDisruption - a.longestDisruption);
  for (const activity of sorted) {
    const mtpd = names.get(activity.id)?.mtpd ?? null;
    rows.push([
      activity.id,
      hours(activity.longestDisruption),
      hours(activity.recoveredAt),
      hours(mtpd),
      activity.mtpdBreached && mtpd !== null ? hours(breachedAt(activity.binding, mtpd)) : 'no',
      describeCauses(activity.binding),
    ]);
  }
  printTable(rows);
  const pools = result.pools.filter((p) => p.unmetHours > 0);
  for (const pool of pools)
    process.stdout.write(
      `Pool ${pool.id}: peak demand ${Math.round(pool.peakDemand)} for a capacity of ${Math.round(pool.capacityAtPeak)}, short for ${hours(pool.unmetHours)}.\n`,
    );
  process.stdout.write(
    `${result.breached} activit${result.breached === 1 ? 'y breaches its' : 'ies breach their'} MTPD. Cost of activated strategies: ${Math.round(result.cost).toLocaleString('en')}.\n`,
  );
  const valued = valuedCount(model);
  if (valued > 0)
    process.stdout.write(
      `Cost of downtime: ${money(model, result.downtimeCost)} (expected yearly, ${scenario.frequency ?? 1} a year: ${money(model, result.yearlyDowntimeCost)}; ${valued} of ${model.activities.length} activities have a cost per hour).\n`,
    );
}

/** What the engine computes, for `--help`: the reference ships with Rempart. */
const SCENARIO_HELP = `
What the engine computes (inputs, hour-by-hour rules, results, Monte Carlo, recommendations): docs/scenario-model.md.
Scenario files to start from: data/scenarios/*.json.`;

/** A scenario as a heading: its id or name, and the argument it came from. */
function scenarioLabel(scenario: Scenario, arg: string): string {
  const name = scenario.id ?? scenario.name;
  return name && name !== arg ? `${name} (${arg})` : arg;
}

const scenarioOption = () => new Option('--scenario <file-or-id...>', 'scenario file (or, with --org, a stored scenario id)').makeOptionMandatory();
const modelOption = () => new Option('--model <file>', 'organisation model file (JSON); without it, the stored organisation is used');

export function registerScenarioCommands(program: Command): void {
  program
    .command('simulate')
    .description('Simulate scenarios hour by hour: which activities break their MTPD, when and why (each scenario given, in turn)')
    .addOption(modelOption())
    .addOption(scenarioOption())
    .option('--org <id>', 'stored organisation (default: the only one)')
    .option('--json', 'print the result object (docs/scenario-model.md §5); with several scenarios, a list of {scenario, result}')
    .option('--series', 'add the hour-by-hour capacity of every activity and the demand and capacity of every pool (`series`; implies --json)')
    .addOption(dataOption())
    .addHelpText('after', SCENARIO_HELP)
    .action(async (flags: SourceFlags & { scenario: string[]; series?: boolean }) => {
      await withInputs(flags, flags.scenario, async (model, scenarios) => {
        const results = scenarios.map((scenario) => {
          try {
            return simulate(model, scenario, { series: flags.series ?? false });
          } catch (error) {
            engineRefusal(error);
          }
        });
        if (flags.json || flags.series) {
          const output = results.length === 1 ? results[0] : results.map((result, i) => ({ scenario: flags.scenario[i], result }));
          process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
          return;
        }
        results.forEach((result, i) => {
          if (results.length > 1) process.stdout.write(`${i > 0 ? '\n' : ''}Scenario ${scenarioLabel(scenarios[i], flags.scenario[i])}\n`);
          printSimulation(model, result, scenarios[i]);
        });
      });
    });

  program
    .command('montecarlo')
    .description('Run a scenario with uncertain numbers many times: probability of breaching each MTPD')
    .addOption(modelOption())
    .addOption(scenarioOption())
    .option('--org <id>', 'stored organisation (default: the only one)')
    .option('--runs <n>', 'number of runs', String(DEFAULT_MONTE_CARLO_RUNS))
    .option('--seed <n>', 'random seed (same seed, same result)', '1')
    .option('--workers <k>', 'worker threads (default: the machine’s cores)')
    .option('--json', 'print the result object (docs/scenario-model.md §6)')
    .addOption(dataOption())
    .addHelpText('after', SCENARIO_HELP)
    .action(async (flags: SourceFlags & { scenario: string[]; runs: string; seed: string; workers?: string }) => {
      // One scenario per run of draws: silently using only the first of several would report on a scenario not asked for.
      if (flags.scenario.length > 1)
        throw new RempartError('invalid_input', `montecarlo runs one scenario at a time; ${flags.scenario.length} were given: run it once per scenario.`, [
          { path: '--scenario', rule: 'one_scenario', value: flags.scenario, message: 'exactly one scenario file or id' },
        ]);
      const numbers = {
        runs: Number(flags.runs),
        seed: Number(flags.seed),
        workers: flags.workers === undefined ? (await import('node:os')).availableParallelism() : Number(flags.workers),
      };
      const problems = Object.entries(numbers)
        .filter(([name, value]) => !Number.isSafeInteger(value) || value < (name === 'seed' ? 0 : 1))
        .map(([name, value]) => ({ path: `--${name}`, rule: 'integer', value, message: name === 'seed' ? 'a whole number ≥ 0' : 'a whole number ≥ 1' }));
      if (problems.length > 0) throw new RempartError('invalid_input', 'Invalid options.', problems);
      await withInputs(flags, flags.scenario.slice(0, 1), async (model, [scenario]) => {
        const bar =
          process.stderr.isTTY && !flags.json
            ? new cliProgress.SingleBar(
                { stream: process.stderr, format: 'Monte Carlo [{bar}] {value}/{total} runs  {eta_formatted}' },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        bar?.start(numbers.runs, 0);
        let result;
        try {
          result = await runMonteCarloParallel(model, scenario, { ...numbers, onProgress: (done) => bar?.update(done) });
        } catch (error) {
          bar?.stop();
          engineRefusal(error);
        }
        bar?.stop();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        const rows = [['ACTIVITY', 'P(BREACH)', 'P50', 'P90', 'P99']];
        for (const a of [...result.activities].sort((x, y) => y.breachProbability - x.breachProbability))
          rows.push([
            a.id,
            `${(a.breachProbability * 100).toFixed(1)} %`,
            hours(a.longestDisruption.p50),
            hours(a.longestDisruption.p90),
            hours(a.longestDisruption.p99),
          ]);
        printTable(rows);
        process.stdout.write(`${result.runs} runs, seed ${result.seed}.\n`);
      });
    });

  program
    .command('recommend')
    .description('Find the cheapest set of strategies that keeps every activity within its MTPD in every scenario')
    .addOption(modelOption())
    .addOption(scenarioOption())
    .option('--org <id>', 'stored organisation (default: the only one)')
    .option('--candidates <ids>', 'comma-separated strategy ids to choose from (default: all)')
    .option('--json', 'print the result object (docs/scenario-model.md §7)')
    .addOption(dataOption())
    .addHelpText('after', SCENARIO_HELP)
    .action(async (flags: SourceFlags & { scenario: string[]; candidates?: string }) => {
      await withInputs(flags, flags.scenario, async (model, scenarios) => {
        let result;
        try {
          result = recommend(model, scenarios, {
            candidates: flags.candidates
              ?.split(',')
              .map((id) => id.trim())
              .filter(Boolean),
          });
        } catch (error) {
          engineRefusal(error);
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        const names = new Map(model.strategies.map((s) => [s.id, s.name]));
        process.stdout.write(
          `${result.feasible ? 'Keeps every activity within its MTPD' : 'No set keeps every activity within its MTPD; the best found'}: ${result.strategies.map((id) => `${names.get(id)} (${id})`).join(', ') || 'no strategy needed'}\n`,
        );
        process.stdout.write(
          `Expected yearly cost: ${Math.round(result.cost).toLocaleString('en')} (${result.exact ? 'exact optimum' : 'heuristic'}, ${result.evaluated} sets evaluated).\n`,
        );
        const downtime = result.downtimeCost;
        if (downtime.valuedActivities > 0) {
          process.stdout.write(
            `Expected yearly cost of downtime: ${money(model, downtime.withoutStrategies)} without strategies, ${money(model, downtime.withStrategies)} with them (avoided: ${money(model, downtime.withoutStrategies - downtime.withStrategies)}; ${downtime.valuedActivities} of ${model.activities.length} activities have a cost per hour).\n`,
          );
          if (downtime.scenarios.length > 1)
            downtime.scenarios.forEach((item, i) =>
              process.stdout.write(
                `  ${scenarioLabel(scenarios[i], flags.scenario[i])} (${item.frequency} a year): ${money(model, item.withoutStrategies)} → ${money(model, item.withStrategies)}\n`,
              ),
            );
        }
        for (const breach of result.remainingBreaches)
          process.stdout.write(
            `  still breached: ${breach.activity} in ${breach.scenario.id ?? `scenario ${breach.scenario.index + 1}`} (${breach.binding.map((b) => b.cause).join(', ')})\n`,
          );
      });
    });
}
