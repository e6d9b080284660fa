// Fixing a scenario's numbers (scenario-model §3, §6): distributions drawn or read as their means.
import type { Scenario } from '../model/scenario.js';
import { isDistribution, meanOf, type DistributionSpec } from './random.js';

/** Default scenario horizon: 90 days (§3). */
export const DEFAULT_HORIZON = 2160;

/** A disruption whose numbers have all been fixed (distributions drawn or replaced by their mean). */
export type ResolvedDisruption =
  | { type: 'siteUnavailable'; site: string; from: number; to?: number }
  | { type: 'lockdown'; from: number; to?: number; sites?: readonly string[] }
  | {
      type: 'absenteeism';
      from: number;
      to?: number;
      rate?: number;
      curve?: ReadonlyArray<{ at: number; rate: number }>;
      sites?: readonly string[];
    }
  | { type: 'applicationOutage'; application: string; from: number; to?: number }
  | { type: 'supplierOutage'; supplier: string; from: number; to?: number };

/** A scenario with plain numbers only. */
export interface ResolvedScenario {
  horizon: number;
  /** Expected occurrences per year (§7; 1 when not given): scales the expected yearly cost of downtime. */
  frequency?: number;
  disruptions: ReadonlyArray<ResolvedDisruption>;
  activate: ReadonlyArray<{ strategy: string; at: number }>;
}

/** The valid range of a disruption field, used to clamp drawn values (§6: "clamped to the field's valid range"). */
export type FieldKind = 'hours' | 'rate';

/** Picks a number for a distribution (a draw, or the mean). */
export type Picker = (distribution: DistributionSpec, kind: FieldKind) => number;

function clampField(value: number, kind: FieldKind): number {
  if (kind === 'rate') return value < 0 ? 0 : value > 1 ? 1 : value;
  return value < 0 ? 0 : value;
}

/**
 * Replaces every distribution of a scenario's disruptions by `pick(distribution)`, clamped to the
 * field's range. Fields are visited in a fixed order (disruptions in order; from, to, rate, then each
 * curve point's at and rate), so a seeded `pick` gives the same scenario every time.
 */
export function resolveScenario(scenario: Scenario, pick: Picker): ResolvedScenario {
  const value = (v: unknown, kind: FieldKind): number => (isDistribution(v) ? clampField(pick(v, kind), kind) : (v as number));
  const optional = (v: unknown, kind: FieldKind): number | undefined => (v === undefined ? undefined : value(v, kind));
  const disruptions = (scenario.disruptions ?? []).map((d): ResolvedDisruption => {
    const from = value(d.from, 'hours');
    const to = optional(d.to, 'hours');
    switch (d.type) {
      case 'siteUnavailable':
        return { type: d.type, site: d.site, from, to };
      case 'lockdown':
        return { type: d.type, from, to, sites: d.sites };
      case 'applicationOutage':
        return { type: d.type, application: d.application, from, to };
      case 'supplierOutage':
        return { type: d.type, supplier: d.supplier, from, to };
      case 'absenteeism': {
        const rate = optional(d.rate, 'rate');
        const curve = d.curve?.map((point) => ({ at: value(point.at, 'hours'), rate: value(point.rate, 'rate') }));
        return { type: d.type, from, to, rate, curve, sites: d.sites };
      }
    }
  });
  return {
    horizon: scenario.horizon ?? DEFAULT_HORIZON,
    ...(scenario.frequency === undefined ? {} : { frequency: scenario.frequency }),
    disruptions,
    activate: (scenario.activate ?? []).map((a) => ({ strategy: a.strategy, at: a.at })),
  };
}

/** The deterministic reading of an uncertain scenario: every distribution replaced by its mean. */
export function meanScenario(scenario: Scenario): ResolvedScenario {
  return resolveScenario(scenario, (distribution) => meanOf(distribution));
}
