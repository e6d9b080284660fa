// The committee pack of a scenario (by default the demo's pandemic lockdown): what breaks in one run of the
// simulation and why, how likely a breach is when the scenario's uncertain parameters vary (Monte Carlo), and which
// strategies to fund at what yearly cost, in the organisation's currency. Runs stored for the current model are used
// as they are; missing ones are computed for the report on the worker threads, never on the HTTP loop.
import { sql } from 'kysely';
import { simulate } from '../../engine/simulate.js';
import type { ReportBlock } from '../../interchange/report-document.js';
import type { MonteCarloResult, Recommendation } from '../../model/contract/runs.js';
import type { Scenario } from '../../model/scenario.js';
import { ModelRepository } from '../../store/model-repository.js';
import { exportModel, notFound } from '../model-writer.js';
import { runMonteCarloParallel } from '../montecarlo-workers.js';
import { recommendInWorker } from '../recommend-workers.js';
import { barChart, fileStem, frame, nameIn, wordsOf, type BuiltReport, type ReportContext } from './context.js';

/** The latest finished run of this kind on this scenario alone, computed on the model as it is now. */
async function storedResult<T>(context: ReportContext, kind: 'montecarlo' | 'recommendation', scenario: string): Promise<T | undefined> {
  const row = await context.db
    .selectFrom('scenario_runs')
    .select('result')
    .where('org_id', '=', context.org.id)
    .where('kind', '=', kind)
    .where('status', '=', 'done')
    .where('model_version', '=', context.org.modelVersion)
    .where(sql<boolean>`scenario_ids = array[${scenario}]::text[]`)
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (row?.result as T | undefined) ?? undefined;
}

export async function committeeReport(context: ReportContext, params: { scenario: string; runs: number }): Promise<BuiltReport> {
  const { language } = context;
  const words = wordsOf(context);
  const w = words.committee;
  const scenario = (await new ModelRepository(context.db).getEntity(context.org.id, 'scenarios', params.scenario)) as Scenario | undefined;
  if (!scenario) throw notFound('scenario', params.scenario);
  const model = await exportModel(context.db, context.org.id);
  const activity = (id: string) => model.activities.find((item) => item.id === id);
  const simulation = simulate(model, scenario);

  const storedMonteCarlo = await storedResult<MonteCarloResult>(context, 'montecarlo', params.scenario);
  const monteCarlo =
    storedMonteCarlo ??
    (await runMonteCarloParallel(model, scenario, { runs: params.runs, seed: 1, workers: Math.max(1, context.workers), signal: context.signal }));
  const storedRecommendation = await storedResult<Recommendation>(context, 'recommendation', params.scenario);
  const recommendation = storedRecommendation ?? (await recommendInWorker(model, [scenario], { signal: context.signal }));

  const scenarioName = nameIn(language, scenario as { id: string; name?: string; names?: { en?: string; fr?: string } });
  const disrupted = simulation.activities.filter((line) => line.longestDisruption > 0).sort((a, b) => b.longestDisruption - a.longestDisruption);
  const causeOf = (cause: string) => {
    const [type, id] = cause.split(':');
    const label = w.causes[type] ?? type;
    if (!id) return label;
    const entity =
      type === 'application'
        ? model.applications.find((item) => item.id === id)
        : type === 'supplier'
          ? model.suppliers.find((item) => item.id === id)
          : activity(id);
    return `${label}: ${nameIn(language, entity, id)}`;
  };
  const probabilities = [...monteCarlo.activities].sort((a, b) => b.breachProbability - a.breachProbability).filter((line) => line.breachProbability > 0);
  const strategies = recommendation.strategies.map((id) => model.strategies.find((strategy) => strategy.id === id)).filter((item) => item !== undefined);

  const blocks: ReportBlock[] = [
    {
      type: 'facts',
      items: [
        { label: w.scenario, value: scenarioName, type: 'text' },
        { label: w.horizon, value: scenario.horizon, type: 'hours' },
        { label: w.breached, value: simulation.breached, type: 'number' },
        { label: w.simulationCost, value: simulation.cost, type: 'money' },
        { label: w.totalCost, value: recommendation.cost, type: 'money' },
        { label: w.feasible, value: recommendation.feasible, type: 'boolean' },
      ],
    },
  ];
  if (scenario.description) blocks.push({ type: 'text', text: scenario.descriptions?.[language] ?? scenario.description });
  blocks.push({ type: 'heading', text: w.simulation }, { type: 'text', text: w.simulationNote, tone: 'muted' });
  if (disrupted.length > 0)
    blocks.push({
      type: 'chart',
      chart: {
        title: w.chartDisruption,
        ...barChart(
          disrupted.map((line) => nameIn(language, activity(line.id), line.id)),
          [
            { name: w.longest, data: disrupted.map((line) => line.longestDisruption), color: '#e8590c' },
            { name: words.mtpd, data: disrupted.map((line) => activity(line.id)?.mtpd ?? 0), color: '#1c7ed6' },
          ],
          { log: true, yName: 'h' },
        ),
      },
    });
  blocks.push(
    {
      type: 'table',
      table: {
        sheet: w.simulation,
        title: '',
        columns: [
          { label: words.activity, type: 'text', weight: 2.4 },
          { label: words.mtpd, type: 'hours' },
          { label: w.longest, type: 'hours' },
          { label: w.firstDisrupted, type: 'number', weight: 0.9 },
          { label: w.breachedMtpd, type: 'boolean', weight: 0.8 },
          { label: w.cause, type: 'text', weight: 2 },
        ],
        rows: [...simulation.activities]
          .sort((a, b) => Number(b.mtpdBreached) - Number(a.mtpdBreached) || b.longestDisruption - a.longestDisruption)
          .map((line) => [
            nameIn(language, activity(line.id), line.id),
            activity(line.id)?.mtpd ?? null,
            line.longestDisruption,
            line.firstDisrupted,
            line.mtpdBreached,
            [...new Set(line.binding.map((binding) => causeOf(binding.cause)))].join(', ') || null,
          ]),
      },
    },
    {
      type: 'table',
      table: {
        sheet: w.pools,
        title: w.pools,
        columns: [
          { label: w.pool, type: 'text', weight: 2 },
          { label: w.peakDemand, type: 'number' },
          { label: w.capacityAtPeak, type: 'number' },
          { label: w.unmetHours, type: 'number' },
        ],
        rows: simulation.pools.map((pool) => [
          nameIn(
            language,
            model.pools.find((item) => item.id === pool.id),
            pool.id,
          ),
          pool.peakDemand,
          pool.capacityAtPeak,
          pool.unmetHours,
        ]),
      },
    },
    { type: 'heading', text: w.monteCarlo },
    { type: 'text', text: w.monteCarloNote(monteCarlo.runs, storedMonteCarlo !== undefined), tone: 'muted' },
  );
  if (probabilities.length > 0)
    blocks.push({
      type: 'chart',
      chart: {
        title: w.chartProbability,
        ...barChart(
          probabilities.map((line) => nameIn(language, activity(line.id), line.id)),
          [{ name: w.probability, data: probabilities.map((line) => Math.round(line.breachProbability * 1000) / 10), color: '#c92a2a' }],
          { percent: true },
        ),
      },
    });
  blocks.push(
    {
      type: 'table',
      table: {
        sheet: w.monteCarlo,
        title: '',
        columns: [
          { label: words.activity, type: 'text', weight: 2.4 },
          { label: words.mtpd, type: 'hours' },
          { label: w.probability, type: 'percent' },
          { label: w.p50, type: 'hours' },
          { label: w.p90, type: 'hours' },
          { label: w.p99, type: 'hours' },
        ],
        rows: [...monteCarlo.activities]
          .sort((a, b) => b.breachProbability - a.breachProbability || b.longestDisruption.p90 - a.longestDisruption.p90)
          .map((line) => [
            nameIn(language, activity(line.id), line.id),
            activity(line.id)?.mtpd ?? null,
            line.breachProbability,
            line.longestDisruption.p50,
            line.longestDisruption.p90,
            line.longestDisruption.p99,
          ]),
      },
    },
    { type: 'heading', text: w.recommendation },
    { type: 'text', text: w.recommendationNote(storedRecommendation !== undefined), tone: 'muted' },
  );
  if (strategies.length === 0) blocks.push({ type: 'text', text: w.noStrategy });
  else
    blocks.push({
      type: 'chart',
      chart: {
        title: w.chartCosts,
        ...barChart(
          strategies.map((strategy) => nameIn(language, strategy)),
          [{ name: w.fixed, data: strategies.map((strategy) => strategy.cost.fixed), color: '#2f9e44' }],
          { yName: context.org.currency },
        ),
      },
    });
  blocks.push({
    type: 'table',
    table: {
      sheet: w.recommendation,
      title: '',
      empty: w.noStrategy,
      columns: [
        { label: w.strategy, type: 'text', weight: 2.5 },
        { label: w.leadTime, type: 'hours' },
        { label: w.fixed, type: 'money' },
        { label: w.perDay, type: 'money' },
      ],
      rows: strategies.map((strategy) => [nameIn(language, strategy), strategy.leadTime, strategy.cost.fixed, strategy.cost.perDay]),
    },
  });
  blocks.push({ type: 'facts', items: [{ label: w.totalCost, value: recommendation.cost, type: 'money' }] });
  if (recommendation.remainingBreaches.length > 0)
    blocks.push({
      type: 'text',
      tone: 'alert',
      text: `${w.remaining}: ${[...new Set(recommendation.remainingBreaches.map((breach) => nameIn(language, activity(breach.activity), breach.activity)))].join(', ')}`,
    });
  return {
    document: frame(context, w.kind, w.title(scenarioName), blocks),
    fileStem: fileStem('committee', params.scenario, context.now.toISOString().slice(0, 10)),
  };
}
