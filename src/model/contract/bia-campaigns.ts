// The views of BIA campaigns: the campaign with its tasks and progress per owner, an owner's tasks, and the diff
// of the approved BIA with the previous campaign.
import { z } from 'zod';
import { Abilities, listPageOf } from './common.js';

const Instant = z.iso.datetime({ offset: true });
const Snapshot = z.object({
  impacts: z.record(z.string(), z.array(z.number().nullable())),
  mtpd: z.number(),
  rto: z.number(),
  mbco: z.number(),
});

export const BiaTaskView = z
  .object({
    campaign: z.string(),
    campaignTitle: z.string(),
    due: z.string(),
    activity: z.string(),
    name: z.string(),
    owner: z.string(),
    status: z.enum(['pending', 'submitted', 'approved', 'returned']),
    overdue: z.boolean(),
    submittedAt: Instant.nullable(),
    submittedBy: z.string().nullable(),
    note: z.string().nullable(),
    reviewedAt: Instant.nullable(),
    reviewedBy: z.string().nullable(),
    comment: z.string().nullable().meta({ description: 'Why it was returned' }),
    snapshot: Snapshot.nullable().meta({ description: 'The impacts as approved' }),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'BiaTask' });
export type BiaTaskView = z.infer<typeof BiaTaskView>;

const Progress = z.object({ total: z.number(), pending: z.number(), submitted: z.number(), returned: z.number(), approved: z.number(), overdue: z.number() });

const Mailing = z
  .object({
    at: Instant,
    kind: z.enum(['launch', 'return']),
    activity: z.string().nullable().meta({ description: 'The returned activity' }),
    sent: z
      .array(z.object({ to: z.string(), owners: z.array(z.string()), activities: z.array(z.string()) }))
      .meta({ description: 'One mail per address, with all its activities' }),
    skipped: z.array(
      z.object({
        owner: z.string(),
        activities: z.array(z.string()),
        reason: z.enum(['noAddress', 'ambiguous', 'refused']).meta({
          description:
            '`noAddress`: no member or person of the directory matches the owner, or has no e-mail; `ambiguous`: several do; `refused`: the mail server refused it',
        }),
      }),
    ),
  })
  .meta({ description: 'A mailing to the owners (when mail is configured): the launch, or a returned task' });

export const BiaCampaignView = z
  .object({
    id: z.string(),
    version: z.number().meta({ description: 'The BIA version this campaign makes once approved' }),
    title: z.string(),
    due: z.string(),
    status: z.enum(['open', 'approved']),
    createdBy: z.string(),
    createdAt: Instant,
    approvedAt: Instant.nullable(),
    progress: Progress,
    byOwner: z.array(Progress.extend({ owner: z.string() })),
    tasks: z.array(BiaTaskView),
    mailings: z.array(Mailing),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'BiaCampaign' });
export type BiaCampaignView = z.infer<typeof BiaCampaignView>;

export const BiaCampaignList = listPageOf(BiaCampaignView.omit({ tasks: true, byOwner: true, mailings: true })).meta({ id: 'BiaCampaignList' });
export const BiaTaskList = z.object({ items: z.array(BiaTaskView), total: z.number() }).meta({ id: 'BiaTaskList' });

export const BiaDiff = z
  .object({
    campaign: z.string(),
    version: z.number(),
    previous: z.object({ campaign: z.string(), version: z.number() }).nullable(),
    activities: z.array(
      z.object({
        activity: z.string(),
        status: z.enum(['new', 'changed', 'unchanged', 'notApproved']),
        before: Snapshot.nullable(),
        after: Snapshot.nullable(),
        changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
      }),
    ),
  })
  .meta({ id: 'BiaDiff' });
export type BiaDiff = z.infer<typeof BiaDiff>;
