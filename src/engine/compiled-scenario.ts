// Indexing a resolved scenario against a compiled model: phases of constant state, segments of identical hours.
//
// The horizon is cut twice. A *phase* is a stretch of hours with the same discrete state: which sites
// are unavailable or locked down, which applications and suppliers are down, which strategy effects
// are in force (so the same pool capacities, seats and shares). A *segment* is a stretch of hours
// within a phase whose absenteeism is also the same: every hour of a segment has the same inputs,
// hence the same outputs. An hourly absenteeism curve makes one segment per hour; the kernel then
// bounds whole runs of segments at once (see kernel.ts).
import { lookup, type CompiledModel } from './compiled-model.js';
import type { ResolvedDisruption, ResolvedScenario } from './resolve.js';

/** First whole hour `t` with `t >= x`, kept within [0, horizon]. */
function hourAtOrAfter(x: number, horizon: number): number {
  const t = Math.ceil(x);
  return t < 0 ? 0 : t > horizon ? horizon : t;
}

/**
 * Rate of an absenteeism curve at hour `t` (points sorted by `at`): linear between points,
 * constant before the first and after the last. The curve is read at the start of the hour, `t`:
 * the whole hour `[t, t+1)` then has one rate, which a manager can check against the curve.
 * Two points at the same `at` make a step: from that hour on, the later point applies.
 */
export function curveRate(points: ReadonlyArray<{ at: number; rate: number }>, t: number): number {
  const last = points.length - 1;
  if (t < points[0].at) return points[0].rate;
  if (t >= points[last].at) return points[last].rate;
  let i = 0;
  while (points[i + 1].at <= t) i++;
  const p = points[i];
  const q = points[i + 1];
  return p.rate + ((q.rate - p.rate) * (t - p.at)) / (q.at - p.at);
}

/**
 * `curveRate` for the hours `start <= t < end`, into `out[t - start]`: one pass with a moving
 * index instead of a search per hour, the same arithmetic (hence the same numbers).
 */
function curveRates(points: ReadonlyArray<{ at: number; rate: number }>, start: number, end: number, out: Float64Array): void {
  const last = points.length - 1;
  let i = 0;
  for (let t = start; t < end; t++) {
    let rate: number;
    if (t < points[0].at) rate = points[0].rate;
    else if (t >= points[last].at) rate = points[last].rate;
    else {
      while (points[i + 1].at <= t) i++;
      const p = points[i];
      const q = points[i + 1];
      rate = p.rate + ((q.rate - p.rate) * (t - p.at)) / (q.at - p.at);
    }
    out[t - start] = rate;
  }
}

/** A disruption as hour indices: it covers hours `start <= t < end`. */
export interface HourWindow {
  type: ResolvedDisruption['type'];
  start: number;
  end: number;
  /** Sites it applies to (all when null), site index for siteUnavailable. */
  sites: Int32Array | null;
  target: number;
  rate: number;
  curve: ReadonlyArray<{ at: number; rate: number }> | null;
  /** With a curve: its rate at each hour of the window, `rates[t - start]`. */
  rates: Float64Array | null;
}

/** A resolved scenario indexed against a compiled model. */
export interface CompiledScenario {
  readonly horizon: number;
  /** Segment starts (ascending, first is 0); segment k covers [starts[k], starts[k+1] or horizon). */
  readonly segmentStarts: Int32Array;
  /** The phase of each segment. */
  readonly segmentPhase: Int32Array;
  /**
   * Sites that the same absenteeism windows cover (the same number of times) always have the same
   * absence: they form a class. `siteClass[site]`, and `classCount` classes (at least 1).
   */
  readonly siteClass: Int32Array;
  readonly classCount: number;
  /** Absenteeism of each site class during each segment, `[segment × classCount + class]` (§3: overlaps combine as 1 − Π(1 − r)). */
  readonly segmentAbsence: Float64Array;
  /** 1 when nothing at all is disrupted during the segment: every capacity is 1, no pool is asked. */
  readonly segmentQuiet: Uint8Array;
  readonly phaseCount: number;
  /** Per phase and site: 1 when available, `[phase × sites + site]`. */
  readonly phaseSiteAvailable: Uint8Array;
  /** Per phase and site: 1 under lockdown (alternate seats unusable). */
  readonly phaseSiteLockdown: Uint8Array;
  /** Per phase: 1 when some site is unavailable (then entries ask pools). */
  readonly phaseSiteDown: Uint8Array;
  /** Per phase: 1 when no site, application or supplier is down (only absenteeism can disrupt). */
  readonly phaseQuiet: Uint8Array;
  /** Per phase, the shares of §4.5: `[phase × (applications + suppliers) + application | applications + supplier]`. */
  readonly phaseShares: Float64Array;
  /** Per phase and pool: capacity with the poolCapacity effects in force. */
  readonly phasePoolCapacity: Float64Array;
  /** Per phase and alternateSite effect: its seats when in force, else 0. */
  readonly phaseSeats: Float64Array;
  /** Per phase: 1 when some alternateSite effect in force has seats. */
  readonly phaseSeatsAny: Uint8Array;
  readonly windows: readonly HourWindow[];
  /** Per strategy, the first hour its effect is in force (horizon or more: never). */
  readonly effectStart: Float64Array;
  /** Applications and suppliers that have at least one outage (only they can be down). */
  readonly outageApplications: Int32Array;
  readonly outageSuppliers: Int32Array;
  /**
   * The model's §4.6 terms without the applications and suppliers that have no outage here: their
   * share is 1 every hour, and min(c, 1) = c for the shares (<= 1) they would be compared with.
   */
  readonly termStart: Int32Array;
  readonly termList: Int32Array;
}

/**
 * Buffers reused by `compileScenario` from one call to the next (Monte Carlo compiles a scenario per
 * run: allocating and zeroing its arrays each time costs more than filling them). A scenario compiled
 * with scratch buffers is valid until the next call with the same scratch.
 */
export class ScenarioScratch {
  private readonly int32 = new Map<string, Int32Array>();
  private readonly float64 = new Map<string, Float64Array>();
  private readonly uint8 = new Map<string, Uint8Array>();

  private static take<T extends Int32Array | Float64Array | Uint8Array>(pool: Map<string, T>, name: string, length: number, make: (length: number) => T): T {
    let buffer = pool.get(name);
    if (buffer === undefined || buffer.length < length) {
      buffer = make(Math.max(length, 2 * (buffer?.length ?? 0)));
      pool.set(name, buffer);
    }
    return buffer.subarray(0, length) as T;
  }
  /** An array of `length` (not cleared: the caller writes every element it reads). */
  ints(name: string, length: number): Int32Array {
    return ScenarioScratch.take(this.int32, name, length, (n) => new Int32Array(n));
  }
  floats(name: string, length: number): Float64Array {
    return ScenarioScratch.take(this.float64, name, length, (n) => new Float64Array(n));
  }
  bytes(name: string, length: number): Uint8Array {
    return ScenarioScratch.take(this.uint8, name, length, (n) => new Uint8Array(n));
  }
}

/** Fresh arrays, for a compiled scenario that must outlive the next compilation. */
const FRESH = {
  ints: (_name: string, length: number) => new Int32Array(length),
  floats: (_name: string, length: number) => new Float64Array(length),
  bytes: (_name: string, length: number) => new Uint8Array(length),
};

/** Bits of the change marks: a segment starts here; a phase starts here. */
const SEGMENT = 1;
const PHASE = 2;

/**
 * Indexes a resolved scenario: hour windows, strategy effect starts, phases and segments. A strategy
 * activated several times takes effect from its earliest activation (it "stays in effect to the end
 * of the horizon", §3).
 */
export function compileScenario(cm: CompiledModel, scenario: ResolvedScenario, scratch?: ScenarioScratch): CompiledScenario {
  const buffers = scratch ?? FRESH;
  // A fractional horizon (refused by validateScenario) would cover the hours t < horizon.
  const horizon = Math.max(0, Math.ceil(scenario.horizon));
  const marks = buffers.bytes('marks', horizon + 1);
  marks.fill(0);
  if (horizon > 0) marks[0] = SEGMENT | PHASE;
  const windows: HourWindow[] = [];
  const outageApps = new Set<number>();
  const outageSups = new Set<number>();
  const siteList = (ids: readonly string[] | undefined, path: string): Int32Array | null =>
    ids === undefined ? null : Int32Array.from(ids, (id, j) => lookup(cm.siteIndex, id, `${path}.sites[${j}]`));

  scenario.disruptions.forEach((d, i) => {
    const path = `disruptions[${i}]`;
    const start = hourAtOrAfter(d.from, horizon);
    let end = d.to === undefined ? horizon : hourAtOrAfter(d.to, horizon);
    const w: HourWindow = { type: d.type, start, end, sites: null, target: -1, rate: 0, curve: null, rates: null };
    switch (d.type) {
      case 'siteUnavailable':
        w.target = lookup(cm.siteIndex, d.site, `${path}.site`);
        break;
      case 'lockdown':
        w.sites = siteList(d.sites, path);
        break;
      case 'applicationOutage':
        w.target = lookup(cm.applicationIndex, d.application, `${path}.application`);
        // §3: without `to`, the application comes back when its IT recovery (rto) is done.
        if (d.to === undefined) end = hourAtOrAfter(d.from + cm.applicationRto[w.target], horizon);
        outageApps.add(w.target);
        break;
      case 'supplierOutage':
        w.target = lookup(cm.supplierIndex, d.supplier, `${path}.supplier`);
        outageSups.add(w.target);
        break;
      case 'absenteeism':
        w.sites = siteList(d.sites, path);
        if (d.curve !== undefined && d.curve.length > 0) {
          // Stable sort: drawn `at`s may come out of order; equal ones keep their listed order.
          w.curve = [...d.curve].sort((p, q) => p.at - q.at);
        } else w.rate = d.rate ?? 0;
        break;
    }
    w.end = end;
    if (w.end <= w.start) return; // covers no hour (also a drawn `to` before `from`)
    windows.push(w);
    const bits = w.type === 'absenteeism' ? SEGMENT : SEGMENT | PHASE;
    marks[w.start] |= bits;
    marks[w.end] |= bits;
    if (w.curve) {
      const rates = buffers.floats(`rates${i}`, w.end - w.start);
      curveRates(w.curve, w.start, w.end, rates);
      w.rates = rates;
      for (let t = 1; t < rates.length; t++) if (rates[t] !== rates[t - 1]) marks[w.start + t] |= SEGMENT;
    }
  });

  const effectStart = new Float64Array(cm.strategyCount).fill(Infinity);
  scenario.activate.forEach((activation, j) => {
    const s = lookup(cm.strategyIndex, activation.strategy, `activate[${j}].strategy`);
    const start = hourAtOrAfter(activation.at + cm.model.strategies[s].leadTime, Infinity);
    if (start < effectStart[s]) effectStart[s] = start;
  });
  for (const start of effectStart) if (start < horizon) marks[start] |= SEGMENT | PHASE;

  const varies = new Uint8Array(cm.applicationCount + cm.supplierCount);
  for (const app of outageApps) varies[app] = 1;
  for (const sup of outageSups) varies[cm.applicationCount + sup] = 1;
  const termStart = new Int32Array(cm.activityCount + 1);
  const termList = new Int32Array(cm.termList.length);
  let terms = 0;
  for (let i = 0; i < cm.activityCount; i++) {
    termStart[i] = terms;
    for (let k = cm.termStart[i]; k < cm.termStart[i + 1]; k++) {
      const term = cm.termList[k];
      if (term >= varies.length || varies[term] === 1) termList[terms++] = term;
    }
  }
  termStart[cm.activityCount] = terms;

  let segmentCount = 0;
  let phaseCount = 0;
  for (let t = 0; t < horizon; t++) {
    if (marks[t] & SEGMENT) segmentCount++;
    if (marks[t] & PHASE) phaseCount++;
  }
  const sites = cm.siteCount;
  const C = cm.applicationCount + cm.supplierCount;
  const absenteeism = windows.filter((w) => w.type === 'absenteeism');
  // Site classes: the same coverage by every absenteeism window (a site listed twice counts twice).
  const siteClass = new Int32Array(sites);
  const classOf = new Map<string, number>();
  const classSite: number[] = [];
  for (let site = 0; site < sites; site++) {
    const key = absenteeism
      .map((w) => {
        if (w.sites === null) return 1;
        let times = 0;
        for (let i = 0; i < w.sites.length; i++) if (w.sites[i] === site) times++;
        return times;
      })
      .join(',');
    let c = classOf.get(key);
    if (c === undefined) {
      c = classSite.length;
      classOf.set(key, c);
      classSite.push(site);
    }
    siteClass[site] = c;
  }
  const classes = Math.max(1, classSite.length);
  const segmentStarts = buffers.ints('segmentStarts', segmentCount);
  const segmentPhase = buffers.ints('segmentPhase', segmentCount);
  const segmentAbsence = buffers.floats('segmentAbsence', segmentCount * classes);
  const segmentQuiet = buffers.bytes('segmentQuiet', segmentCount);
  const phaseSiteAvailable = buffers.bytes('phaseSiteAvailable', phaseCount * sites).fill(1);
  const phaseSiteLockdown = buffers.bytes('phaseSiteLockdown', phaseCount * sites).fill(0);
  const phaseSiteDown = buffers.bytes('phaseSiteDown', phaseCount);
  const phaseQuiet = buffers.bytes('phaseQuiet', phaseCount);
  const phaseShares = buffers.floats('phaseShares', phaseCount * C).fill(1);
  const phasePoolCapacity = buffers.floats('phasePoolCapacity', phaseCount * cm.poolCount);
  const phaseSeats = buffers.floats('phaseSeats', phaseCount * cm.seatCount).fill(0);
  const phaseSeatsAny = buffers.bytes('phaseSeatsAny', phaseCount);
  // Per class, the number of times each absenteeism window covers it (as its sites would be).
  const coverage = absenteeism.map((w) =>
    Int32Array.from({ length: classes }, (_, c) => {
      if (w.sites === null) return 1;
      let times = 0;
      for (let i = 0; i < w.sites.length; i++) if (w.sites[i] === classSite[c]) times++;
      return times;
    }),
  );
  const presence = new Float64Array(classes);
  const strategies = cm.model.strategies;
  const A = cm.applicationCount;

  let k = -1;
  let phase = -1;
  for (let t = 0; t < horizon; t++) {
    const mark = marks[t];
    if (mark & PHASE) {
      // The discrete state of the phase, read at its first hour.
      phase++;
      let quiet = true;
      let down = false;
      const siteBase = phase * sites;
      const shareBase = phase * C;
      for (const w of windows) {
        if (t < w.start || t >= w.end) continue;
        switch (w.type) {
          case 'siteUnavailable':
            phaseSiteAvailable[siteBase + w.target] = 0;
            quiet = false;
            down = true;
            break;
          case 'lockdown':
            quiet = false;
            down = true;
            if (w.sites === null)
              for (let s = 0; s < sites; s++) {
                phaseSiteAvailable[siteBase + s] = 0;
                phaseSiteLockdown[siteBase + s] = 1;
              }
            else
              for (let i = 0; i < w.sites.length; i++) {
                phaseSiteAvailable[siteBase + w.sites[i]] = 0;
                phaseSiteLockdown[siteBase + w.sites[i]] = 1;
              }
            break;
          case 'applicationOutage':
            phaseShares[shareBase + w.target] = 0;
            quiet = false;
            break;
          case 'supplierOutage':
            phaseShares[shareBase + A + w.target] = 0;
            quiet = false;
            break;
          case 'absenteeism':
            break;
        }
      }
      const poolBase = phase * cm.poolCount;
      for (let p = 0; p < cm.poolCount; p++) phasePoolCapacity[poolBase + p] = cm.poolBase[p];
      const seatBase = phase * cm.seatCount;
      let seats = false;
      for (let s = 0; s < strategies.length; s++) {
        if (!(t >= effectStart[s])) continue;
        const effect = strategies[s].effect;
        const target = cm.effectTarget[s];
        if (effect.type === 'alternateSite') {
          phaseSeats[seatBase + target] = effect.seats;
          if (effect.seats > 0) seats = true;
        } else if (effect.type === 'poolCapacity') phasePoolCapacity[poolBase + target] += effect.amount;
        // §4.5: a down application runs at the largest active workaround factor.
        else if (effect.type === 'workaround') {
          const at = shareBase + target;
          if (phaseShares[at] < 1 && effect.factor > phaseShares[at]) phaseShares[at] = effect.factor;
        } else if (effect.type === 'alternateSupplier') phaseShares[shareBase + A + target] = 1;
      }
      phaseSeatsAny[phase] = seats ? 1 : 0;
      phaseSiteDown[phase] = down ? 1 : 0;
      phaseQuiet[phase] = quiet ? 1 : 0;
    }
    if (!(mark & SEGMENT)) continue;
    k++;
    segmentStarts[k] = t;
    segmentPhase[k] = phase;
    // Absenteeism of the segment: overlapping windows on one site combine as 1 - (1-r1)(1-r2) (§3).
    for (let c = 0; c < classes; c++) presence[c] = 1;
    let absence = false;
    for (let j = 0; j < absenteeism.length; j++) {
      const w = absenteeism[j];
      if (t < w.start || t >= w.end) continue;
      const keep = 1 - (w.rates !== null ? w.rates[t - w.start] : w.rate);
      if (keep === 1) continue;
      absence = true;
      // The same products, in the same order, as for each site of the class.
      const times = coverage[j];
      for (let c = 0; c < classes; c++) for (let m = times[c]; m > 0; m--) presence[c] *= keep;
    }
    for (let c = 0, at = k * classes; c < classes; c++) segmentAbsence[at + c] = absence ? 1 - presence[c] : 0;
    segmentQuiet[k] = phaseQuiet[phase] === 1 && !absence ? 1 : 0;
  }

  return {
    horizon,
    segmentStarts,
    segmentPhase,
    siteClass,
    classCount: classes,
    segmentAbsence,
    segmentQuiet,
    phaseCount,
    phaseSiteAvailable,
    phaseSiteLockdown,
    phaseSiteDown,
    phaseQuiet,
    phaseShares,
    phasePoolCapacity,
    phaseSeats,
    phaseSeatsAny,
    windows,
    effectStart,
    outageApplications: Int32Array.from(outageApps),
    outageSuppliers: Int32Array.from(outageSups),
    termStart,
    termList: termList.slice(0, terms),
  };
}
