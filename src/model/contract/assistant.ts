// What the assistant's routes for signed-in members answer: the questions handed over to the follow-up queue with
// the person's consent, and the organisation's flows (shipped and its own).
import { z } from 'zod';
import { Abilities, listPageOf } from './common.js';

const Instant = z.string().meta({ description: 'ISO 8601 date and time, UTC' });

export const QuestionCaseView = z
  .object({
    id: z.string(),
    question: z.string().meta({ description: 'The question the assistant could not answer, as the person asked it' }),
    contact: z.string().meta({ description: 'How to reach them: what a public caller typed, a member’s e-mail address' }),
    requester: z.enum(['staff', 'public']),
    language: z.string(),
    consentedAt: Instant.meta({ description: 'When the person said yes to handing the question over' }),
    status: z.enum(['open', 'claimed', 'closed']),
    claimedBy: z.string().nullable(),
    closedAt: Instant.nullable(),
    outcome: z.enum(['reached', 'unreachable', 'referred', 'no_longer_needed']).nullable(),
    createdAt: Instant,
    abilities: Abilities.optional(),
  })
  .meta({ id: 'QuestionCase' });
export type QuestionCaseView = z.infer<typeof QuestionCaseView>;

export const QuestionCaseList = listPageOf(QuestionCaseView).meta({ id: 'QuestionCaseList' });

/** One of the flows an organisation's conversations may run, as listed. */
export const FlowSummary = z
  .object({
    id: z.string(),
    title: z.record(z.string(), z.string()).meta({ description: 'The title in each language of the flow (a variable title shows as {})' }),
    version: z.string(),
    languages: z.array(z.string()),
    steps: z.number().int().meta({ description: 'How many steps it has' }),
    shipped: z.boolean().meta({ description: 'Shipped with Rempart: read-only' }),
    revision: z.number().int().nullable().meta({ description: 'The organisation’s own flows: the number of the newest saved revision' }),
    revisions: z.number().int().meta({ description: 'How many revisions were saved (0 for a shipped flow)' }),
    createdBy: z.string().nullable(),
    createdAt: Instant.nullable(),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'FlowSummary' });
export type FlowSummary = z.infer<typeof FlowSummary>;

export const FlowList = z.object({ items: z.array(FlowSummary), abilities: Abilities }).meta({ id: 'FlowList' });
export type FlowList = z.infer<typeof FlowList>;

/** A flow with its document and, for the organisation's own, the revisions saved. */
export const FlowView = FlowSummary.extend({
  flow: z.record(z.string(), z.unknown()).meta({ description: 'The flow document (see the Flow schema)' }),
  history: z.array(z.object({ revision: z.number().int(), version: z.string(), createdBy: z.string(), createdAt: Instant })),
}).meta({ id: 'FlowView' });
export type FlowView = z.infer<typeof FlowView>;
