// BIA campaigns as named commands: launch over chosen activities (each owner gets a task), sign an activity's
// impacts off (its owner, after filling them in through the activity routes), approve or return with a comment (the
// manager); an approval snapshots the activity's impacts, and the campaign is approved, as a BIA version, once all
// its activities are. Reads: progress per owner, an owner's tasks, the diff with the previous approved campaign.
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import type { BiaCampaignLaunch, BiaReview } from '../model/bia-campaign.js';
import type { BiaCampaignView, BiaDiff, BiaTaskView } from '../model/contract/bia-campaigns.js';
import type { Problem } from '../model/problem.js';
import { BiaCampaignRepository, type BiaSnapshot, type CampaignRecord, type TaskRecord } from '../store/bia-campaign-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { alertSettings } from './alert-settings.js';
import { recordAudit } from './audit.js';
import { dayOf } from './corrective-actions.js';
import { enqueueJob } from './jobs/queue.js';

/** The owners' mail: at launch (each owner once, all their activities) and when the manager returns a task. */
export const BIA_CAMPAIGN_MAIL_JOB = 'biaCampaign.mail';
export interface BiaCampaignMail {
  campaign: string;
  kind: 'launch' | 'return';
  activity?: string;
}

/** Queued in the transaction of the change (an outbox): the mail leaves only if the change stands, and only when mail is configured. */
async function queueMail(trx: Kysely<Database>, orgId: string, mail: BiaCampaignMail, key: string): Promise<void> {
  if (alertSettings().smtpUrl) await enqueueJob(trx, { org: orgId, kind: BIA_CAMPAIGN_MAIL_JOB, payload: mail, idempotencyKey: key });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function campaignNotFound(id: string): RempartError {
  return new RempartError('not_found', `No BIA campaign with id "${id}".`, [{ path: 'campaign', rule: 'exists', value: id, message: 'no such campaign' }]);
}

function taskNotFound(activity: string): RempartError {
  return new RempartError('not_found', `The campaign has no task for activity "${activity}".`, [
    { path: 'activity', rule: 'exists', value: activity, message: 'not in this campaign' },
  ]);
}

export function presentTask(task: TaskRecord, campaign: CampaignRecord, name: string, today: string): BiaTaskView {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    campaign: campaign.id,
    campaignTitle: campaign.title,
    due: campaign.due,
    activity: task.activity,
    name,
    owner: task.owner,
    status: task.status,
    overdue: task.status !== 'approved' && task.status !== 'submitted' && campaign.due < today,
    submittedAt: iso(task.submittedAt),
    submittedBy: task.submittedBy,
    note: task.note,
    reviewedAt: iso(task.reviewedAt),
    reviewedBy: task.reviewedBy,
    comment: task.comment,
    snapshot: task.snapshot,
  };
}

function progressOf(tasks: readonly BiaTaskView[]) {
  const count = (status: BiaTaskView['status']) => tasks.filter((task) => task.status === status).length;
  return {
    total: tasks.length,
    pending: count('pending'),
    submitted: count('submitted'),
    returned: count('returned'),
    approved: count('approved'),
    overdue: tasks.filter((task) => task.overdue).length,
  };
}

async function activityNames(db: Kysely<Database>, orgId: string): Promise<Map<string, string>> {
  const model = await new ModelRepository(db).loadModel(orgId);
  return new Map(model.activities.map((activity) => [activity.id, activity.name]));
}

/** A campaign with its tasks and progress, overall and per owner. */
export async function campaignView(db: Kysely<Database>, orgId: string, campaign: CampaignRecord, now = new Date()): Promise<BiaCampaignView> {
  const [tasks, names] = await Promise.all([new BiaCampaignRepository(db).tasks(orgId, [campaign.id]), activityNames(db, orgId)]);
  const views = tasks.map((task) => presentTask(task, campaign, names.get(task.activity) ?? task.activity, dayOf(now)));
  const owners = [...new Set(views.map((task) => task.owner))].sort();
  return {
    ...campaignSummary(campaign, views),
    byOwner: owners.map((owner) => ({ owner, ...progressOf(views.filter((task) => task.owner === owner)) })),
    tasks: views,
    mailings: campaign.mailings,
  };
}

function campaignSummary(campaign: CampaignRecord, tasks: readonly BiaTaskView[]) {
  return {
    id: campaign.id,
    version: campaign.version,
    title: campaign.title,
    due: campaign.due,
    status: campaign.status,
    createdBy: campaign.createdBy,
    createdAt: campaign.createdAt.toISOString(),
    approvedAt: campaign.approvedAt?.toISOString() ?? null,
    progress: progressOf(tasks),
  };
}

export async function listCampaigns(db: Kysely<Database>, orgId: string, now = new Date()) {
  const repository = new BiaCampaignRepository(db);
  const campaigns = await repository.list(orgId);
  const tasks = await repository.tasks(
    orgId,
    campaigns.map((campaign) => campaign.id),
  );
  return campaigns.map((campaign) =>
    campaignSummary(
      campaign,
      tasks.filter((task) => task.campaign === campaign.id).map((task) => presentTask(task, campaign, task.activity, dayOf(now))),
    ),
  );
}

export async function getCampaign(db: Kysely<Database>, orgId: string, id: string): Promise<CampaignRecord> {
  const campaign = UUID.test(id) ? await new BiaCampaignRepository(db).get(orgId, id) : undefined;
  if (!campaign) throw campaignNotFound(id);
  return campaign;
}

/** Launches a campaign; every activity must exist and have an owner to send the task to. */
export async function launchCampaign(
  db: Kysely<Database>,
  orgId: string,
  launch: BiaCampaignLaunch,
  actor: { label: string },
  now = new Date(),
): Promise<string> {
  const model = await new ModelRepository(db).loadModel(orgId);
  const byId = new Map(model.activities.map((activity) => [activity.id, activity]));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  launch.activities.forEach((id, i) => {
    const activity = byId.get(id);
    if (seen.has(id)) problems.push({ path: `body.activities[${i}]`, rule: 'unique', value: id, message: 'listed twice' });
    else if (!activity)
      problems.push({ path: `body.activities[${i}]`, rule: 'unknown_reference', value: id, message: `no activity "${id}" in the organisation` });
    else if (!activity.owner) problems.push({ path: `body.activities[${i}]`, rule: 'no_owner', value: id, message: 'give the activity an owner first' });
    seen.add(id);
  });
  if (launch.due < dayOf(now)) problems.push({ path: 'body.due', rule: 'past', value: launch.due, message: 'today or later' });
  if (problems.length) throw new RempartError('invalid_reference', `The campaign has ${problems.length} problem(s).`, problems);
  return db.transaction().execute(async (trx) => {
    // One launch at a time per organisation: the version numbers follow one another.
    await trx.selectFrom('organisations').select('id').where('id', '=', orgId).forUpdate().execute();
    const id = await new BiaCampaignRepository(trx).insert(
      orgId,
      { title: launch.title, due: launch.due, createdBy: actor.label },
      launch.activities.map((activity) => ({ activity, owner: byId.get(activity)!.owner! })),
      now,
    );
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'biaCampaign', entityId: id, after: { ...launch, id } }, now);
    await queueMail(trx, orgId, { campaign: id, kind: 'launch' }, `${id}:launch`);
    return id;
  });
}

/** The owner signs the activity's impacts off (again after a return); an approved task is final. */
export async function signOff(
  db: Kysely<Database>,
  orgId: string,
  campaignId: string,
  activity: string,
  note: string | undefined,
  actor: { label: string },
  now = new Date(),
) {
  await db.transaction().execute(async (trx) => {
    const repository = new BiaCampaignRepository(trx);
    const campaign = UUID.test(campaignId) ? await repository.get(orgId, campaignId, { lock: true }) : undefined;
    if (!campaign) throw campaignNotFound(campaignId);
    const task = (await repository.tasks(orgId, [campaignId])).find((item) => item.activity === activity);
    if (!task) throw taskNotFound(activity);
    if (task.status === 'approved' || task.status === 'submitted')
      throw new RempartError('conflict', `This activity's impacts are already ${task.status}.`, [
        { path: 'status', rule: 'pending_or_returned', value: task.status, message: `already ${task.status}` },
      ]);
    await repository.updateTask(orgId, campaignId, activity, { status: 'submitted', submittedAt: now, submittedBy: actor.label, note: note ?? null });
    await recordAudit(trx, { org: orgId, action: 'submit', entityType: 'biaCampaign', entityId: campaignId, after: { activity, note: note ?? null } }, now);
  });
}

/**
 * The manager approves a submitted activity (its impacts, MTPD, RTO and MBCO snapshotted as they stand) or returns
 * it with a comment. When the last activity is approved, the campaign is: it is then the organisation's BIA version.
 */
export async function reviewTask(
  db: Kysely<Database>,
  orgId: string,
  campaignId: string,
  activity: string,
  review: BiaReview,
  actor: { label: string },
  now = new Date(),
) {
  if (review.decision === 'return' && !review.comment)
    throw new RempartError('invalid_input', 'Say what to change when returning an activity’s impacts.', [
      { path: 'body.comment', rule: 'required', value: null, message: 'required to return' },
    ]);
  await db.transaction().execute(async (trx) => {
    const repository = new BiaCampaignRepository(trx);
    const campaign = UUID.test(campaignId) ? await repository.get(orgId, campaignId, { lock: true }) : undefined;
    if (!campaign) throw campaignNotFound(campaignId);
    const task = (await repository.tasks(orgId, [campaignId])).find((item) => item.activity === activity);
    if (!task) throw taskNotFound(activity);
    if (task.status !== 'submitted')
      throw new RempartError('conflict', 'Only impacts the owner signed off are reviewed.', [
        { path: 'status', rule: 'submitted', value: task.status, message: 'wait for the owner’s sign-off' },
      ]);
    let snapshot: BiaSnapshot | null = null;
    if (review.decision === 'approve') {
      const current = await new ModelRepository(trx).getEntity(orgId, 'activities', activity);
      if (!current) throw taskNotFound(activity);
      snapshot = { impacts: current.impacts ?? {}, mtpd: current.mtpd, rto: current.rto, mbco: current.mbco };
    }
    await repository.updateTask(orgId, campaignId, activity, {
      status: review.decision === 'approve' ? 'approved' : 'returned',
      reviewedAt: now,
      reviewedBy: actor.label,
      comment: review.comment ?? null,
      snapshot,
    });
    if (review.decision === 'approve' && (await repository.allApproved(orgId, campaignId))) await repository.approve(orgId, campaignId, now);
    // A task may be returned more than once: each return is its own mail.
    if (review.decision === 'return')
      await queueMail(trx, orgId, { campaign: campaignId, kind: 'return', activity }, `${campaignId}:return:${activity}:${now.getTime()}`);
    await recordAudit(
      trx,
      { org: orgId, action: review.decision, entityType: 'biaCampaign', entityId: campaignId, after: { activity, comment: review.comment ?? null, snapshot } },
      now,
    );
  });
}

/** The open tasks of the activities the caller owns (or all of them, for those who see every task). */
export async function openTasks(db: Kysely<Database>, orgId: string, mine: (task: TaskRecord) => boolean, now = new Date()): Promise<BiaTaskView[]> {
  const [tasks, names] = await Promise.all([new BiaCampaignRepository(db).openTasks(orgId), activityNames(db, orgId)]);
  return tasks.filter(mine).map((task) => presentTask(task, task.campaignRecord, names.get(task.activity) ?? task.activity, dayOf(now)));
}

/** What changed in the approved impacts since the previous approved campaign, per activity. */
export async function campaignDiff(db: Kysely<Database>, orgId: string, campaign: CampaignRecord): Promise<BiaDiff> {
  const repository = new BiaCampaignRepository(db);
  const previous = await repository.previousApproved(orgId, campaign.version);
  const [tasks, before] = await Promise.all([repository.tasks(orgId, [campaign.id]), previous ? repository.tasks(orgId, [previous.id]) : Promise.resolve([])]);
  const earlier = new Map(before.filter((task) => task.snapshot).map((task) => [task.activity, task.snapshot!]));
  return {
    campaign: campaign.id,
    version: campaign.version,
    previous: previous ? { campaign: previous.id, version: previous.version } : null,
    activities: tasks.map((task) => {
      const old = earlier.get(task.activity) ?? null;
      const now = task.snapshot;
      if (!now) return { activity: task.activity, status: 'notApproved' as const, before: old, after: null, changes: [] };
      if (!old) return { activity: task.activity, status: 'new' as const, before: null, after: now, changes: [] };
      const changes: BiaDiff['activities'][number]['changes'] = [];
      for (const field of ['mtpd', 'rto', 'mbco'] as const) if (old[field] !== now[field]) changes.push({ field, before: old[field], after: now[field] });
      for (const category of [...new Set([...Object.keys(old.impacts), ...Object.keys(now.impacts)])].sort())
        if (JSON.stringify(old.impacts[category] ?? null) !== JSON.stringify(now.impacts[category] ?? null))
          changes.push({ field: `impacts.${category}`, before: old.impacts[category] ?? null, after: now.impacts[category] ?? null });
      return { activity: task.activity, status: changes.length ? ('changed' as const) : ('unchanged' as const), before: old, after: now, changes };
    }),
  };
}
