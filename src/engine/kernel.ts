// The simulation kernel (scenario-model §4): `runCompiled` and its `Workspace`, used by simulate, Monte Carlo and recommendation.
//
// Speed without changing a single number. Within a phase (compiled-scenario.ts) hours differ only in
// their absenteeism. For a block of consecutive segments the kernel first computes *bounds*: the
// allocation of §4.1–4.6 run once on intervals, each site's absence taken over [its least, its most]
// in the block. Every step of the hour computation is a floating-point operation that is monotone in
// each operand (×, +, −, min, max(·, 0)), so the interval computed with the same operations on the
// ends contains the exact value of every hour, bit for bit, with no tolerance to choose. When the
// bounds of every activity lie wholly below its MBCO or wholly at or above it, the block is decided
// in one step; otherwise it is halved, down to blocks of 16 segments computed exactly in one pass
// (`exactBatch`, the loop structure of 4b66542), or computed that way at once when the bounds leave
// most activities open. Below the top level only the open activities (and what can hold them down)
// are computed, and entries of other activities whose first pool the bounds prove never used up are
// skipped: they take nothing anyone else needs. Disruption flips are rare, so most hours are never
// computed at all. simulate.test.ts checks the result against
// a literal hour-by-hour reference (simulate.reference.ts), golden.test.ts against recorded results.
//
// With `detail` the kernel also needs, exactly: the binding term at the first hour of each disrupted
// run (that hour is computed on its own), and the pools' peak demand (earliest on a tie) and unmet
// hours (blocks whose demand bounds could change either are halved too). With `series` every
// segment is computed exactly and its capacities are kept.
import type { Binding, BindingCause } from './results.js';
import { TOLERANCE, type CompiledModel } from './compiled-model.js';
import type { CompiledScenario } from './compiled-scenario.js';

/**
 * What the bounds of a block prove about a staff entry, for all its hours (kernel `bounds`):
 * PARTIAL: nothing; AVAILABLE: its site is available (worked = present); GRANTED: it gets all it
 * asks (worked = present × remote); NOTHING: every pool it can use is empty when it arrives (worked 0).
 * An activity whose entries are all proven can then be computed hour by hour on its own.
 */
const PARTIAL = 0;
const AVAILABLE = 1;
const GRANTED = 2;
const NOTHING = 3;

/** Segments in a top-level block (a power of two: halving stays balanced). */
const MAX_BLOCK = 128;
/**
 * Blocks of this many segments or fewer are computed exactly, BATCH segments per pass (see `exactBatch`):
 * cheaper than bounds and halving when most hours need computing anyway.
 */
const BATCH = 16;
/** An activity decided on its own (`decide`) is computed segment by segment below this many segments. */
const ACTIVITY_LEAF = 4;
/** A block whose bounds leave more than this share of its activities open is computed exactly, without halving. */
const DENSE = 0.5;

/** Scratch arrays reused across blocks and runs (no allocation in the hour loop). Activities in internal (topological) order. */
export class Workspace {
  // Per site class: absence range of the block being computed.
  readonly absLo: Float64Array;
  readonly absHi: Float64Array;
  // Per activity: worked people and capacity (bounds; equal after an exact segment).
  readonly workedLo: Float64Array;
  readonly workedHi: Float64Array;
  readonly capLo: Float64Array;
  readonly capHi: Float64Array;
  // Per pool and seat effect: what is left, and the demand (bounds).
  readonly remLo: Float64Array;
  readonly remHi: Float64Array;
  readonly demandLo: Float64Array;
  readonly demandHi: Float64Array;
  readonly seatLo: Float64Array;
  readonly seatHi: Float64Array;
  /** Per entry: what the last bounds prove (PARTIAL, AVAILABLE, GRANTED, NOTHING). */
  readonly entryStatus: Uint8Array;
  /** Per activity: its statistics are done up to this hour (by a block that decided it). */
  readonly handledUntil: Float64Array;
  /** Per activity: exact capacity at the segment `memoKey` (activity-by-activity computation). */
  readonly memoKey: Float64Array;
  readonly memoValue: Float64Array;
  /** Per activity: capacity bounds over the block part `boundKey`. */
  readonly boundKey: Float64Array;
  readonly boundLo: Float64Array;
  readonly boundHi: Float64Array;
  /** Absence range of each site over the parts of a block (halving tree, node × sites; node 1 is the block). */
  readonly treeLo: Float64Array;
  readonly treeHi: Float64Array;
  /** Entries waiting for alternate seats, and what they still need (bounds). */
  readonly pendingEntry: Int32Array;
  readonly pendingLo: Float64Array;
  readonly pendingHi: Float64Array;
  // Per-activity statistics of the current run.
  readonly disruptedHours: Float64Array;
  readonly longest: Float64Array;
  /** Length of the disrupted run in progress (0: not disrupted). */
  readonly current: Float64Array;
  readonly first: Float64Array;
  readonly lastDisrupted: Float64Array;
  readonly breachedFlag: Uint8Array;
  // Per-pool statistics.
  readonly peakDemand: Float64Array;
  readonly capacityAtPeak: Float64Array;
  readonly unmetHours: Float64Array;
  /** With detail: a lower bound of each pool's peak demand over the horizon (prunes the search for it). */
  readonly peakFloor: Float64Array;
  // Exact computation of BATCH segments at once (`exactBatch`), laid out `[item × BATCH + slot]`.
  readonly batchAbsence: Float64Array;
  readonly batchWorked: Float64Array;
  readonly batchCap: Float64Array;
  readonly batchRemaining: Float64Array;
  readonly batchDemand: Float64Array;
  readonly batchSeats: Float64Array;
  readonly batchPendingKey: Int32Array;
  readonly batchPendingNeed: Float64Array;
  /** Activities of the list being computed in a batch carry `listStamp` here (the others keep their block bounds). */
  readonly listMark: Int32Array;
  listStamp = 0;
  /**
   * Per depth of the halving and pool: 1 when the bounds of that block prove the pool is never used
   * up in any of its hours (its lower bound of what is left stays above 0). Every request reaching
   * it is then served in full, and what is taken from it changes nobody else's allocation.
   */
  readonly poolSafe: Uint8Array;

  constructor(cm: CompiledModel) {
    const n = cm.activityCount;
    this.absLo = new Float64Array(cm.siteCount);
    this.absHi = new Float64Array(cm.siteCount);
    this.workedLo = new Float64Array(n);
    this.workedHi = new Float64Array(n);
    this.capLo = new Float64Array(n);
    this.capHi = new Float64Array(n);
    this.remLo = new Float64Array(cm.poolCount);
    this.remHi = new Float64Array(cm.poolCount);
    this.demandLo = new Float64Array(cm.poolCount);
    this.demandHi = new Float64Array(cm.poolCount);
    this.seatLo = new Float64Array(cm.seatCount);
    this.seatHi = new Float64Array(cm.seatCount);
    this.entryStatus = new Uint8Array(cm.entryCount);
    this.handledUntil = new Float64Array(n);
    this.memoKey = new Float64Array(n);
    this.memoValue = new Float64Array(n);
    this.boundKey = new Float64Array(n);
    this.boundLo = new Float64Array(n);
    this.boundHi = new Float64Array(n);
    this.treeLo = new Float64Array(4 * MAX_BLOCK * cm.siteCount);
    this.treeHi = new Float64Array(4 * MAX_BLOCK * cm.siteCount);
    // Only models with alternate sites ever queue entries for seats.
    const pending = cm.seatCount > 0 ? cm.entryCount : 0;
    this.pendingEntry = new Int32Array(pending);
    this.pendingLo = new Float64Array(pending);
    this.pendingHi = new Float64Array(pending);
    this.disruptedHours = new Float64Array(n);
    this.longest = new Float64Array(n);
    this.current = new Float64Array(n);
    this.first = new Float64Array(n);
    this.lastDisrupted = new Float64Array(n);
    this.breachedFlag = new Uint8Array(n);
    this.peakDemand = new Float64Array(cm.poolCount);
    this.capacityAtPeak = new Float64Array(cm.poolCount);
    this.unmetHours = new Float64Array(cm.poolCount);
    this.peakFloor = new Float64Array(cm.poolCount);
    this.batchAbsence = new Float64Array(Math.max(1, cm.siteCount) * BATCH);
    this.batchWorked = new Float64Array(n * BATCH);
    this.batchCap = new Float64Array(n * BATCH);
    this.batchRemaining = new Float64Array(cm.poolCount * BATCH);
    this.batchDemand = new Float64Array(cm.poolCount * BATCH);
    this.batchSeats = new Float64Array(cm.seatCount * BATCH);
    this.batchPendingKey = new Int32Array(pending * BATCH);
    this.batchPendingNeed = new Float64Array(pending * BATCH);
    this.listMark = new Int32Array(n);
    this.poolSafe = new Uint8Array(8 * cm.poolCount);
  }
}

/** Per-segment capacities, kept with the `series` option. */
export interface SegmentSeries {
  /** Capacity of each activity (internal order) in each segment: `[segment × activities + i]`. */
  readonly capacity: Float64Array;
  /** Demand and capacity of each pool in each segment: `[segment × pools + p]`. */
  readonly poolDemand: Float64Array;
  readonly poolCapacity: Float64Array;
}

/** What a run produces; `bindings` and pool statistics only with `detail`, `series` only when asked. */
export interface RunOutput {
  /** Per activity (internal order), in the workspace: disruptedHours, longest, first (-1: none), lastDisrupted. */
  workspace: Workspace;
  /** Per activity, internal order. */
  bindings: Binding[][] | null;
  breached: number;
  series: SegmentSeries | null;
}

export interface RunOptions {
  /** Bindings and pool statistics (default true). */
  detail?: boolean;
  /** Stop as soon as more activities than this breach their MTPD; `breached` is then a lower bound. */
  stopAfterBreaches?: number;
  /** Keep every segment's capacities (implies exact computation of every segment). */
  series?: boolean;
}

/** Marks the listed activities (all when null) with a new `ws.listStamp`; returns it. */
function markList(cm: CompiledModel, ws: Workspace, list: Int32Array | null): number {
  const stamp = ++ws.listStamp;
  const mark = ws.listMark;
  if (list === null) mark.fill(stamp, 0, cm.activityCount);
  else for (let x = 0; x < list.length; x++) mark[list[x]] = stamp;
  return stamp;
}

/**
 * Whether entry e, of an activity not listed, can be left out of a computation of a block whose
 * enclosing bounds proved the pools `safe[safeBase + p]`: its site is unavailable, it does not queue
 * for alternate seats, and its first pool (if any) is never used up. It then gets all it asks there
 * (or nothing, without pools), and touches nothing any other entry uses.
 */
function independent(cm: CompiledModel, safe: Uint8Array, safeBase: number, e: number): boolean {
  const k = cm.accessStart[e];
  return k === cm.accessStart[e + 1] || safe[safeBase + cm.accessList[k]] === 1;
}

/**
 * §4.1–4.6 on bounds: the absence of each site within [ws.absLo, ws.absHi]; fills ws.capLo/capHi
 * and, when some site is down, ws.demandLo/demandHi. Each line applies to both ends the operation
 * the exact computation (`exactBatch` below) applies to the value, in the same order. Only the first
 * `entries` staff entries and the listed activities (null: all) are computed.
 */
function bounds(cm: CompiledModel, cs: CompiledScenario, ws: Workspace, phase: number, entries: number, list: Int32Array | null, safeBase = -1): void {
  // With a list (pool statistics done) and pools proven safe, entries independent of the others are left out or shortened.
  const stamp = markList(cm, ws, list);
  const mark = ws.listMark;
  const safe = list !== null && safeBase >= 0 ? ws.poolSafe : null;
  const { absLo, absHi, workedLo, workedHi, remLo, remHi, demandLo, demandHi } = ws;
  const { entryActivity, entrySite, entryHeadcount, entryRemote, accessStart, accessList } = cm;
  const siteBase = phase * cm.siteCount;
  const siteClass = cs.siteClass;
  const available = cs.phaseSiteAvailable;
  const lockdown = cs.phaseSiteLockdown;
  workedLo.fill(0);
  workedHi.fill(0);
  demandLo.fill(0);
  demandHi.fill(0);
  const down = cs.phaseSiteDown[phase] === 1;
  const status = ws.entryStatus;
  let pending = 0;
  if (!down) {
    status.fill(AVAILABLE);
    for (let e = 0; e < entries; e++) {
      const a = entryActivity[e];
      if (mark[a] !== stamp) continue;
      const c = siteClass[entrySite[e]];
      const h = entryHeadcount[e];
      workedLo[a] += h * (1 - absHi[c]);
      workedHi[a] += h * (1 - absLo[c]);
    }
  } else {
    const poolBase = phase * cm.poolCount;
    for (let p = 0; p < cm.poolCount; p++) remLo[p] = remHi[p] = cs.phasePoolCapacity[poolBase + p];
    const seats = cs.phaseSeatsAny[phase] === 1;
    const { pendingEntry, pendingLo, pendingHi } = ws;
    for (let e = 0; e < entries; e++) {
      const s = entrySite[e];
      const h = entryHeadcount[e];
      const a = entryActivity[e];
      const c = siteClass[s];
      const listed = mark[a] === stamp;
      if (available[siteBase + s] === 1) {
        if (!listed) continue;
        workedLo[a] += h * (1 - absHi[c]);
        workedHi[a] += h * (1 - absLo[c]);
        status[e] = AVAILABLE;
        continue;
      }
      const queue = seats && lockdown[siteBase + s] === 0;
      if (safe !== null && !queue && independent(cm, safe, safeBase, e)) {
        if (!listed) continue;
        // Served in full by its first pool, or nothing without pools (as the exact computation finds).
        if (accessStart[e] < accessStart[e + 1]) {
          workedLo[a] += h * (1 - absHi[c]) * entryRemote[e];
          workedHi[a] += h * (1 - absLo[c]) * entryRemote[e];
          status[e] = GRANTED;
        } else status[e] = NOTHING;
        continue;
      }
      const presentLo = h * (1 - absHi[c]);
      const presentHi = h * (1 - absLo[c]);
      const remote = entryRemote[e];
      const askLo = presentLo * remote;
      const askHi = presentHi * remote;
      let wantLo = askLo;
      let wantHi = askHi;
      // Surely empty pools pass the request on unchanged; a pool surely able to serve it all ends it.
      let kind = askHi > 0 ? NOTHING : GRANTED;
      for (let k = accessStart[e], end = accessStart[e + 1]; k < end; k++) {
        if (!(wantHi > 0)) break;
        const p = accessList[k];
        demandLo[p] += wantLo;
        demandHi[p] += wantHi;
        // Exact: take = min(want, left); left -= take; want -= take. Equal to left' = max(left − want, 0)
        // and want' = max(want − left, 0), monotone in each operand.
        const leftLo = remLo[p];
        const leftHi = remHi[p];
        if (kind === NOTHING && leftHi !== 0) kind = leftLo > wantHi ? GRANTED : PARTIAL;
        let x = leftLo - wantHi;
        remLo[p] = x > 0 ? x : 0;
        x = leftHi - wantLo;
        remHi[p] = x > 0 ? x : 0;
        x = wantLo - leftHi;
        const nextLo = x > 0 ? x : 0;
        x = wantHi - leftLo;
        wantHi = x > 0 ? x : 0;
        wantLo = nextLo;
      }
      // granted = ask − want, within [0, ask].
      let grantedLo = askLo - wantHi;
      if (grantedLo < 0) grantedLo = 0;
      let grantedHi = askHi - wantLo;
      if (grantedHi > askHi) grantedHi = askHi;
      workedLo[a] += grantedLo;
      workedHi[a] += grantedHi;
      status[e] = kind;
      if (queue) {
        status[e] = PARTIAL;
        pendingEntry[pending] = e;
        const needLo = presentLo - grantedHi;
        pendingLo[pending] = needLo > 0 ? needLo : 0;
        pendingHi[pending++] = presentHi - grantedLo;
      }
    }
    if (pending > 0) {
      const { seatLo, seatHi } = ws;
      const seatBase = phase * cm.seatCount;
      for (let x = 0; x < cm.seatCount; x++) seatLo[x] = seatHi[x] = cs.phaseSeats[seatBase + x];
      const { siteSeatStart, siteSeatList } = cm;
      for (let i = 0; i < pending; i++) {
        const e = pendingEntry[i];
        const site = entrySite[e];
        let needLo = pendingLo[i];
        let needHi = pendingHi[i];
        for (let k = siteSeatStart[site], end = siteSeatStart[site + 1]; k < end; k++) {
          if (!(needHi > 0)) break;
          const x = siteSeatList[k];
          const leftLo = seatLo[x];
          const leftHi = seatHi[x];
          let y = leftLo - needHi;
          seatLo[x] = y > 0 ? y : 0;
          y = leftHi - needLo;
          seatHi[x] = y > 0 ? y : 0;
          y = needLo - leftHi;
          const nextLo = y > 0 ? y : 0;
          y = needHi - leftLo;
          needHi = y > 0 ? y : 0;
          needLo = nextLo;
        }
        let grantedLo = pendingLo[i] - needHi;
        if (grantedLo < 0) grantedLo = 0;
        let grantedHi = pendingHi[i] - needLo;
        if (grantedHi > pendingHi[i]) grantedHi = pendingHi[i];
        const a = entryActivity[e];
        workedLo[a] += grantedLo;
        workedHi[a] += grantedHi;
      }
    }
  }
  capacities(cm, cs, phase, ws.workedLo, ws.capLo, list);
  capacities(cm, cs, phase, ws.workedHi, ws.capHi, list);
}

/**
 * §4.4–4.6: capacities in topological order from the worked people (one end of the bounds, or the exact values),
 * of every activity or of those listed (ascending internal order); the others keep their values (see `block`).
 */
function capacities(cm: CompiledModel, cs: CompiledScenario, phase: number, worked: Float64Array, cap: Float64Array, list: Int32Array | null): void {
  const { staffed, headcount } = cm;
  const { termStart, termList, phaseShares } = cs;
  const C = cm.applicationCount + cm.supplierCount;
  const shareBase = phase * C;
  const n = list === null ? cm.activityCount : list.length;
  for (let x = 0; x < n; x++) {
    const i = list === null ? x : list[x];
    let c = staffed[i] === 1 ? worked[i] / headcount[i] : 1;
    for (let k = termStart[i], end = termStart[i + 1]; k < end; k++) {
      const term = termList[k];
      const v = term < C ? phaseShares[shareBase + term] : cap[term - C];
      if (v < c) c = v;
    }
    cap[i] = c;
  }
}

/**
 * §4.1–4.6, exactly as the specification reads (the arithmetic of the engine since 4b66542), for
 * the `count` (<= BATCH) segments from k0, all of one phase, in one pass: each staff entry
 * and activity is visited once and handles the segments in an inner loop (its data loaded once, its
 * branches repeating). Only the first `entries` staff entries (priority order) and the listed
 * activities (null: all) are computed. Fills ws.batchWorked, batchCap (listed activities) and batchDemand, `[item × BATCH + slot]`;
 * an upstream activity not listed keeps its block bounds (ws.capLo).
 */
function exactBatch(
  cm: CompiledModel,
  cs: CompiledScenario,
  ws: Workspace,
  phase: number,
  k0: number,
  count: number,
  entries: number,
  list: Int32Array | null,
  safeBase = -1,
): void {
  const K = BATCH;
  const { batchWorked: worked, batchRemaining: remaining, batchDemand: demand, batchAbsence: absence, batchCap: cap } = ws;
  const { entryActivity, entrySite, entryHeadcount, entryRemote, accessStart, accessList } = cm;
  const siteBase = phase * cm.siteCount;
  const siteClass = cs.siteClass;
  const classes = cs.classCount;
  const available = cs.phaseSiteAvailable;
  const lockdown = cs.phaseSiteLockdown;
  const n = list === null ? cm.activityCount : list.length;
  // Absence transposed to [class × BATCH + slot].
  for (let c = 0; c < classes; c++) for (let j = 0; j < count; j++) absence[c * K + j] = cs.segmentAbsence[(k0 + j) * classes + c];
  const stamp = markList(cm, ws, list);
  const mark = ws.listMark;
  if (list === null) worked.fill(0, 0, cm.activityCount * K);
  else for (let x = 0; x < n; x++) worked.fill(0, list[x] * K, list[x] * K + K);
  // Entries of activities not listed matter only by their use of the pools and seats.
  const safe = list !== null && safeBase >= 0 ? ws.poolSafe : null;
  if (cs.phaseSiteDown[phase] !== 1) {
    for (let e = 0; e < entries; e++) {
      const a = entryActivity[e];
      if (mark[a] !== stamp) continue;
      const h = entryHeadcount[e];
      const base = a * K;
      const absBase = siteClass[entrySite[e]] * K;
      for (let j = 0; j < count; j++) worked[base + j] += h * (1 - absence[absBase + j]);
    }
    demand.fill(0);
  } else {
    const P = cm.poolCount;
    const poolBase = phase * P;
    for (let p = 0; p < P; p++) {
      const capacity = cs.phasePoolCapacity[poolBase + p];
      for (let j = 0; j < K; j++) {
        remaining[p * K + j] = capacity;
        demand[p * K + j] = 0;
      }
    }
    const seats = cs.phaseSeatsAny[phase] === 1;
    const withDemand = list === null;
    const { batchPendingKey: pendingKey, batchPendingNeed: pendingNeed } = ws;
    let pending = 0;
    for (let e = 0; e < entries; e++) {
      const s = entrySite[e];
      const h = entryHeadcount[e];
      const a = entryActivity[e];
      const listed = mark[a] === stamp;
      const base = a * K;
      const absBase = siteClass[s] * K;
      if (available[siteBase + s] === 1) {
        if (listed) for (let j = 0; j < count; j++) worked[base + j] += h * (1 - absence[absBase + j]);
        continue;
      }
      const remote = entryRemote[e];
      const firstAccess = accessStart[e];
      const endAccess = accessStart[e + 1];
      const queue = seats && lockdown[siteBase + s] === 0;
      if (safe !== null && !queue && independent(cm, safe, safeBase, e)) {
        // granted = ask − 0 from its first pool (ask − ask = 0 without pools: adds nothing).
        if (listed && firstAccess < endAccess) for (let j = 0; j < count; j++) worked[base + j] += h * (1 - absence[absBase + j]) * remote;
        continue;
      }
      // One pool (the common case) without the loop; demand only when pool statistics are computed (no list).
      const single = endAccess - firstAccess === 1 ? accessList[firstAccess] * K : -1;
      for (let j = 0; j < count; j++) {
        const present = h * (1 - absence[absBase + j]);
        const ask = present * remote;
        let want = ask;
        if (single >= 0) {
          if (want > 0) {
            const at = single + j;
            if (withDemand) demand[at] += want;
            const left = remaining[at];
            const take = want < left ? want : left;
            remaining[at] = left - take;
            want -= take;
          }
        } else
          for (let k = firstAccess; k < endAccess; k++) {
            if (!(want > 0)) break;
            const at = accessList[k] * K + j;
            if (withDemand) demand[at] += want;
            const left = remaining[at];
            const take = want < left ? want : left;
            remaining[at] = left - take;
            want -= take;
          }
        const granted = ask - want;
        worked[base + j] += granted;
        if (queue) {
          pendingKey[pending] = e * K + j;
          pendingNeed[pending++] = present - granted;
        }
      }
    }
    // Step 3: per slot, entries in priority order (keys are entry-major), effects in model order.
    if (pending > 0) {
      const seatRemaining = ws.batchSeats;
      const seatBase = phase * cm.seatCount;
      for (let x = 0; x < cm.seatCount; x++) seatRemaining.fill(cs.phaseSeats[seatBase + x], x * K, x * K + K);
      const { siteSeatStart, siteSeatList } = cm;
      for (let q = 0; q < pending; q++) {
        const key = pendingKey[q];
        const e = (key / K) | 0;
        const j = key - e * K;
        const site = entrySite[e];
        let need = pendingNeed[q];
        for (let k = siteSeatStart[site], end = siteSeatStart[site + 1]; k < end && need > 0; k++) {
          const at = siteSeatList[k] * K + j;
          const left = seatRemaining[at];
          const take = need < left ? need : left;
          seatRemaining[at] = left - take;
          need -= take;
        }
        worked[entryActivity[e] * K + j] += pendingNeed[q] - need;
      }
    }
  }
  // §4.4–4.6, as `capacities`: c = staff, then c = v for each term v < c.
  const { staffed, headcount } = cm;
  const { termStart, termList, phaseShares } = cs;
  const C = cm.applicationCount + cm.supplierCount;
  const shareBase = phase * C;
  const capLo = ws.capLo;
  for (let x = 0; x < n; x++) {
    const i = list === null ? x : list[x];
    const base = i * K;
    if (staffed[i] === 1) {
      const h = headcount[i];
      for (let j = 0; j < count; j++) cap[base + j] = worked[base + j] / h;
    } else for (let j = 0; j < count; j++) cap[base + j] = 1;
    for (let k = termStart[i], end = termStart[i + 1]; k < end; k++) {
      const term = termList[k];
      if (term < C || mark[term - C] !== stamp) {
        const v = term < C ? phaseShares[shareBase + term] : capLo[term - C];
        for (let j = 0; j < count; j++) if (v < cap[base + j]) cap[base + j] = v;
      } else {
        const ub = (term - C) * K;
        for (let j = 0; j < count; j++) {
          const v = cap[ub + j];
          if (v < cap[base + j]) cap[base + j] = v;
        }
      }
    }
  }
}

/** The binding term (§5) of internal activity i in slot j of the last `exactBatch`. */
function bindingCauseBatch(cm: CompiledModel, cs: CompiledScenario, ws: Workspace, phase: number, i: number, j: number): BindingCause {
  const K = BATCH;
  const C = cm.applicationCount + cm.supplierCount;
  const cap = ws.batchCap;
  const mark = ws.listMark;
  const stamp = ws.listStamp;
  const limit = cap[i * K + j] + TOLERANCE;
  const staff = cm.staffed[i] === 1 ? ws.batchWorked[i * K + j] / cm.headcount[i] : 1;
  if (staff <= limit) return 'staff';
  const A = cm.applicationCount;
  const shareBase = phase * C;
  for (let k = cm.termStart[i]; k < cm.termStart[i + 1]; k++) {
    const term = cm.termList[k];
    const v = term < C ? cs.phaseShares[shareBase + term] : mark[term - C] === stamp ? cap[(term - C) * K + j] : ws.capLo[term - C];
    if (v > limit) continue;
    if (term < A) return `application:${cm.model.applications[term].id}`;
    if (term < C) return `supplier:${cm.model.suppliers[term - A].id}`;
    return `upstream:${cm.activityIds[cm.order[term - C]]}`;
  }
  return 'staff'; // unreachable: the capacity is one of the terms
}

/** Fills ws.absLo/absHi with each site class's absence range over segments [k0, k1). */
function absenceRange(cs: CompiledScenario, ws: Workspace, k0: number, k1: number): void {
  const sites = cs.classCount;
  const { absLo, absHi } = ws;
  const absence = cs.segmentAbsence;
  for (let s = 0; s < sites; s++) absLo[s] = absHi[s] = absence[k0 * sites + s];
  for (let k = k0 + 1; k < k1; k++)
    for (let s = 0, at = k * sites; s < sites; s++, at++) {
      const v = absence[at];
      if (v < absLo[s]) absLo[s] = v;
      else if (v > absHi[s]) absHi[s] = v;
    }
}

/**
 * Runs a compiled scenario. Statistics land in the workspace (overwritten by the next run).
 * `stopAfterBreaches`: stop as soon as more activities than this breach their MTPD (the recommender
 * only needs to know that a set fails); `breached` is then a lower bound.
 */
export function runCompiled(cm: CompiledModel, cs: CompiledScenario, ws: Workspace, options: RunOptions = {}): RunOutput {
  const detail = options.detail ?? true;
  const stopAfter = options.stopAfterBreaches ?? Infinity;
  const withSeries = options.series ?? false;
  const n = cm.activityCount;
  const P = cm.poolCount;
  const S = cs.segmentStarts.length;
  const horizon = cs.horizon;
  const starts = cs.segmentStarts;
  const { disruptedHours, longest, current, first, lastDisrupted, breachedFlag, capLo, capHi, peakDemand, capacityAtPeak, unmetHours, peakFloor } = ws;
  const { disruptedBelow, mtpd } = cm;
  disruptedHours.fill(0);
  longest.fill(0);
  current.fill(0);
  first.fill(-1);
  lastDisrupted.fill(-1);
  breachedFlag.fill(0);
  peakDemand.fill(-1);
  capacityAtPeak.fill(0);
  unmetHours.fill(0);
  const bindings: Binding[][] | null = detail ? Array.from({ length: n }, () => []) : null;
  const series: SegmentSeries | null = withSeries
    ? { capacity: new Float64Array(S * n), poolDemand: new Float64Array(S * P), poolCapacity: new Float64Array(S * P) }
    : null;
  const pools = detail && P > 0;
  let breached = 0;

  const end = (k: number): number => (k + 1 < S ? starts[k + 1] : horizon);

  /** Ends the disrupted run of activity i at hour t (detail: its binding gets `to`). */
  const close = (i: number, t: number): void => {
    if (bindings !== null) {
      const list = bindings[i];
      list[list.length - 1].to = t;
    }
    current[i] = 0;
  };

  /** Hours [t0, t1) in which activity i is disrupted throughout; a new run starts at t0 (with `cause`) when none is in progress. */
  const disrupt = (i: number, t0: number, t1: number, cause: BindingCause | null): void => {
    const length = t1 - t0;
    if (current[i] === 0) {
      if (first[i] < 0) first[i] = t0;
      if (bindings !== null) bindings[i].push({ from: t0, to: horizon, cause: cause! });
    }
    const run = current[i] + length;
    current[i] = run;
    disruptedHours[i] += length;
    lastDisrupted[i] = t1 - 1;
    if (run > longest[i]) {
      longest[i] = run;
      if (breachedFlag[i] === 0 && run > mtpd[i]) {
        breachedFlag[i] = 1;
        breached++;
      }
    }
  };

  /** Pool statistics of hours [t0, t1) from an exact segment, or from bounds that decide them (then no new peak). */
  const poolStats = (t0: number, t1: number, phase: number, exactSegment: boolean): void => {
    const capacityBase = phase * P;
    for (let p = 0; p < P; p++) {
      const capacity = cs.phasePoolCapacity[capacityBase + p];
      // Time order and a strict comparison: the earliest hour of the highest demand.
      if (exactSegment && ws.demandHi[p] > peakDemand[p]) {
        peakDemand[p] = ws.demandHi[p];
        capacityAtPeak[p] = capacity;
      }
      if (ws.demandLo[p] > capacity + TOLERANCE) unmetHours[p] += t1 - t0;
    }
  };

  /** Hours [t0, t1) with nothing disrupted: every capacity is 1 (never below an mbco <= 1), no pool is asked. */
  const quiet = (t0: number, phase: number): void => {
    for (let i = 0; i < n; i++) if (current[i] !== 0) close(i, t0);
    if (pools) {
      const capacityBase = phase * P;
      for (let p = 0; p < P; p++)
        if (0 > peakDemand[p]) {
          peakDemand[p] = 0;
          capacityAtPeak[p] = cs.phasePoolCapacity[capacityBase + p];
        }
    }
  };

  // Pool statistics are done up to this hour (by a block whose bounds decided them).
  let poolsHandledUntil = -1;
  const handledUntil = ws.handledUntil;
  handledUntil.fill(-1);

  /** Segments [k0, k1) of one phase computed exactly, BATCH at a time, for the activities and pool statistics not yet done. */
  const leaves = (k0: number, k1: number, phase: number, list: Int32Array | null, entries: number, safeBase = -1): void => {
    const K = BATCH;
    const { batchCap, batchDemand } = ws;
    const count = list === null ? n : list.length;
    const capacityBase = phase * P;
    for (let b = k0; b < k1 && breached <= stopAfter; b += K) {
      const width = k1 - b < K ? k1 - b : K;
      exactBatch(cm, cs, ws, phase, b, width, entries, list, safeBase);
      for (let j = 0; j < width; j++) {
        const k = b + j;
        const t0 = starts[k];
        const t1 = end(k);
        for (let x = 0; x < count; x++) {
          const i = list === null ? x : list[x];
          if (handledUntil[i] >= t1) continue;
          if (batchCap[i * K + j] < disruptedBelow[i]) disrupt(i, t0, t1, current[i] === 0 && detail ? bindingCauseBatch(cm, cs, ws, phase, i, j) : null);
          else if (current[i] !== 0) close(i, t0);
        }
        if (pools && poolsHandledUntil < t1)
          for (let p = 0; p < P; p++) {
            const capacity = cs.phasePoolCapacity[capacityBase + p];
            const demand = batchDemand[p * K + j];
            // Time order and a strict comparison: the earliest hour of the highest demand.
            if (demand > peakDemand[p]) {
              peakDemand[p] = demand;
              capacityAtPeak[p] = capacity;
            }
            if (demand > capacity + TOLERANCE) unmetHours[p] += t1 - t0;
          }
        if (series !== null) {
          for (let i = 0; i < n; i++) series.capacity[k * n + i] = batchCap[i * K + j];
          for (let p = 0; p < P; p++) series.poolDemand[k * P + p] = batchDemand[p * K + j];
          series.poolCapacity.set(cs.phasePoolCapacity.subarray(capacityBase, capacityBase + P), k * P);
        }
      }
    }
  };

  // Activity-by-activity computation (after bounds): exact capacities of activities whose entries are
  // all proven (see PARTIAL), from their own entries and, where their bounds do not settle it, their
  // upstream activities. memoKey identifies the segment being computed.
  let memoSegment = 0;
  const { memoKey, memoValue, entryStatus, boundKey, boundLo, boundHi, treeLo, treeHi } = ws;
  memoKey.fill(-1);
  boundKey.fill(-1);
  // Keys of the segments (keyBase + k) and tree nodes (keyBase + S + node) of the current block.
  let keyBase = 0;
  const { entryFirst, entryEnd, entrySite, entryHeadcount, entryRemote, staffed, headcount } = cm;
  // Absence is per site class (compiled-scenario.ts): the tree and ranges are per class.
  const sites = cs.classCount;
  const siteClass = cs.siteClass;
  const C = cm.applicationCount + cm.supplierCount;
  /** Staff share of activity i in segment k (exact), or NaN when an entry is not proven. */
  const staffAt = (i: number, k: number): number => {
    if (staffed[i] !== 1) return 1;
    let worked = 0;
    const absBase = k * sites;
    for (let e = entryFirst[i], last = entryEnd[i]; e < last; e++) {
      const status = entryStatus[e];
      if (status === PARTIAL) return NaN;
      // The same operations as `exactBatch`: present, then ask = present × remote granted in full, or 0.
      const present = entryHeadcount[e] * (1 - cs.segmentAbsence[absBase + siteClass[entrySite[e]]]);
      if (status === AVAILABLE) worked += present;
      else if (status === GRANTED) worked += present * entryRemote[e];
      else worked += 0;
    }
    return worked / headcount[i];
  };
  /** Capacity of activity i in segment k (exact, as `capacities` computes it), or NaN. */
  const capAt = (i: number, k: number, shareBase: number): number => {
    if (memoKey[i] === memoSegment) return memoValue[i];
    let c = staffAt(i, k);
    if (c === c) {
      const { termStart, termList, phaseShares } = cs;
      for (let j = termStart[i], last = termStart[i + 1]; j < last; j++) {
        const term = termList[j];
        let v: number;
        if (term < C) v = phaseShares[shareBase + term];
        else {
          const u = term - C;
          // v >= capLo[u] >= c: `if (v < c)` would not take it; v >= capLo[u] > capHi[i]: not the minimum.
          if (capLo[u] >= c || capLo[u] > capHi[i]) continue;
          v = capAt(u, k, shareBase);
          if (v !== v) {
            c = NaN;
            break;
          }
        }
        if (v < c) c = v;
      }
    }
    memoKey[i] = memoSegment;
    memoValue[i] = c;
    return c;
  };
  /** The binding term of activity i in segment k, as `bindingCause` finds it; null when it cannot be computed this way. */
  const causeAt = (i: number, k: number, phase: number): BindingCause | null => {
    const shareBase = phase * C;
    const limit = capAt(i, k, shareBase) + TOLERANCE;
    const staff = staffAt(i, k);
    if (!(limit === limit) || !(staff === staff)) return null;
    if (staff <= limit) return 'staff';
    const A = cm.applicationCount;
    for (let j = cm.termStart[i]; j < cm.termStart[i + 1]; j++) {
      const term = cm.termList[j];
      let v: number;
      if (term < C) v = cs.phaseShares[shareBase + term];
      else if (capLo[term - C] > limit) continue;
      else {
        v = capAt(term - C, k, shareBase);
        if (v !== v) return null;
      }
      if (v > limit) continue;
      if (term < A) return `application:${cm.model.applications[term].id}`;
      if (term < C) return `supplier:${cm.model.suppliers[term - A].id}`;
      return `upstream:${cm.activityIds[cm.order[term - C]]}`;
    }
    return 'staff';
  };

  /** Fills the halving tree of absence ranges for segments [ka, kb) at `node`. */
  const buildTree = (node: number, ka: number, kb: number): void => {
    const base = node * sites;
    if (kb - ka === 1) {
      for (let s = 0; s < sites; s++) treeLo[base + s] = treeHi[base + s] = cs.segmentAbsence[ka * sites + s];
      return;
    }
    const mid = (ka + kb) >>> 1;
    buildTree(2 * node, ka, mid);
    buildTree(2 * node + 1, mid, kb);
    const left = 2 * node * sites;
    const right = left + sites;
    for (let s = 0; s < sites; s++) {
      const a = treeLo[left + s];
      const b = treeLo[right + s];
      treeLo[base + s] = a < b ? a : b;
      const c = treeHi[left + s];
      const d = treeHi[right + s];
      treeHi[base + s] = c > d ? c : d;
    }
  };
  /**
   * Capacity bounds of activity i over the tree node (into boundLo/boundHi[i]): from its own entries
   * when they are proven (else the block's bounds), its terms, and its upstream activities' bounds
   * over the same node where the block's do not settle them. Same operations as `bounds`.
   */
  const nodeBounds = (i: number, node: number, shareBase: number): void => {
    const key = keyBase + S + node;
    if (boundKey[i] === key) return;
    boundKey[i] = key;
    let lo = 1;
    let hi = 1;
    if (staffed[i] === 1) {
      let workedLo = 0;
      let workedHi = 0;
      const base = node * sites;
      for (let e = entryFirst[i], last = entryEnd[i]; e < last; e++) {
        const status = entryStatus[e];
        if (status === PARTIAL) {
          boundLo[i] = capLo[i];
          boundHi[i] = capHi[i];
          return;
        }
        const c = siteClass[entrySite[e]];
        const h = entryHeadcount[e];
        const presentLo = h * (1 - treeHi[base + c]);
        const presentHi = h * (1 - treeLo[base + c]);
        if (status === AVAILABLE) {
          workedLo += presentLo;
          workedHi += presentHi;
        } else if (status === GRANTED) {
          workedLo += presentLo * entryRemote[e];
          workedHi += presentHi * entryRemote[e];
        } else {
          workedLo += 0;
          workedHi += 0;
        }
      }
      lo = workedLo / headcount[i];
      hi = workedHi / headcount[i];
    }
    const { termStart, termList, phaseShares } = cs;
    for (let j = termStart[i], last = termStart[i + 1]; j < last; j++) {
      const term = termList[j];
      if (term < C) {
        const v = phaseShares[shareBase + term];
        if (v < lo) lo = v;
        if (v < hi) hi = v;
        continue;
      }
      const u = term - C;
      // min(lo, ≥ hi) = lo, min(hi, ≥ hi) = hi; above capHi[i], u is never the minimum.
      if (capLo[u] >= hi || capLo[u] > capHi[i]) continue;
      nodeBounds(u, node, shareBase);
      if (boundLo[u] < lo) lo = boundLo[u];
      if (boundHi[u] < hi) hi = boundHi[u];
    }
    boundLo[i] = lo;
    boundHi[i] = hi;
  };
  /** Decides activity i on segments [ka, kb) (tree `node`) into `flags`; false when some segment cannot be computed on its own. */
  const decide = (i: number, node: number, k0: number, ka: number, kb: number, shareBase: number): boolean => {
    const below = disruptedBelow[i];
    if (node !== 1) {
      nodeBounds(i, node, shareBase);
      if (boundHi[i] < below) {
        flags.fill(1, ka - k0, kb - k0);
        return true;
      }
      if (!(boundLo[i] < below)) {
        flags.fill(0, ka - k0, kb - k0);
        return true;
      }
    }
    if (kb - ka <= ACTIVITY_LEAF) {
      for (let k = ka; k < kb; k++) {
        memoSegment = keyBase + k;
        const c = capAt(i, k, shareBase);
        if (c !== c) return false;
        flags[k - k0] = c < below ? 1 : 0;
      }
      return true;
    }
    const mid = (ka + kb) >>> 1;
    return decide(i, 2 * node, k0, ka, mid, shareBase) && decide(i, 2 * node + 1, k0, mid, kb, shareBase);
  };

  // Scratch for the lists of activities the halves of a block compute.
  const closureMark = new Int32Array(n);
  let closureStamp = 0;
  const closureStack: number[] = [];

  // Scratch for the activity-by-activity pass of one block.
  const pendingList: number[] = [];
  const flags: Uint8Array = new Uint8Array(MAX_BLOCK);
  const causes: Array<BindingCause | null> = new Array<BindingCause | null>(MAX_BLOCK).fill(null);

  /**
   * Segments [k0, k1) of one phase: bounds first; every activity they decide is done for the whole
   * block, every other one is computed on its own when its entries are proven; the rest (and pool
   * statistics the bounds leave open) go to the two halves, down to exact segments.
   */
  const block = (k0: number, k1: number, phase: number, list: Int32Array | null = null, entries = cm.entryCount, depth = 0): void => {
    if (breached > stopAfter) return;
    const t0 = starts[k0];
    const t1 = end(k1 - 1);
    if (k1 - k0 <= BATCH) {
      leaves(k0, k1, phase, list, entries, depth > 0 ? (depth - 1) * P : -1);
      return;
    }
    absenceRange(cs, ws, k0, k1);
    bounds(cm, cs, ws, phase, entries, list, depth > 0 ? (depth - 1) * P : -1);
    if (cs.phaseSiteDown[phase] === 1) {
      const { poolSafe, remLo } = ws;
      const row = depth * P;
      for (let p = 0; p < P; p++) poolSafe[row + p] = (depth > 0 && poolSafe[row - P + p] === 1) || remLo[p] > 0 ? 1 : 0;
    }
    let open = false;
    keyBase += S + 4 * MAX_BLOCK;
    memoSegment = keyBase + k0;
    const count = list === null ? n : list.length;
    for (let x = 0; x < count; x++) {
      const i = list === null ? x : list[x];
      if (handledUntil[i] >= t1) continue;
      const below = disruptedBelow[i];
      if (capHi[i] < below) {
        // Disrupted throughout; a run starting here needs its binding term at hour t0.
        if (current[i] === 0 && detail) {
          const cause = causeAt(i, k0, phase);
          if (cause === null) {
            open = true;
            continue;
          }
          disrupt(i, t0, t1, cause);
        } else disrupt(i, t0, t1, null);
        handledUntil[i] = t1;
      } else if (!(capLo[i] < below)) {
        if (current[i] !== 0) close(i, t0);
        handledUntil[i] = t1;
      } else pendingList.push(i);
    }
    // The recommender only needs to know that a set fails: stop as soon as it does.
    if (breached > stopAfter) {
      pendingList.length = 0;
      return;
    }
    // Activity by activity, halving on the activity's own bounds (decisions first: nothing is
    // recorded for an activity unless all its segments can be decided this way).
    const length = k1 - k0;
    const shareBase = phase * C;
    if (pendingList.length > 0) buildTree(1, k0, k1);
    for (const i of pendingList) {
      let ok = decide(i, 1, k0, k0, k1, shareBase);
      if (ok && detail) {
        let previous = current[i] !== 0;
        for (let j = 0; j < length && ok; j++) {
          causes[j] = null;
          const disrupted = flags[j] === 1;
          if (disrupted && !previous) {
            memoSegment = keyBase + k0 + j;
            causes[j] = causeAt(i, k0 + j, phase);
            if (causes[j] === null) ok = false;
          }
          previous = disrupted;
        }
      }
      if (!ok) {
        open = true;
        continue;
      }
      for (let j = 0; j < length; j++) {
        const k = k0 + j;
        if (flags[j] === 1) disrupt(i, starts[k], end(k), detail ? causes[j] : null);
        else if (current[i] !== 0) close(i, starts[k]);
      }
      handledUntil[i] = t1;
    }
    pendingList.length = 0;
    if (breached > stopAfter) return;
    if (pools && poolsHandledUntil < t1) {
      let decided = true;
      const capacityBase = phase * P;
      for (let p = 0; p < P && decided; p++) {
        const hi = ws.demandHi[p];
        const limit = cs.phasePoolCapacity[capacityBase + p] + TOLERANCE;
        if ((hi > peakDemand[p] && hi >= peakFloor[p]) || (ws.demandLo[p] <= limit && hi > limit)) decided = false;
      }
      if (decided) {
        poolStats(t0, t1, phase, false);
        poolsHandledUntil = t1;
      } else open = true;
    }
    if (!open) return;
    // The halves compute only what the activities left open need: they, and the upstream activities
    // that can hold them down (one whose lower bound is above the dependent's upper bound + 1e-9 can
    // be neither its minimum nor a tied binding term), over the staff entries up to their last one.
    // Both halves compute the same list, a subset of this block's: every other activity keeps bounds
    // computed over this block or an enclosing one, valid for the halves.
    let childList: Int32Array | null = null;
    let childEntries = cm.entryCount;
    if (!(pools && poolsHandledUntil < t1)) {
      const stamp = ++closureStamp;
      closureStack.length = 0;
      for (let x = 0; x < count; x++) {
        const i = list === null ? x : list[x];
        if (handledUntil[i] < t1 && closureMark[i] !== stamp) {
          closureMark[i] = stamp;
          closureStack.push(i);
        }
      }
      const needed: number[] = [];
      while (closureStack.length > 0) {
        const i = closureStack.pop()!;
        needed.push(i);
        for (let j = cs.termStart[i], last = cs.termStart[i + 1]; j < last; j++) {
          const u = cs.termList[j] - C;
          if (u < 0 || closureMark[u] === stamp || capLo[u] > capHi[i] + TOLERANCE) continue;
          closureMark[u] = stamp;
          closureStack.push(u);
        }
      }
      childList = Int32Array.from(needed).sort();
      childEntries = 0;
      for (let x = 0; x < childList.length; x++) if (entryEnd[childList[x]] > childEntries) childEntries = entryEnd[childList[x]];
    }
    if (childList !== null && childList.length > DENSE * count) {
      leaves(k0, k1, phase, childList, childEntries, depth * P);
      return;
    }
    const mid = (k0 + k1) >>> 1;
    block(k0, mid, phase, childList, childEntries, depth + 1);
    block(mid, k1, phase, childList, childEntries, depth + 1);
  };

  /** Calls fn(k0, k1, phase) for each top-level block of non-quiet segments, in time order; quiet segments go to `quiet`. */
  const blocks = (fn: (k0: number, k1: number, phase: number) => void, quietFn: ((k: number, phase: number) => void) | null): void => {
    let k = 0;
    while (k < S && breached <= stopAfter) {
      const phase = cs.segmentPhase[k];
      if (cs.segmentQuiet[k] === 1) {
        quietFn?.(k, phase);
        k++;
        continue;
      }
      let k1 = k + 1;
      while (k1 < S && k1 - k < MAX_BLOCK && cs.segmentPhase[k1] === phase && cs.segmentQuiet[k1] === 0) k1++;
      fn(k, k1, phase);
      k = k1;
    }
  };

  if (pools && !withSeries) {
    // A floor for each pool's peak: the highest lower bound of any top-level block (0 if any hour is
    // quiet). Blocks whose demand stays below it cannot hold the peak and are not searched.
    peakFloor.fill(0);
    blocks((k0, k1, phase) => {
      absenceRange(cs, ws, k0, k1);
      bounds(cm, cs, ws, phase, cm.entryCount, null);
      for (let p = 0; p < P; p++) if (ws.demandLo[p] > peakFloor[p]) peakFloor[p] = ws.demandLo[p];
    }, null);
  } else peakFloor.fill(-Infinity);

  if (withSeries)
    blocks(
      (k0, k1, phase) => {
        leaves(k0, k1, phase, null, cm.entryCount);
      },
      (k, phase) => {
        quiet(starts[k], phase);
        series!.capacity.fill(1, k * n, k * n + n);
        series!.poolCapacity.set(cs.phasePoolCapacity.subarray(phase * P, phase * P + P), k * P);
      },
    );
  else
    blocks(
      (k0, k1, phase) => block(k0, k1, phase),
      (k, phase) => quiet(starts[k], phase),
    );

  // Runs still in progress at the end of the horizon keep `to` = horizon.
  if (detail && S === 0) {
    // No hour at all: report the pools at rest (capacity with the effects in force at hour 0).
    for (let p = 0; p < P; p++) {
      peakDemand[p] = 0;
      capacityAtPeak[p] = cm.poolBase[p];
    }
    cm.model.strategies.forEach((strategy, s) => {
      const effect = strategy.effect;
      if (effect.type === 'poolCapacity' && 0 >= cs.effectStart[s]) capacityAtPeak[cm.effectTarget[s]] += effect.amount;
    });
  }
  return { workspace: ws, bindings, breached, series };
}
