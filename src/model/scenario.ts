// Scenarios (scenario-model.md §3, §6, §7): disruptions, strategy activations, uncertain numbers.
import { z } from 'zod';
import { Duration } from './duration.js';
import { Fraction, Id, Names } from './organisation.js';

/** A number that varies between Monte Carlo runs (§6). */
export const Distribution = z
  .union([
    z.object({ uniform: z.tuple([z.number(), z.number()]) }).strict(),
    z.object({ triangular: z.tuple([z.number(), z.number(), z.number()]) }).strict(),
    z.object({ normal: z.tuple([z.number(), z.number().nonnegative()]) }).strict(),
    z.object({ choice: z.array(z.number()).min(1) }).strict(),
  ])
  .meta({ id: 'Distribution', description: 'An uncertain number, drawn once per Monte Carlo run' });
export type Distribution = z.output<typeof Distribution>;

const Hours = z.union([Duration, Distribution]);
const Rate = z.union([Fraction, Distribution]);

export const CurvePoint = z.object({ at: Hours, rate: Rate }).strict();

export const Disruption = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('siteUnavailable'), site: Id, from: Hours, to: Hours.optional() }).strict(),
    z.object({ type: z.literal('lockdown'), from: Hours, to: Hours.optional(), sites: z.array(Id).optional() }).strict(),
    z
      .object({
        type: z.literal('absenteeism'),
        from: Hours,
        to: Hours.optional(),
        rate: Rate.optional(),
        curve: z.array(CurvePoint).min(1).optional(),
        sites: z.array(Id).optional(),
      })
      .strict(),
    z.object({ type: z.literal('applicationOutage'), application: Id, from: Hours, to: Hours.optional() }).strict(),
    z.object({ type: z.literal('supplierOutage'), supplier: Id, from: Hours, to: Hours.optional() }).strict(),
  ])
  .meta({ id: 'Disruption' });

export const Activation = z.object({ strategy: Id, at: Duration }).strict();

export const Scenario = z
  .object({
    id: Id.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    names: Names.optional(),
    description: z.string().max(4000).optional(),
    descriptions: z
      .object({ en: z.string().max(4000).optional(), fr: z.string().max(4000).optional() })
      .strict()
      .optional(),
    horizon: Duration.default(2160),
    frequency: z.number().nonnegative().optional().meta({ description: 'Expected occurrences per year (default 1)' }),
    disruptions: z.array(Disruption).default([]),
    activate: z.array(Activation).default([]),
  })
  .strict()
  .meta({ id: 'Scenario' });

export type Disruption = z.output<typeof Disruption>;
export type Scenario = z.output<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;

/**
 * Monte Carlo runs when none are asked for, the same in the CLI, the API and the web page: 10,000 runs put a breach
 * probability within ±1 % (95 %) and take a few seconds for the demo organisation.
 */
export const DEFAULT_MONTE_CARLO_RUNS = 10_000;
