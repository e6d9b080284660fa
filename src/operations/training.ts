// Training and awareness campaigns (ISO 22301 7.2, 7.3) as named commands: launch one for an audience of the people
// directory (each person gets a personal link, and an e-mail when mail is configured; reminders are jobs due before
// the due date), answer it (acknowledgement and quiz) through the link or signed in, close it. Completion per site
// and activity comes from the engine. Answers are audited on the campaign's own chain: thousands may answer at once.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { trainingCompletion, type AssignmentFacts } from '../engine/assurance.js';
import { RempartError } from '../errors.js';
import type { TrainingAnswer, TrainingLaunch } from '../model/assurance.js';
import type { TrainingAssignmentView, TrainingCampaignView } from '../model/contract/assurance.js';
import { ownerNamesPerson } from '../model/person.js';
import type { Problem } from '../model/problem.js';
import { AccountRepository } from '../store/account-repository.js';
import { LinkTokenRepository } from '../store/link-token-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import { PeopleRepository, type PersonRecord } from '../store/people-repository.js';
import type { Database } from '../store/schema.js';
import { TrainingRepository, type AssignmentRecord, type TrainingCampaignRecord } from '../store/training-repository.js';
import { trainingToken, trainingUrl } from './alert-settings.js';
import { recordAudit, recordChain } from './audit.js';
import { dayOf } from './corrective-actions.js';
import { enqueueJob } from './jobs/queue.js';
import { linkState, parseLinkToken, resolveLinkToken } from './link-tokens.js';

export const TRAINING_MAIL_JOB = 'training.mail';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Links stay open this long after the due date (late answers still count); closing the campaign ends them. */
const LINK_GRACE_MS = 60 * 86_400_000;

export function trainingNotFound(id: string): RempartError {
  return new RempartError('not_found', `No training campaign with id "${id}".`, [{ path: 'campaign', rule: 'exists', value: id, message: 'no such campaign' }]);
}

function subjectOf(campaign: string, person: string): string {
  return `training/${campaign}/person/${person}`;
}

export function assignmentStatus(assignment: Pick<AssignmentRecord, 'completedAt' | 'passed'>): TrainingAssignmentView['status'] {
  return assignment.completedAt ? 'completed' : assignment.passed === false ? 'failed' : 'pending';
}

function facts(assignment: AssignmentRecord): AssignmentFacts {
  return {
    site: assignment.site,
    activities: assignment.activities,
    acknowledged: assignment.acknowledgedAt !== null,
    passed: assignment.passed,
    completed: assignment.completedAt !== null,
  };
}

function summary(campaign: TrainingCampaignRecord, assignments: readonly AssignmentRecord[], today: string) {
  return {
    id: campaign.id,
    title: campaign.title,
    audience: campaign.audience,
    due: campaign.due,
    status: campaign.status,
    overdue: campaign.status === 'open' && campaign.due < today,
    createdBy: campaign.createdBy,
    createdAt: campaign.createdAt.toISOString(),
    closedAt: campaign.closedAt?.toISOString() ?? null,
    completion: trainingCompletion(assignments.map(facts)).overall,
  };
}

export async function listTrainingCampaigns(db: Kysely<Database>, orgId: string, now = new Date()) {
  const repository = new TrainingRepository(db);
  const campaigns = await repository.list(orgId);
  const assignments = await repository.assignments(
    orgId,
    campaigns.map((campaign) => campaign.id),
  );
  return campaigns.map((campaign) =>
    summary(
      campaign,
      assignments.filter((assignment) => assignment.campaign === campaign.id),
      dayOf(now),
    ),
  );
}

export async function getTrainingCampaign(db: Kysely<Database>, orgId: string, id: string): Promise<TrainingCampaignRecord> {
  const campaign = UUID.test(id) ? await new TrainingRepository(db).get(orgId, id) : undefined;
  if (!campaign) throw trainingNotFound(id);
  return campaign;
}

/** A campaign with its content, quiz (with the right answers: for those who manage or read it), each person's state and completion. */
export async function trainingCampaignView(
  db: Kysely<Database>,
  orgId: string,
  campaign: TrainingCampaignRecord,
  now = new Date(),
): Promise<TrainingCampaignView> {
  const assignments = await new TrainingRepository(db).assignments(orgId, [campaign.id]);
  return {
    ...summary(campaign, assignments, dayOf(now)),
    content: campaign.content,
    acknowledgement: campaign.acknowledgement,
    quiz: campaign.quiz,
    reminderDays: campaign.reminderDays,
    reminders: campaign.reminders,
    breakdown: trainingCompletion(assignments.map(facts)),
    assignments: assignments.map((assignment) => ({
      person: assignment.person,
      name: assignment.name,
      site: assignment.site,
      activities: assignment.activities,
      status: assignmentStatus(assignment),
      acknowledgedAt: assignment.acknowledgedAt?.toISOString() ?? null,
      score: assignment.score,
      attempts: assignment.attempts,
      completedAt: assignment.completedAt?.toISOString() ?? null,
      via: assignment.via,
    })),
  };
}

/** The people of the directory a campaign's audience names; problems for unknown sites, activities or people. */
async function audienceOf(db: Kysely<Database>, orgId: string, launch: TrainingLaunch): Promise<PersonRecord[]> {
  const { audience } = launch;
  const [people, model] = await Promise.all([new PeopleRepository(db).all(orgId), new ModelRepository(db).loadModel(orgId)]);
  const problems: Problem[] = [];
  const known = (list: string[] | undefined, ids: Set<string>, field: string, what: string) =>
    list?.forEach((id, i) => {
      if (!ids.has(id))
        problems.push({ path: `body.audience.${field}[${i}]`, rule: 'unknown_reference', value: id, message: `no ${what} "${id}" in the organisation` });
    });
  known(audience.sites, new Set(model.sites.map((site) => site.id)), 'sites', 'site');
  known(audience.activities, new Set(model.activities.map((activity) => activity.id)), 'activities', 'activity');
  known(audience.people, new Set(people.map((person) => person.id)), 'people', 'person');
  if (audience.kind === 'people' && !audience.people)
    problems.push({ path: 'body.audience.people', rule: 'required', value: null, message: 'the people asked, for an audience of kind `people`' });
  if (problems.length) throw new RempartError('invalid_reference', `The audience names ${problems.length} unknown item(s).`, problems);

  let chosen = people;
  if (audience.kind === 'people') {
    const ids = new Set(audience.people);
    chosen = people.filter((person) => ids.has(person.id));
  } else if (audience.kind === 'crisisTeam') {
    const emails = new Set((await new AccountRepository(db).members(orgId)).filter((member) => member.role === 'crisisTeam').map((member) => member.email));
    chosen = people.filter((person) => person.email && emails.has(person.email));
  } else if (audience.kind === 'activityOwners') {
    const owners = model.activities.map((activity) => activity.owner).filter((owner): owner is string => !!owner);
    chosen = people.filter((person) => owners.some((owner) => ownerNamesPerson(owner, { email: person.email, name: person.name })));
  }
  if (audience.sites) {
    const sites = new Set(audience.sites);
    chosen = chosen.filter((person) => person.site && sites.has(person.site));
  }
  if (audience.activities) {
    const activities = new Set(audience.activities);
    chosen = chosen.filter((person) => person.activities.some((activity) => activities.has(activity)));
  }
  return chosen;
}

/** Launches a campaign: one assignment and one personal link per person; the invitation mail now, reminders before the due date. */
export async function launchTraining(
  db: Kysely<Database>,
  orgId: string,
  launch: TrainingLaunch,
  actor: { id: string | null; label: string },
  now = new Date(),
): Promise<{ id: string; links: Array<{ person: string; url: string }> }> {
  if (launch.due < dayOf(now))
    throw new RempartError('invalid_input', 'The due date is in the past.', [{ path: 'body.due', rule: 'past', value: launch.due, message: 'today or later' }]);
  const people = await audienceOf(db, orgId, launch);
  if (people.length === 0)
    throw new RempartError('invalid_input', 'Nobody in the directory matches this audience.', [
      { path: 'body.audience', rule: 'audience_empty', value: launch.audience, message: 'no person of the directory matches: add people, or choose others' },
    ]);
  const id = randomUUID();
  const expiresAt = new Date(Math.max(Date.parse(`${launch.due}T23:59:59Z`), now.getTime()) + LINK_GRACE_MS);
  await db.transaction().execute(async (trx) => {
    const repository = new TrainingRepository(trx);
    await repository.insert(orgId, { id, ...launch, quiz: launch.quiz ?? null, createdBy: actor.label }, now);
    const linkIds = await new LinkTokenRepository(trx).insertMany(
      people.map((person) => ({
        orgId,
        purpose: 'training',
        subject: subjectOf(id, person.id),
        secretHash: trainingToken(orgId, id, person.id).digest,
        createdBy: actor.id,
        expiresAt,
        maxUses: null,
      })),
    );
    await repository.insertAssignments(
      orgId,
      id,
      people.map((person, i) => ({
        person: person.id,
        name: person.name,
        email: person.email,
        language: person.language,
        site: person.site ?? null,
        activities: person.activities ?? [],
        linkId: linkIds[i],
      })),
    );
    await enqueueJob(trx, { org: orgId, kind: TRAINING_MAIL_JOB, payload: { campaign: id, kind: 'invitation' }, idempotencyKey: `${id}:invitation` });
    for (const days of new Set(launch.reminderDays)) {
      const runAt = new Date(Date.parse(`${launch.due}T08:00:00Z`) - days * 86_400_000);
      if (runAt > now)
        await enqueueJob(trx, {
          org: orgId,
          kind: TRAINING_MAIL_JOB,
          payload: { campaign: id, kind: 'reminder' },
          runAt,
          idempotencyKey: `${id}:reminder:${days}`,
        });
    }
    await recordAudit(
      trx,
      { org: orgId, action: 'create', entityType: 'trainingCampaign', entityId: id, after: { ...launch, id, people: people.length } },
      now,
    );
  });
  return { id, links: people.map((person) => ({ person: person.id, url: trainingUrl(orgId, id, person.id) })) };
}

/** Closes a campaign: its links stop opening anything, completion stays as it was. */
export async function closeTraining(db: Kysely<Database>, orgId: string, id: string, actor: { label: string }, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repository = new TrainingRepository(trx);
    const campaign = UUID.test(id) ? await repository.get(orgId, id, { lock: true }) : undefined;
    if (!campaign) throw trainingNotFound(id);
    if (campaign.status === 'closed')
      throw new RempartError('conflict', 'The campaign is already closed.', [{ path: 'status', rule: 'open', value: 'closed', message: 'already closed' }]);
    await repository.close(orgId, id, actor.label, now);
    const assignments = await repository.assignments(orgId, [id]);
    await new LinkTokenRepository(trx).revokeForSubjects(
      orgId,
      'training',
      assignments.map((assignment) => subjectOf(id, assignment.person)),
      now,
    );
    await recordAudit(
      trx,
      { org: orgId, action: 'close', entityType: 'trainingCampaign', entityId: id, before: { status: 'open' }, after: { status: 'closed' } },
      now,
    );
  });
}

/** Right answers in percent (rounded down), or null without a quiz; wrong-length answers are refused. */
function scoreOf(campaign: TrainingCampaignRecord, answers: readonly number[] | undefined): number | null {
  if (!campaign.quiz) return null;
  const questions = campaign.quiz.questions;
  if (!answers || answers.length !== questions.length)
    throw new RempartError('invalid_input', `Answer each of the ${questions.length} question(s).`, [
      { path: 'body.answers', rule: 'one_per_question', value: answers ?? null, message: `${questions.length} answer(s), one per question` },
    ]);
  const problems: Problem[] = [];
  answers.forEach((answer, i) => {
    if (answer >= questions[i].choices.length)
      problems.push({ path: `body.answers[${i}]`, rule: 'choice_index', value: answer, message: `one of the ${questions[i].choices.length} choices` });
  });
  if (problems.length) throw new RempartError('invalid_input', 'An answer names no choice.', problems);
  const right = answers.filter((answer, i) => answer === questions[i].answer).length;
  return Math.floor((right * 100) / questions.length);
}

/**
 * Records one person's answer: the acknowledgement, and the quiz's score (passed at the pass mark). A failed quiz
 * may be answered again; a completed assignment stays completed (409). Closed campaigns take no answer (409).
 */
async function answer(
  db: Kysely<Database>,
  orgId: string,
  campaignId: string,
  person: string,
  body: TrainingAnswer,
  via: 'link' | 'session',
  actor: { label: string },
  now: Date,
) {
  return db.transaction().execute(async (trx) => {
    const repository = new TrainingRepository(trx);
    const campaign = await repository.get(orgId, campaignId);
    if (!campaign) throw trainingNotFound(campaignId);
    if (campaign.status === 'closed')
      throw new RempartError('conflict', 'The campaign is closed.', [{ path: 'campaign', rule: 'open', value: 'closed', message: 'closed' }]);
    const assignment = await repository.assignment(orgId, campaignId, person, { lock: true });
    if (!assignment) throw trainingNotFound(campaignId);
    if (assignment.completedAt)
      throw new RempartError('conflict', 'Already completed.', [{ path: 'status', rule: 'not_completed', value: 'completed', message: 'already completed' }]);
    const score = scoreOf(campaign, body.answers);
    const passed = campaign.quiz ? score! >= campaign.quiz.passMark : null;
    const completed = passed !== false;
    await repository.answer(orgId, campaignId, person, { acknowledgedAt: now, score, passed, completedAt: completed ? now : null, via });
    await recordAudit(
      trx,
      {
        org: orgId,
        chain: recordChain(orgId, 'trainingCampaign', campaignId),
        action: 'acknowledge',
        entityType: 'trainingCampaign',
        entityId: campaignId,
        after: { person, score, passed, via, by: actor.label },
      },
      now,
    );
    return { status: completed ? ('completed' as const) : ('failed' as const), score, passMark: campaign.quiz?.passMark ?? null };
  });
}

/** What a personal link opens: the campaign and the person's assignment, or why not (unknown, expired, revoked). */
export async function trainingByLink(db: Kysely<Database>, token: string, now = Date.now()) {
  const found = parseLinkToken(token) ? await resolveLinkToken(db, token, now) : undefined;
  if (!found || found.link.purpose !== 'training') return { state: 'unknown' as const };
  const match = /^training\/([^/]+)\/person\/(.+)$/.exec(found.link.subject);
  if (!match) return { state: 'unknown' as const };
  const repository = new TrainingRepository(db);
  const [campaign, assignment] = await Promise.all([repository.get(found.link.orgId, match[1]), repository.assignment(found.link.orgId, match[1], match[2])]);
  if (!campaign || !assignment) return { state: 'unknown' as const };
  return { state: linkState(found.link, now), org: found.link.orgId, link: found.link, campaign, assignment };
}

/** Answers through a personal link (no sign-in). */
export async function answerByLink(db: Kysely<Database>, token: string, body: TrainingAnswer, now = new Date()) {
  const found = await trainingByLink(db, token, now.getTime());
  if (found.state !== 'active') return found;
  const result = await answer(db, found.org, found.campaign.id, found.assignment.person, body, 'link', { label: `link:training ${found.link.subject}` }, now);
  return { ...found, result };
}

/** The open assignments of a signed-in member (matched to the directory by e-mail address). */
export async function myTraining(db: Kysely<Database>, orgId: string, email: string) {
  const repository = new TrainingRepository(db);
  const assignments = await repository.openFor(orgId, email);
  const campaigns = new Map<string, TrainingCampaignRecord>();
  for (const assignment of assignments)
    if (!campaigns.has(assignment.campaign)) campaigns.set(assignment.campaign, (await repository.get(orgId, assignment.campaign))!);
  return assignments.map((assignment) => {
    const campaign = campaigns.get(assignment.campaign)!;
    return {
      campaign: campaign.id,
      title: campaign.title,
      due: campaign.due,
      content: campaign.content,
      acknowledgement: campaign.acknowledgement,
      questions: (campaign.quiz?.questions ?? []).map(({ question, choices }) => ({ question, choices })),
      passMark: campaign.quiz?.passMark ?? null,
      status: assignmentStatus(assignment),
      score: assignment.score,
    };
  });
}

/** A signed-in member answers their own assignment (found by their e-mail address in the directory). */
export async function answerAsMember(
  db: Kysely<Database>,
  orgId: string,
  campaignId: string,
  member: { email: string; label: string },
  body: TrainingAnswer,
  now = new Date(),
) {
  const mine = UUID.test(campaignId) ? (await new TrainingRepository(db).openFor(orgId, member.email)).find((a) => a.campaign === campaignId) : undefined;
  if (!mine) throw trainingNotFound(campaignId);
  return answer(db, orgId, campaignId, mine.person, body, 'session', member, now);
}
