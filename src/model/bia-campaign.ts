// BIA campaigns: what clients send to launch one, sign off an activity's impacts and review them; the views are in
// contract/bia-campaigns.ts.
import { z } from 'zod';
import { Id } from './organisation.js';

const Line = z.string().trim().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);

export const BiaCampaignLaunch = z
  .object({
    title: Line,
    due: z.iso.date({ message: 'a date written YYYY-MM-DD' }),
    activities: z.array(Id).min(1).max(1000).meta({ description: 'The activities whose owners fill in their impacts' }),
  })
  .strict();
export type BiaCampaignLaunch = z.output<typeof BiaCampaignLaunch>;

export const BiaSignOff = z.object({ note: Text.optional() }).strict();

export const BiaReview = z
  .object({
    decision: z.enum(['approve', 'return']),
    comment: Text.optional().meta({ description: 'Required to return: what the owner should change' }),
  })
  .strict();
export type BiaReview = z.output<typeof BiaReview>;
