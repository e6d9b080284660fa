// Domain validation of an organisation model and a scenario before simulation (scenario-model §2, §3, §6).
import type { OrganisationModel } from '../model/organisation.js';
import { problem, RULE_MESSAGES, type Problem } from '../model/problem.js';
import type { Scenario } from '../model/scenario.js';
import { describeCycle, findCycles } from './graph.js';
import { integrityProblems } from './integrity.js';
import { isDistribution } from './random.js';

export { findCycles, describeCycle };

type Path = ReadonlyArray<PropertyKey>;

/** Thrown by simulate, monteCarlo and recommend when their input breaks a rule; lists every problem. */
export class EngineInputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const first = problems[0];
    super(`invalid simulation input (${problems.length} problem${problems.length === 1 ? '' : 's'})` + (first ? `: ${first.path}: ${first.message}` : ''));
    this.name = 'EngineInputError';
    this.problems = problems;
  }
}

interface Range {
  min: number;
  max: number;
}
const HOURS: Range = { min: 0, max: Infinity };
const FRACTION: Range = { min: 0, max: 1 };

/** True for a finite number within the range (the common case: checked before building any path). */
function fits(value: unknown, range: Range): boolean {
  return typeof value === 'number' && value >= range.min && value <= range.max && Number.isFinite(value);
}

/** Checks one plain number against a range; returns false when it reported a problem. */
function checkNumber(value: unknown, range: Range, path: Path, what: string, out: Problem[]): boolean {
  if (fits(value, range)) return true;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    out.push(problem(path, 'invalid_type', value, `${what} must be a finite number`));
    return false;
  }
  if (range === FRACTION) {
    out.push(problem(path, 'share', value, `${what} ${RULE_MESSAGES.share}`));
    return false;
  }
  if (value < range.min) {
    out.push({ ...problem(path, 'too_small', value, `${what} must be at least ${range.min}`), limit: range.min });
    return false;
  }
  if (value > range.max) {
    out.push({ ...problem(path, 'too_big', value, `${what} must be at most ${range.max}`), limit: range.max });
    return false;
  }
  return true;
}

function checkOptionalNumber(value: unknown, range: Range, path: Path, what: string, out: Problem[]): void {
  if (value !== undefined) checkNumber(value, range, path, what, out);
}

/** Array-valued fields default to empty: the engine may receive a model that did not go through Zod. */
function list<T>(value: ReadonlyArray<T> | undefined): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/**
 * Every problem that makes a model unfit for simulation, each naming its path and rule:
 * integrity (duplicate ids, unknown references, strategy effects pointing at nothing),
 * `rto_above_mtpd`, numbers outside their range (`too_small`, `too_big`, `invalid_type`) and
 * `dependency_cycle` (the message names the cycle, `a → b → c → a`). Empty when the model is fit.
 */
export function validateModel(model: OrganisationModel): Problem[] {
  // Copy only what lacks an array (a model that did not go through Zod): large models stay uncopied.
  const needsCopy = (model.activities ?? []).some(
    (a) =>
      !Array.isArray(a.staff) ||
      !Array.isArray(a.applications) ||
      !Array.isArray(a.suppliers) ||
      !Array.isArray(a.dependsOn) ||
      a.impacts === undefined ||
      a.staff.some((e) => !Array.isArray(e.access)),
  );
  const m = {
    sites: list(model.sites),
    pools: list(model.pools),
    applications: list(model.applications),
    suppliers: list(model.suppliers),
    activities: needsCopy
      ? list(model.activities).map((activity) => ({
          ...activity,
          staff: list(activity.staff).map((entry) => ({ ...entry, access: list(entry.access) })),
          applications: list(activity.applications),
          suppliers: list(activity.suppliers),
          dependsOn: list(activity.dependsOn),
          impacts: activity.impacts ?? {},
        }))
      : list(model.activities),
    strategies: list(model.strategies),
    bia: model.bia,
  };
  const out: Problem[] = integrityProblems(m);

  m.sites.forEach((site, i) => checkOptionalNumber(site.seats, HOURS, ['sites', i, 'seats'], `site "${site.id}": seats`, out));
  m.pools.forEach((pool, i) => checkNumber(pool.capacity, HOURS, ['pools', i, 'capacity'], `pool "${pool.id}": capacity`, out));
  m.applications.forEach((app, i) => {
    checkNumber(app.rto, HOURS, ['applications', i, 'rto'], `application "${app.id}": rto`, out);
    checkOptionalNumber(app.rpo, HOURS, ['applications', i, 'rpo'], `application "${app.id}": rpo`, out);
  });
  m.activities.forEach((activity, i) => {
    const name = `activity "${activity.id}"`;
    const mtpdOk = fits(activity.mtpd, HOURS) || checkNumber(activity.mtpd, HOURS, ['activities', i, 'mtpd'], `${name}: mtpd`, out);
    const rtoOk = fits(activity.rto, HOURS) || checkNumber(activity.rto, HOURS, ['activities', i, 'rto'], `${name}: rto`, out);
    if (mtpdOk && rtoOk && activity.rto > activity.mtpd)
      out.push(problem(['activities', i, 'rto'], 'rto_above_mtpd', activity.rto, `${name}: rto (${activity.rto}h) is above mtpd (${activity.mtpd}h)`));
    if (activity.rpo !== undefined && !fits(activity.rpo, HOURS)) checkNumber(activity.rpo, HOURS, ['activities', i, 'rpo'], `${name}: rpo`, out);
    if (!fits(activity.mbco, FRACTION)) checkNumber(activity.mbco, FRACTION, ['activities', i, 'mbco'], `${name}: mbco`, out);
    activity.staff.forEach((entry, s) => {
      if (!fits(entry.headcount, HOURS)) checkNumber(entry.headcount, HOURS, ['activities', i, 'staff', s, 'headcount'], `${name}: staff headcount`, out);
      if (!fits(entry.remote, FRACTION)) checkNumber(entry.remote, FRACTION, ['activities', i, 'staff', s, 'remote'], `${name}: staff remote share`, out);
    });
  });
  m.strategies.forEach((strategy, i) => {
    const name = `strategy "${strategy.id}"`;
    checkNumber(strategy.leadTime, HOURS, ['strategies', i, 'leadTime'], `${name}: leadTime`, out);
    checkNumber(strategy.cost?.fixed, HOURS, ['strategies', i, 'cost', 'fixed'], `${name}: fixed cost`, out);
    checkNumber(strategy.cost?.perDay, HOURS, ['strategies', i, 'cost', 'perDay'], `${name}: cost per day`, out);
    const effect = strategy.effect;
    const path = ['strategies', i, 'effect'];
    if (effect?.type === 'poolCapacity') checkNumber(effect.amount, HOURS, [...path, 'amount'], `${name}: amount`, out);
    else if (effect?.type === 'alternateSite') checkNumber(effect.seats, HOURS, [...path, 'seats'], `${name}: seats`, out);
    else if (effect?.type === 'workaround') checkNumber(effect.factor, FRACTION, [...path, 'factor'], `${name}: factor`, out);
    else if (effect?.type !== 'alternateSupplier')
      out.push(problem([...path, 'type'], 'invalid_type', (effect as { type?: unknown } | undefined)?.type, `${name}: unknown effect type`));
  });

  // A self-dependency is a cycle of one that integrity already reports as `self_dependency`.
  const indexOf = new Map<string, number>();
  m.activities.forEach((activity, i) => {
    if (!indexOf.has(activity.id)) indexOf.set(activity.id, i);
  });
  for (const cycle of findCycles(m.activities)) {
    if (cycle.length < 2) continue;
    const i = indexOf.get(cycle[0])!;
    const edge = m.activities[i].dependsOn.indexOf(cycle[1]);
    out.push(problem(['activities', i, 'dependsOn', edge], 'dependency_cycle', cycle, `dependency cycle: ${describeCycle(cycle)}`));
  }
  return out;
}

/** A distribution must be well formed and, except a normal (clamped, §6), stay within the field's range. */
function checkDistribution(value: unknown, range: Range, path: Path, what: string, out: Problem[]): void {
  const d = value as Record<string, unknown>;
  const numbers = (key: string, length?: number): number[] | undefined => {
    const items = d[key];
    const p = [...path, key];
    if (!Array.isArray(items) || (length !== undefined && items.length !== length) || items.length === 0) {
      out.push(problem(p, 'invalid_distribution', items, `${what}: ${key} needs ${length ?? 'at least one'} number${length === 1 ? '' : 's'}`));
      return undefined;
    }
    if (!items.every((item) => typeof item === 'number' && Number.isFinite(item))) {
      out.push(problem(p, 'invalid_distribution', items, `${what}: ${key} must list finite numbers`));
      return undefined;
    }
    return items as number[];
  };
  const inRange = (low: number, high: number, p: Path): void => {
    if (range === FRACTION && (low < range.min || high > range.max)) out.push(problem(p, 'share', value, `${what}: every draw ${RULE_MESSAGES.share}`));
    else if (low < range.min) out.push(problem(p, 'too_small', value, `${what}: the distribution goes below ${range.min}`));
    else if (high > range.max) out.push(problem(p, 'too_big', value, `${what}: the distribution goes above ${range.max}`));
  };
  if ('uniform' in d) {
    const v = numbers('uniform', 2);
    if (!v) return;
    if (v[0] > v[1]) out.push(problem([...path, 'uniform'], 'invalid_distribution', v, `${what}: uniform [a, b] needs a <= b`));
    else inRange(v[0], v[1], [...path, 'uniform']);
  } else if ('triangular' in d) {
    const v = numbers('triangular', 3);
    if (!v) return;
    if (!(v[0] <= v[1] && v[1] <= v[2]))
      out.push(problem([...path, 'triangular'], 'invalid_distribution', v, `${what}: triangular [min, mode, max] needs min <= mode <= max`));
    else inRange(v[0], v[2], [...path, 'triangular']);
  } else if ('normal' in d) {
    const v = numbers('normal', 2);
    if (!v) return;
    if (v[1] < 0) out.push(problem([...path, 'normal'], 'invalid_distribution', v, `${what}: normal [mean, sd] needs sd >= 0`));
  } else {
    const v = numbers('choice');
    if (!v) return;
    inRange(Math.min(...v), Math.max(...v), [...path, 'choice']);
  }
}

/** A number or a distribution; returns the plain number when it is one (for order checks). */
function checkUncertain(value: unknown, range: Range, path: Path, what: string, out: Problem[]): number | undefined {
  if (isDistribution(value)) {
    checkDistribution(value, range, path, what, out);
    return undefined;
  }
  return checkNumber(value, range, path, what, out) ? (value as number) : undefined;
}

/**
 * Every problem that makes a scenario unfit for this model, with paths like `disruptions[2].site`:
 * unknown site, application, supplier or strategy ids (`unknown_reference`), a window ending
 * before it starts (`to_before_from`), an absenteeism with both or neither of rate and curve
 * (`rate_or_curve`), curve points out of order (`ascending`), malformed distributions
 * (`invalid_distribution`), numbers out of range, and a horizon that is not a positive whole number of hours.
 */
export function validateScenario(model: OrganisationModel, scenario: Scenario): Problem[] {
  const out: Problem[] = [];
  const sites = new Set(list(model.sites).map((s) => s.id));
  const applications = new Set(list(model.applications).map((s) => s.id));
  const suppliers = new Set(list(model.suppliers).map((s) => s.id));
  const strategies = new Set(list(model.strategies).map((s) => s.id));
  const ref = (ids: Set<string>, kind: string, id: unknown, path: Path): void => {
    if (typeof id !== 'string' || !ids.has(id)) out.push(problem(path, 'unknown_reference', id, `no ${kind} with id "${String(id)}"`));
  };

  const horizon = scenario.horizon ?? 2160;
  // Whole hours only: the result counts hours, and a fractional horizon would make "the last hour" ambiguous.
  if (checkNumber(horizon, { min: 1, max: Infinity }, ['horizon'], 'horizon', out) && !Number.isInteger(horizon))
    out.push(problem(['horizon'], 'integer', horizon, 'horizon must be a whole number of hours'));
  checkOptionalNumber(scenario.frequency, HOURS, ['frequency'], 'frequency', out);

  list(scenario.disruptions).forEach((d, i) => {
    const path: PropertyKey[] = ['disruptions', i];
    const what = `disruption ${i + 1} (${String(d.type)})`;
    const from = checkUncertain(d.from, HOURS, [...path, 'from'], `${what}: from`, out);
    if (d.to !== undefined) {
      const to = checkUncertain(d.to, HOURS, [...path, 'to'], `${what}: to`, out);
      if (from !== undefined && to !== undefined && to < from)
        out.push(problem([...path, 'to'], 'to_before_from', to, `${what}: ends (${to}h) before it starts (${from}h)`));
    }
    switch (d.type) {
      case 'siteUnavailable':
        ref(sites, 'site', d.site, [...path, 'site']);
        break;
      case 'lockdown':
        list(d.sites).forEach((id, j) => ref(sites, 'site', id, [...path, 'sites', j]));
        break;
      case 'applicationOutage':
        ref(applications, 'application', d.application, [...path, 'application']);
        break;
      case 'supplierOutage':
        ref(suppliers, 'supplier', d.supplier, [...path, 'supplier']);
        break;
      case 'absenteeism': {
        list(d.sites).forEach((id, j) => ref(sites, 'site', id, [...path, 'sites', j]));
        const hasRate = d.rate !== undefined;
        const hasCurve = d.curve !== undefined;
        if (hasRate === hasCurve) {
          out.push(problem(path, 'rate_or_curve', { rate: d.rate, curve: d.curve }, `${what}: give exactly one of rate and curve`));
          break;
        }
        if (hasRate) checkUncertain(d.rate, FRACTION, [...path, 'rate'], `${what}: rate`, out);
        else if (!Array.isArray(d.curve) || d.curve.length === 0)
          out.push(problem([...path, 'curve'], 'too_small', d.curve, `${what}: a curve needs at least one point`));
        else {
          let previous: number | undefined;
          d.curve.forEach((point, j) => {
            const at = checkUncertain(point?.at, HOURS, [...path, 'curve', j, 'at'], `${what}: curve point ${j + 1} at`, out);
            checkUncertain(point?.rate, FRACTION, [...path, 'curve', j, 'rate'], `${what}: curve point ${j + 1} rate`, out);
            if (at !== undefined && previous !== undefined && at < previous)
              out.push(problem([...path, 'curve', j, 'at'], 'ascending', at, `${what}: curve points must be in time order (${at}h after ${previous}h)`));
            if (at !== undefined) previous = at;
          });
        }
        break;
      }
      default:
        out.push(problem([...path, 'type'], 'invalid_type', (d as { type?: unknown }).type, `${what}: unknown disruption type`));
    }
  });

  list(scenario.activate).forEach((activation, j) => {
    ref(strategies, 'strategy', activation.strategy, ['activate', j, 'strategy']);
    checkNumber(activation.at, HOURS, ['activate', j, 'at'], `activation of "${String(activation.strategy)}": at`, out);
  });
  return out;
}

/** Thrown by long computations (Monte Carlo, recommendation) when their abort check says stop. */
export class EngineAbortedError extends Error {
  constructor(message = 'the computation was cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}
