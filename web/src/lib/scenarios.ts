// Scenarios on screen: API shapes, disrupted periods from a result, causes in plain words, disruptions described,
// uncertain numbers for the editor, and the CSV of a result for the executive committee.
import { isDistribution, meanOf, type DistributionSpec } from '@shared/engine/random.js';
import { curveRate, meanScenario, type ResolvedDisruption } from '@shared/engine/simulate.js';
import type {
  ActivityResult,
  Binding,
  BindingCause,
  MonteCarloResult,
  MonteCarloRun,
  PoolResult,
  RecommendationRun,
  RemainingBreach,
  Run as AnyRun,
  RunKind,
  RunStatus,
  ScenarioView,
  SimulationResult,
  SimulationRun,
  StoredActivityResult,
  StoredRecommendation,
  StoredSimulationResult,
} from '@shared/model/contract/runs.js';
import type { OrganisationModel, Strategy } from '@shared/model/organisation.js';
import type { Disruption, Distribution, Scenario } from '@shared/model/scenario.js';
import type { Formatter, Translate } from './format.js';

export type {
  ActivityResult,
  Binding,
  BindingCause,
  Disruption,
  Distribution,
  MonteCarloResult,
  PoolResult,
  Recommendation,
  RemainingBreach,
  Scenario,
  SimulationResult,
};

/** A recommendation as the API gives it back: those stored before costs of downtime have none. */
type Recommendation = StoredRecommendation;

// The API's shapes, declared once in the contract (src/model/contract/runs.ts): a run's `kind` says which result it has.
export type { AnyRun, MonteCarloRun, RecommendationRun, RunKind, RunStatus, SimulationRun, StoredActivityResult, StoredSimulationResult };
/** `kind` and `params` of each kind of run (a union: checking `kind` narrows `params`). */
type KindParams<T> = T extends AnyRun ? Pick<T, 'kind' | 'params'> : never;
/** `kind` and `params` of the run whose result is `R` (any kind for the union of results). */
type KindFor<R> = [R] extends [Recommendation]
  ? KindParams<RecommendationRun>
  : [R] extends [MonteCarloResult]
    ? KindParams<MonteCarloRun>
    : [R] extends [StoredSimulationResult]
      ? KindParams<SimulationRun>
      : KindParams<AnyRun>;
/** A run whose result a page reads as `R` (it knows the kind from what it asked for); by default any run, by `kind`. */
export type Run<R = NonNullable<AnyRun['result']>> = Omit<AnyRun, 'kind' | 'params' | 'result'> & KindFor<R> & { result?: R | null };
/** A scenario as stored by the organisation (durations already in hours), with what the caller may do to it. */
export type StoredScenario = ScenarioView;

export const RUN_KINDS = ['simulation', 'montecarlo', 'recommendation'] as const satisfies readonly RunKind[];
export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];
export const DISRUPTION_TYPES = ['lockdown', 'absenteeism', 'siteUnavailable', 'applicationOutage', 'supplierOutage'] as const satisfies ReadonlyArray<
  Disruption['type']
>;
export const CAUSE_KINDS = ['staff', 'application', 'supplier', 'upstream'] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

const DEFAULT_HORIZON = 2160;

/** A number as the deterministic simulation reads it: itself, or the mean of its distribution. */
export function meanValue(value: number | Distribution | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  return isDistribution(value) ? meanOf(value as DistributionSpec) : (value as number);
}

/** The first hour a disruption starts (the recommendation activates strategies then, §7); null without disruption. */
export function firstDisruptionHour(scenario: Pick<Scenario, 'disruptions'>): number | null {
  let first: number | null = null;
  for (const disruption of scenario.disruptions ?? []) {
    const from = meanValue(disruption.from);
    if (from !== undefined && (first === null || from < first)) first = from;
  }
  return first;
}

// ---------------------------------------------------------------------------------------------------------------------
// Disrupted periods

/** A disrupted run of an activity: hours `[from, to)`. */
export interface DisruptedRun {
  from: number;
  to: number;
  /**
   * False when the result cannot tell where the run ends (three runs or more: only their total is known);
   * `to` is then the start of the next run, the latest it can end.
   */
  exact: boolean;
  cause: BindingCause;
  /** The hour the run exceeds the MTPD (`from + mtpd`), when it is known to last longer than the MTPD. */
  breachAt: number | null;
}

/**
 * The disrupted runs of an activity, as the engine computed them (`binding[].from` to `binding[].to`). A result
 * stored before runs had a `to` is rebuilt instead: each run starts at its `from`; the last one ends at `recoveredAt`
 * (or the horizon); with two runs the first one's length is the rest of `disruptedHours`. With more runs the inner
 * lengths are known only in total, unless they fill their windows: those runs are marked inexact.
 */
export function disruptedRuns(activity: StoredActivityResult, horizon: number, mtpd: number): DisruptedRun[] {
  const binding = activity.binding;
  const n = binding.length;
  if (n === 0) return [];
  if (binding.every((bind) => bind.to !== undefined))
    return binding.map((bind) => ({
      from: bind.from,
      to: bind.to!,
      exact: true,
      cause: bind.cause,
      breachAt: bind.to! - bind.from > mtpd ? bind.from + mtpd : null,
    }));
  const lastEnd = activity.recoveredAt ?? horizon;
  const runs: DisruptedRun[] = binding.map((bind, index) => ({
    from: bind.from,
    to: index + 1 < n ? binding[index + 1].from : lastEnd,
    exact: index === n - 1,
    cause: bind.cause,
    breachAt: null,
  }));
  const lastLength = lastEnd - binding[n - 1].from;
  if (n === 1 && lastLength !== activity.disruptedHours) runs[0].exact = false;
  if (n === 2) {
    runs[0].to = binding[0].from + (activity.disruptedHours - lastLength);
    runs[0].exact = runs[0].to > runs[0].from && runs[0].to < binding[1].from;
  } else if (n > 2) {
    const innerTotal = activity.disruptedHours - lastLength;
    // Runs are separated by at least one undisrupted hour: when the inner runs add up to their windows minus one hour
    // each, every one of them fills its window.
    if (innerTotal === binding[n - 1].from - binding[0].from - (n - 1))
      for (let index = 0; index < n - 1; index++) {
        runs[index].to = binding[index + 1].from - 1;
        runs[index].exact = true;
      }
  }
  for (const run of runs) if (run.exact && run.to - run.from > mtpd) run.breachAt = run.from + mtpd;
  return runs;
}

export interface TimelineRow {
  id: string;
  mtpd: number;
  rto: number;
  result: StoredActivityResult;
  runs: DisruptedRun[];
  /** When the MTPD is first exceeded (best estimate when runs are inexact); null if it is not. */
  breachAt: number | null;
}

/**
 * One row per activity of the result, breached first (earliest breach first), then disrupted within their MTPD
 * (earliest first), then never disrupted; model order within ties.
 */
export function timelineRows(
  result: StoredSimulationResult,
  activities: ReadonlyArray<{ id: string; mtpd: number; rto: number }>,
  horizon: number,
): TimelineRow[] {
  const byId = new Map(activities.map((activity) => [activity.id, activity]));
  const rows = result.activities.map((item, index) => {
    const activity = byId.get(item.id);
    const mtpd = activity?.mtpd ?? Number.POSITIVE_INFINITY;
    const runs = disruptedRuns(item, horizon, mtpd);
    let breachAt: number | null = null;
    if (item.mtpdBreached) {
      const known = runs.find((run) => run.breachAt !== null);
      // Inexact runs: the first window long enough to hold the breach.
      breachAt = known ? known.breachAt : (runs.find((run) => run.to - run.from > mtpd)?.from ?? item.firstDisrupted ?? 0) + mtpd;
    }
    return { row: { id: item.id, mtpd, rto: activity?.rto ?? 0, result: item, runs, breachAt }, index };
  });
  const rank = (row: TimelineRow) => (row.result.mtpdBreached ? 0 : row.result.disruptedHours > 0 ? 1 : 2);
  rows.sort(
    (a, b) =>
      rank(a.row) - rank(b.row) ||
      (a.row.breachAt ?? a.row.result.firstDisrupted ?? 0) - (b.row.breachAt ?? b.row.result.firstDisrupted ?? 0) ||
      a.index - b.index,
  );
  return rows.map((entry) => entry.row);
}

// ---------------------------------------------------------------------------------------------------------------------
// Causes

export type CauseExplanation =
  | {
      kind: 'staff';
      /** Remote-access pools the activity's staff needed that ran out of places, with their peak figures. */
      fullPools: PoolResult[];
      /** Some staff work at a site that is closed at that hour. */
      siteClosed: boolean;
      /** The closure is a lockdown: fallback sites cannot be used either. */
      lockdown: boolean;
      /** Staff at closed sites who cannot work remotely at all (no remote share or no access). */
      cannotWorkRemotely: boolean;
      /** Highest share of absent staff among the activity's sites at that hour (0 when none). */
      absence: number;
    }
  | { kind: 'application' | 'supplier' | 'upstream'; id: string };

export interface CauseContext {
  model: Pick<OrganisationModel, 'activities' | 'applications'>;
  scenario: Scenario;
  result: Pick<SimulationResult, 'pools'>;
}

function activeAt(disruption: ResolvedDisruption, hour: number, horizon: number, applicationRto: (id: string) => number): boolean {
  let to = disruption.to;
  if (to === undefined && disruption.type === 'applicationOutage') to = disruption.from + applicationRto(disruption.application);
  return hour >= disruption.from && hour < (to ?? horizon);
}

/** Why an activity was below its MBCO at the first hour of a disrupted run, with what the result and the scenario tell. */
export function explainCause(activityId: string, binding: Omit<Binding, 'to'>, context: CauseContext): CauseExplanation {
  const [kind, ...rest] = binding.cause.split(':');
  if (kind !== 'staff') return { kind: kind as 'application' | 'supplier' | 'upstream', id: rest.join(':') };
  const activity = context.model.activities.find((item) => item.id === activityId);
  const resolved = meanScenario(context.scenario);
  const horizon = resolved.horizon ?? DEFAULT_HORIZON;
  const hour = binding.from;
  const rto = (id: string) => context.model.applications.find((application) => application.id === id)?.rto ?? 0;
  const active = resolved.disruptions.filter((disruption) => activeAt(disruption, hour, horizon, rto));
  const covers = (sites: readonly string[] | undefined, site: string) => sites === undefined || sites.includes(site);
  let siteClosed = false;
  let lockdown = false;
  let cannotWorkRemotely = false;
  let absence = 0;
  const poolIds = new Set<string>();
  for (const entry of activity?.staff ?? []) {
    const locked = active.some((d) => d.type === 'lockdown' && covers(d.sites, entry.site));
    const closed = locked || active.some((d) => d.type === 'siteUnavailable' && d.site === entry.site);
    let present = 1;
    for (const d of active)
      if (d.type === 'absenteeism' && covers(d.sites, entry.site)) present *= 1 - (d.curve?.length ? curveRate(d.curve, hour) : (d.rate ?? 0));
    absence = Math.max(absence, 1 - present);
    if (!closed) continue;
    siteClosed = true;
    lockdown ||= locked;
    if (entry.remote <= 0 || entry.access.length === 0) cannotWorkRemotely = true;
    else for (const pool of entry.access) poolIds.add(pool);
  }
  const fullPools = context.result.pools.filter((pool) => poolIds.has(pool.id) && pool.unmetHours > 0);
  return { kind: 'staff', fullPools, siteClosed, lockdown, cannotWorkRemotely, absence: Math.round(absence * 1e6) / 1e6 };
}

export type NameOf = (collection: 'activities' | 'applications' | 'suppliers' | 'pools' | 'sites' | 'strategies', id: string) => string;

/** The cause in plain words: "Staff: not enough people can work — Corporate VPN (300 places for 862 people) is full". */
export function causeText(cause: CauseExplanation, t: Translate, format: Formatter, name: NameOf): string {
  switch (cause.kind) {
    case 'application':
      return t('causes.application', { name: name('applications', cause.id) });
    case 'supplier':
      return t('causes.supplier', { name: name('suppliers', cause.id) });
    case 'upstream':
      return t('causes.upstream', { name: name('activities', cause.id) });
    case 'staff': {
      const parts: string[] = [];
      if (cause.fullPools.length > 0) {
        const pools = cause.fullPools.map((pool) =>
          t('causes.poolDetail', { name: name('pools', pool.id), capacity: format.number(pool.capacityAtPeak, 0), demand: format.number(pool.peakDemand, 0) }),
        );
        parts.push(t('causes.poolsFull', { count: pools.length, pools: joinList(pools, t) }));
      }
      if (cause.cannotWorkRemotely) parts.push(t(cause.lockdown ? 'causes.lockdownNoRemote' : 'causes.siteClosedNoRemote'));
      else if (cause.siteClosed && cause.fullPools.length === 0) parts.push(t(cause.lockdown ? 'causes.lockdown' : 'causes.siteClosed'));
      if (cause.absence >= 0.005) parts.push(t('causes.absence', { share: format.percent(cause.absence) }));
      return parts.length ? t('causes.staffBecause', { reasons: parts.join(t('causes.separator')) }) : t('causes.staff');
    }
  }
}

/** "A, B and C" / "A, B et C". */
export function joinList(items: readonly string[], t: Translate): string {
  if (items.length <= 1) return items[0] ?? '';
  return t('common.listAnd', { items: items.slice(0, -1).join(', '), last: items[items.length - 1] });
}

/** The kind of a binding cause, for icons and colours. */
export function causeKind(cause: BindingCause): CauseKind {
  return cause.split(':')[0] as CauseKind;
}

// ---------------------------------------------------------------------------------------------------------------------
// Uncertain numbers

export const UNCERTAIN_KINDS = ['fixed', 'uniform', 'triangular', 'normal', 'choice'] as const;
export type UncertainKind = (typeof UNCERTAIN_KINDS)[number];
export type Uncertain = number | Distribution;

export function uncertainKind(value: Uncertain | undefined): UncertainKind {
  if (value === undefined || typeof value === 'number') return 'fixed';
  if ('uniform' in value) return 'uniform';
  if ('triangular' in value) return 'triangular';
  if ('normal' in value) return 'normal';
  return 'choice';
}

/** The same number written as another kind, around its current mean (a spread of ±`spread` of the mean). */
export function convertUncertain(value: Uncertain | undefined, kind: UncertainKind, spread = 0.25): Uncertain {
  const mean = meanValue(value) ?? 0;
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  const low = round(Math.max(0, mean * (1 - spread)));
  const high = round(mean * (1 + spread));
  switch (kind) {
    case 'fixed':
      return round(mean);
    case 'uniform':
      return { uniform: [low, high] };
    case 'triangular':
      return { triangular: [low, round(mean), high] };
    case 'normal':
      return { normal: [round(mean), round(mean * spread * 0.5)] };
    case 'choice':
      return { choice: [low, round(mean), high] };
  }
}

/** The numbers of an uncertain value in order (one for a fixed number). */
export function uncertainParts(value: Uncertain | undefined): number[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return [value];
  if ('uniform' in value) return [...value.uniform];
  if ('triangular' in value) return [...value.triangular];
  if ('normal' in value) return [...value.normal];
  return [...value.choice];
}

/** An uncertain value with its numbers replaced (same kind). */
export function withParts(kind: UncertainKind, parts: readonly number[]): Uncertain {
  switch (kind) {
    case 'fixed':
      return parts[0] ?? 0;
    case 'uniform':
      return { uniform: [parts[0] ?? 0, parts[1] ?? 0] };
    case 'triangular':
      return { triangular: [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0] };
    case 'normal':
      return { normal: [parts[0] ?? 0, parts[1] ?? 0] };
    case 'choice':
      return { choice: parts.length ? [...parts] : [0] };
  }
}

/** An uncertain value in words: "3 d", "between 1 w and 2 w", "2 w to 5 w, most likely 4 w", "20 % ± 5 %", "2 d, 3 d or 4 d". */
export function uncertainText(value: Uncertain | undefined, unit: 'hours' | 'share', t: Translate, format: Formatter): string {
  if (value === undefined) return '—';
  const show = (n: number) => (unit === 'hours' ? format.duration(n) : format.percent(n));
  const parts = uncertainParts(value);
  switch (uncertainKind(value)) {
    case 'fixed':
      return show(parts[0]);
    case 'uniform':
      return t('uncertain.uniformText', { min: show(parts[0]), max: show(parts[1]) });
    case 'triangular':
      return t('uncertain.triangularText', { min: show(parts[0]), mode: show(parts[1]), max: show(parts[2]) });
    case 'normal':
      return t('uncertain.normalText', { mean: show(parts[0]), sd: show(parts[1]) });
    case 'choice':
      return t('uncertain.choiceText', { items: joinList(parts.map(show), t) });
  }
}

/** True when some number of the scenario's disruptions is uncertain (a Monte Carlo then tells more than one simulation). */
export function isUncertain(scenario: Pick<Scenario, 'disruptions'>): boolean {
  for (const d of scenario.disruptions ?? []) {
    if (isDistribution(d.from) || isDistribution(d.to)) return true;
    if (d.type === 'absenteeism') {
      if (isDistribution(d.rate)) return true;
      for (const point of d.curve ?? []) if (isDistribution(point.at) || isDistribution(point.rate)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------------
// Disruptions in words

/** "Lockdown of all sites from the start to 8 w", "Claims system down from 0 h until recovered (RTO 3 d)". */
export function describeDisruption(
  disruption: Disruption,
  t: Translate,
  format: Formatter,
  name: NameOf,
  rto?: (application: string) => number | undefined,
): string {
  const hours = (value: Uncertain | undefined) => uncertainText(value, 'hours', t, format);
  const from =
    isDistribution(disruption.from) || disruption.from !== 0 ? t('disruptions.fromTime', { time: hours(disruption.from) }) : t('disruptions.fromStart');
  const until =
    disruption.to !== undefined
      ? t('disruptions.toTime', { time: hours(disruption.to) })
      : disruption.type === 'applicationOutage'
        ? t('disruptions.untilRecovered', { rto: format.duration(rto?.(disruption.application)) })
        : t('disruptions.toEnd');
  const period = `${from} ${until}`;
  const sites = (ids: readonly string[] | undefined) =>
    ids?.length
      ? joinList(
          ids.map((id) => name('sites', id)),
          t,
        )
      : t('disruptions.allSites');
  switch (disruption.type) {
    case 'siteUnavailable':
      return t('disruptions.siteUnavailableText', { site: name('sites', disruption.site), period });
    case 'lockdown':
      return t('disruptions.lockdownText', { sites: sites(disruption.sites), period });
    case 'absenteeism': {
      // A curve is not a rate: "Absence of a curve…" read as "no curve", so it has a sentence of its own.
      if (disruption.curve?.length)
        return t('disruptions.absenteeismCurveText', {
          points: disruption.curve.length,
          peak: uncertainText(
            disruption.curve.reduce((best, point) => ((meanValue(point.rate) ?? 0) > (meanValue(best.rate) ?? 0) ? point : best)).rate,
            'share',
            t,
            format,
          ),
          sites: sites(disruption.sites),
          period,
        });
      return t('disruptions.absenteeismText', { rate: uncertainText(disruption.rate, 'share', t, format), sites: sites(disruption.sites), period });
    }
    case 'applicationOutage':
      return t('disruptions.applicationOutageText', { application: name('applications', disruption.application), period });
    case 'supplierOutage':
      return t('disruptions.supplierOutageText', { supplier: name('suppliers', disruption.supplier), period });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Strategies and the lockdown lesson

/**
 * Fallback-site strategies that cannot help in a scenario: every site they serve is locked down there (during a
 * lockdown nobody may travel to a fallback site, scenario-model §3). Returns the strategy ids.
 */
export function blockedByLockdown(strategies: readonly Strategy[], scenario: Pick<Scenario, 'disruptions'>): string[] {
  const lockdowns = (scenario.disruptions ?? []).filter((d) => d.type === 'lockdown');
  if (lockdowns.length === 0) return [];
  return strategies
    .filter((strategy) => strategy.effect.type === 'alternateSite')
    .filter((strategy) => {
      const served = strategy.effect.type === 'alternateSite' ? strategy.effect.sites : undefined;
      return lockdowns.some(
        (lockdown) =>
          lockdown.type === 'lockdown' && (lockdown.sites === undefined || (served !== undefined && served.every((site) => lockdown.sites!.includes(site)))),
      );
    })
    .map((strategy) => strategy.id);
}

/** The cost of a strategy as words: "24,000 a year + 150 a day in effect". */
export function strategyCostText(strategy: Pick<Strategy, 'cost'>, t: Translate, format: Formatter): string {
  return t('strategiesText.cost', { fixed: format.money(strategy.cost.fixed), perDay: format.money(strategy.cost.perDay) });
}

// ---------------------------------------------------------------------------------------------------------------------
// Export

/** CSV text (RFC 4180, with a byte-order mark so spreadsheet programs read the accents). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  const cell = (value: string | number | boolean | null | undefined) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return '\uFEFF' + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Saves text as a file in the browser. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The activities of a result as CSV rows (hours as numbers, causes in words), headers in the interface language. */
export function resultCsv(rows: readonly TimelineRow[], name: NameOf, cause: (row: TimelineRow, run: number) => string, t: Translate): string {
  const header = [
    'id',
    'activity',
    'mtpdHours',
    'rtoHours',
    'mtpdBreached',
    'breachAtHour',
    'firstDisruptedHour',
    'longestDisruptionHours',
    'disruptedHours',
    'recoveredAtHour',
    'causes',
  ].map((key) => t(`csv.${key}`));
  return toCsv([
    header,
    ...rows.map((row) => [
      row.id,
      name('activities', row.id),
      Number.isFinite(row.mtpd) ? row.mtpd : null,
      row.rto,
      row.result.mtpdBreached ? t('csv.yes') : t('csv.no'),
      row.breachAt,
      row.result.firstDisrupted,
      row.result.longestDisruption,
      row.result.disruptedHours,
      row.result.recoveredAt,
      [...new Set(row.result.binding.map((_binding, index) => cause(row, index)))].join(' | '),
    ]),
  ]);
}
