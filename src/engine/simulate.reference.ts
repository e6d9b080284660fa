// A literal, hour-by-hour reading of scenario-model §3–§5, kept slow and plain on purpose: the tests
// check the optimised simulate against it. Not used in production.
import type { OrganisationModel } from '../model/organisation.js';
import type { Binding, BindingCause, ResolvedDisruption, ResolvedScenario, SimulationResult } from './simulate.js';

const TOL = 1e-9;

function interpolate(points: ReadonlyArray<{ at: number; rate: number }>, t: number): number {
  const sorted = [...points].sort((p, q) => p.at - q.at);
  if (t < sorted[0].at) return sorted[0].rate;
  const last = sorted[sorted.length - 1];
  if (t >= last.at) return last.rate;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const p = sorted[i];
    const q = sorted[i + 1];
    if (p.at <= t && t < q.at) return p.rate + ((q.rate - p.rate) * (t - p.at)) / (q.at - p.at);
  }
  throw new Error('unreachable');
}

/** The same contract as simulateCompiled (and its `series` option), computed the obvious way. */
export function referenceSimulate(model: OrganisationModel, scenario: ResolvedScenario, options: { series?: boolean } = {}): SimulationResult {
  const horizon = scenario.horizon;
  const appRto = new Map(model.applications.map((app) => [app.id, app.rto]));
  const covers = (d: ResolvedDisruption, t: number): boolean => {
    let to = d.to;
    if (to === undefined && d.type === 'applicationOutage') to = d.from + appRto.get(d.application)!;
    return d.from <= t && (to === undefined || t < to);
  };
  const effectFrom = new Map<string, number>();
  for (const { strategy, at } of scenario.activate) {
    const lead = model.strategies.find((s) => s.id === strategy)!.leadTime;
    effectFrom.set(strategy, Math.min(effectFrom.get(strategy) ?? Infinity, at + lead));
  }
  const activeAt = (t: number) => model.strategies.filter((s) => effectFrom.has(s.id) && t >= effectFrom.get(s.id)!);
  const order = [...model.activities].sort((a, b) => a.mtpd - b.mtpd || a.rto - b.rto || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(model.activities.map((a) => [a.id, a]));

  const disrupted = new Map(model.activities.map((a) => [a.id, [] as boolean[]]));
  const causes = new Map(model.activities.map((a) => [a.id, [] as BindingCause[]]));
  const capacities = new Map(model.activities.map((a) => [a.id, [] as number[]]));
  const demand = new Map(model.pools.map((p) => [p.id, [] as number[]]));
  const poolCap = new Map(model.pools.map((p) => [p.id, [] as number[]]));

  for (let t = 0; t < horizon; t++) {
    const active = activeAt(t);
    const siteDown = (site: string) =>
      scenario.disruptions.some(
        (d) => covers(d, t) && ((d.type === 'siteUnavailable' && d.site === site) || (d.type === 'lockdown' && (!d.sites || d.sites.includes(site)))),
      );
    const lockedDown = (site: string) => scenario.disruptions.some((d) => covers(d, t) && d.type === 'lockdown' && (!d.sites || d.sites.includes(site)));
    const absence = (site: string) => {
      let keep = 1;
      for (const d of scenario.disruptions)
        if (d.type === 'absenteeism' && covers(d, t) && (!d.sites || d.sites.includes(site)))
          keep *= 1 - (d.curve && d.curve.length > 0 ? interpolate(d.curve, t) : (d.rate ?? 0));
      return 1 - keep;
    };
    const capacityOf = new Map<string, number>();
    for (const pool of model.pools) {
      let c = pool.capacity;
      for (const s of active) if (s.effect.type === 'poolCapacity' && s.effect.pool === pool.id) c += s.effect.amount;
      capacityOf.set(pool.id, c);
      poolCap.get(pool.id)!.push(c);
    }
    const remaining = new Map(capacityOf);
    const demandNow = new Map(model.pools.map((p) => [p.id, 0]));
    const worked = new Map(model.activities.map((a) => [a.id, 0]));
    const waiting: Array<{ activity: string; site: string; need: number }> = [];
    for (const a of order)
      for (const e of a.staff) {
        const present = e.headcount * (1 - absence(e.site));
        if (!siteDown(e.site)) {
          worked.set(a.id, worked.get(a.id)! + present);
          continue;
        }
        const ask = present * e.remote;
        let want = ask;
        for (const pool of e.access) {
          if (!(want > 0)) break;
          demandNow.set(pool, demandNow.get(pool)! + want);
          const take = Math.min(want, remaining.get(pool)!);
          remaining.set(pool, remaining.get(pool)! - take);
          want -= take;
        }
        worked.set(a.id, worked.get(a.id)! + (ask - want));
        if (!lockedDown(e.site)) waiting.push({ activity: a.id, site: e.site, need: present - (ask - want) });
      }
    const seats = new Map<string, number>();
    for (const s of active) if (s.effect.type === 'alternateSite') seats.set(s.id, s.effect.seats);
    for (const w of waiting) {
      let need = w.need;
      for (const s of model.strategies) {
        if (!(need > 0)) break;
        if (!seats.has(s.id) || s.effect.type !== 'alternateSite') continue;
        if (s.effect.sites && !s.effect.sites.includes(w.site)) continue;
        const take = Math.min(need, seats.get(s.id)!);
        seats.set(s.id, seats.get(s.id)! - take);
        need -= take;
      }
      worked.set(w.activity, worked.get(w.activity)! + (w.need - need));
    }
    for (const pool of model.pools) demand.get(pool.id)!.push(demandNow.get(pool.id)!);

    const appShare = (id: string) => {
      const down = scenario.disruptions.some((d) => d.type === 'applicationOutage' && d.application === id && covers(d, t));
      if (!down) return 1;
      let f = 0;
      for (const s of active) if (s.effect.type === 'workaround' && s.effect.application === id) f = Math.max(f, s.effect.factor);
      return f;
    };
    const supplierShare = (id: string) => {
      const down = scenario.disruptions.some((d) => d.type === 'supplierOutage' && d.supplier === id && covers(d, t));
      return !down || active.some((s) => s.effect.type === 'alternateSupplier' && s.effect.supplier === id) ? 1 : 0;
    };
    const capacity = new Map<string, number>();
    const terms = new Map<string, Array<[BindingCause, number]>>();
    const capacityOfActivity = (id: string): number => {
      if (capacity.has(id)) return capacity.get(id)!;
      const a = byId.get(id)!;
      const total = a.staff.reduce((sum, e) => sum + e.headcount, 0);
      const list: Array<[BindingCause, number]> = [['staff', a.staff.length === 0 || total === 0 ? 1 : worked.get(id)! / total]];
      for (const app of a.applications) list.push([`application:${app}`, appShare(app)]);
      for (const sup of a.suppliers) list.push([`supplier:${sup}`, supplierShare(sup)]);
      for (const up of a.dependsOn) list.push([`upstream:${up}`, capacityOfActivity(up)]);
      const c = Math.min(...list.map(([, v]) => v));
      capacity.set(id, c);
      terms.set(id, list);
      return c;
    };
    for (const a of model.activities) {
      const c = capacityOfActivity(a.id);
      capacities.get(a.id)!.push(c);
      disrupted.get(a.id)!.push(c < a.mbco - TOL);
      causes.get(a.id)!.push(terms.get(a.id)!.find(([, v]) => v <= c + TOL)![0]);
    }
  }

  const activities = model.activities.map((a) => {
    const hours = disrupted.get(a.id)!;
    let longest = 0;
    let run = 0;
    let first: number | null = null;
    let last = -1;
    const binding: Binding[] = [];
    hours.forEach((d, t) => {
      if (!d) {
        if (run > 0) binding[binding.length - 1].to = t;
        run = 0;
        return;
      }
      // A run still going at the end of the horizon ends there.
      if (run === 0) binding.push({ from: t, to: horizon, cause: causes.get(a.id)![t] });
      run++;
      longest = Math.max(longest, run);
      first ??= t;
      last = t;
    });
    return {
      id: a.id,
      disruptedHours: hours.filter(Boolean).length,
      longestDisruption: longest,
      firstDisrupted: first,
      recoveredAt: last < 0 || last === horizon - 1 ? null : last + 1,
      rtoMet: longest <= a.rto,
      mtpdBreached: longest > a.mtpd,
      binding,
      downtimeCost: a.downtimeCostPerHour === undefined ? null : hours.filter(Boolean).length * a.downtimeCostPerHour,
    };
  });
  const pools = model.pools.map((pool) => {
    const d = demand.get(pool.id)!;
    const caps = poolCap.get(pool.id)!;
    let peak = 0;
    let at = 0;
    d.forEach((v, t) => {
      if (v > peak) {
        peak = v;
        at = t;
      }
    });
    return {
      id: pool.id,
      peakDemand: peak,
      capacityAtPeak: horizon > 0 ? caps[at] : pool.capacity + 0,
      unmetHours: d.filter((v, t) => v > caps[t] + TOL).length,
    };
  });
  let cost = 0;
  for (const s of model.strategies) {
    if (!effectFrom.has(s.id)) continue;
    let hoursInEffect = 0;
    for (let t = 0; t < horizon; t++) if (t >= effectFrom.get(s.id)!) hoursInEffect++;
    cost += (s.cost.fixed * horizon) / 8760 + (s.cost.perDay * hoursInEffect) / 24;
  }
  const downtimeCost = activities.reduce((sum, a) => sum + (a.downtimeCost ?? 0), 0);
  const result: SimulationResult = {
    activities,
    pools,
    breached: activities.filter((a) => a.mtpdBreached).length,
    cost,
    downtimeCost,
    yearlyDowntimeCost: downtimeCost * (scenario.frequency ?? 1),
  };
  if (options.series)
    result.series = {
      activities: model.activities.map((a) => ({ id: a.id, capacity: capacities.get(a.id)! })),
      pools: model.pools.map((pool) => ({ id: pool.id, demand: demand.get(pool.id)!, capacity: poolCap.get(pool.id)! })),
    };
  return result;
}
