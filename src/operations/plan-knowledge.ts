// What the assistant knows of the organisation for one signed-in member, read for each of their questions: their
// entry in the people directory (by e-mail address), the sites and activities of the model, the open incidents with
// the plans activated in them, and the approved version of each plan. Read fresh each time: a staff question is
// rare next to a public message, and an answer about today's site closures must not lag behind the incident.
import type { Kysely } from 'kysely';
import type { KnownPlan, PlanKnowledge } from '../engine/plan-answers.js';
import type { PlanContent } from '../model/plan.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { PlanRepository } from '../store/plan-repository.js';
import type { Database } from '../store/schema.js';

const day = (date: Date) => date.toISOString().slice(0, 10);

export async function planKnowledge(db: Kysely<Database>, orgId: string, email: string): Promise<PlanKnowledge> {
  const [person, sites, activities, open, plans] = await Promise.all([
    db
      .selectFrom('people')
      .select(['site', 'activities'])
      .where('org_id', '=', orgId)
      .where('email', '=', email.toLowerCase())
      .orderBy('id')
      .limit(1)
      .executeTakeFirst(),
    db.selectFrom('sites').select(['id', 'name']).where('org_id', '=', orgId).orderBy('position').execute(),
    db.selectFrom('activities').select(['id', 'name']).where('org_id', '=', orgId).orderBy('position').execute(),
    new IncidentRepository(db).list(orgId, { limit: 50, status: 'open' }),
    new PlanRepository(db).list(orgId),
  ]);
  const activations = await new IncidentRepository(db).plans(
    orgId,
    open.items.map((incident) => incident.id),
  );
  const known: KnownPlan[] = plans.flatMap((plan) => {
    if (!plan.approval?.approvedAt) return [];
    const content: PlanContent = plan.approval.content;
    return [
      {
        id: plan.id,
        title: content.title,
        titles: content.titles,
        version: plan.approval.version,
        approvedAt: day(plan.approval.approvedAt),
        reviewDate: content.reviewDate,
        scope: content.scope,
        teams: content.teams,
        contacts: content.contacts,
        steps: content.steps,
      },
    ];
  });
  return {
    person: person ? { site: person.site, activities: person.activities } : null,
    sites,
    activities,
    incidents: open.items.map((incident) => ({
      id: incident.id,
      title: incident.title,
      declaredAt: incident.declaredAt.toISOString(),
      sites: incident.sites,
      activities: incident.activities,
      exercise: incident.exercise,
      plans: activations.filter((activation) => activation.incident_id === incident.id).map((activation) => activation.plan_id),
    })),
    plans: known,
  };
}
