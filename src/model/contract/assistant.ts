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
