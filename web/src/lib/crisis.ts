// Continuity plans and incidents in the web app: the API's shapes (declared once in the contract), the plan draft the
// editor works on, and the pure helpers the pages share (bilingual text, countdowns, overdue tasks).
import type { PlanContentInput, PlanPhase, PlanStatus, PlanTemplate } from '@shared/model/plan.js';
import type { PlanDiff, PlanValidation, PlanVersionView, PlanView } from '@shared/model/contract/plans.js';
import type {
  CorrectiveActionView,
  CrisisLog,
  IncidentReview,
  IncidentView,
  LogEntryView,
  Projection,
  SituationBoard,
  TaskList,
  TaskView,
} from '@shared/model/contract/incidents.js';
import type { RoleName } from '@shared/model/roles.js';
import type { Language } from './prefs.js';

export type { CrisisLog, IncidentReview, IncidentView, LogEntryView, PlanDiff, PlanPhase, PlanStatus, PlanTemplate, PlanValidation, PlanVersionView, PlanView };
export type { Projection, SituationBoard, TaskList, TaskView };
export type CorrectiveAction = CorrectiveActionView;
export type BoardLine = SituationBoard['activities'][number];

/** The phases in the order they run (as the server's PLAN_PHASES). */
export const PHASES: readonly PlanPhase[] = ['alert', 'activation', 'continuity', 'recovery', 'returnToNormal'];
export const STATUSES: readonly PlanStatus[] = ['draft', 'inReview', 'approved', 'archived'];
export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Text in both languages, as the editor holds it. */
export interface Bilingual {
  en: string;
  fr: string;
}

/** The reference wording and its translations, as the API keeps them, to the two texts the editor shows. */
export function toBilingual(reference: string | undefined, texts: { en?: string; fr?: string } | undefined): Bilingual {
  return { en: texts?.en ?? (texts?.fr ? '' : (reference ?? '')), fr: texts?.fr ?? '' };
}

/** Back to the API: the reference wording (English first) and its translations; nothing when both are empty. */
export function fromBilingual(text: Bilingual): { reference: string | undefined; texts: { en?: string; fr?: string } | undefined } {
  const en = text.en.trim();
  const fr = text.fr.trim();
  const texts = { ...(en ? { en } : {}), ...(fr ? { fr } : {}) };
  return { reference: en || fr || undefined, texts: en || fr ? texts : undefined };
}

/** The text to show in `language`: its translation, else the reference wording. */
export function pick(reference: string | null | undefined, texts: { en?: string; fr?: string } | undefined, language: Language): string {
  return texts?.[language] ?? reference ?? '';
}

export interface StepDraft {
  id: string;
  phase: PlanPhase;
  at: number | undefined;
  team: string;
  owner: string;
  action: Bilingual;
  details: Bilingual;
  where: string;
  /** One checklist item a line, in each language (lines pair up by position). */
  checklist: Bilingual;
  strategy: string | undefined;
}

export interface TeamDraft {
  id: string;
  name: Bilingual;
  lead: string;
  deputies: string[];
  members: string[];
}

export interface ContactDraft {
  name: string;
  role: Bilingual;
  organisation: string;
  phone: string;
  email: string;
}

/** A plan's content as the editor holds it: every text field a string, both languages side by side. */
export interface PlanDraft {
  title: Bilingual;
  purpose: Bilingual;
  activationCriteria: Bilingual;
  activities: string[];
  sites: string[];
  roles: string[];
  people: string[];
  teams: TeamDraft[];
  steps: StepDraft[];
  contacts: ContactDraft[];
  scenarios: string[];
  reviewDate: string;
  /** Kept as they are (not edited here). */
  attachments: Array<{ file: string; name?: string }>;
  template: string | undefined;
}

type Content = Pick<
  PlanView,
  | 'title'
  | 'titles'
  | 'purpose'
  | 'purposes'
  | 'activationCriteria'
  | 'activationCriteriaTexts'
  | 'scope'
  | 'activators'
  | 'teams'
  | 'steps'
  | 'contacts'
  | 'attachments'
  | 'scenarios'
  | 'reviewDate'
  | 'template'
>;

export function toPlanDraft(plan: Content): PlanDraft {
  return {
    title: toBilingual(plan.title, plan.titles),
    purpose: toBilingual(plan.purpose, plan.purposes),
    activationCriteria: toBilingual(plan.activationCriteria, plan.activationCriteriaTexts),
    activities: [...plan.scope.activities],
    sites: [...plan.scope.sites],
    roles: [...plan.activators.roles],
    people: [...plan.activators.people],
    teams: plan.teams.map((team) => ({
      id: team.id,
      name: toBilingual(team.name, team.names),
      lead: team.lead,
      deputies: [...team.deputies],
      members: [...team.members],
    })),
    steps: plan.steps.map((step) => ({
      id: step.id,
      phase: step.phase,
      at: step.at,
      team: step.team ?? '',
      owner: step.owner ?? '',
      action: toBilingual(step.action, step.actions),
      details: toBilingual(step.details, step.detailsTexts),
      where: step.where ?? '',
      checklist: {
        en: step.checklist.map((item) => item.texts?.en ?? item.text).join('\n'),
        fr: step.checklist.some((item) => item.texts?.fr) ? step.checklist.map((item) => item.texts?.fr ?? '').join('\n') : '',
      },
      strategy: step.strategy,
    })),
    contacts: plan.contacts.map((contact) => ({
      name: contact.name,
      role: toBilingual(contact.role, contact.roles),
      organisation: contact.organisation ?? '',
      phone: contact.phone ?? '',
      email: contact.email ?? '',
    })),
    scenarios: [...plan.scenarios],
    reviewDate: plan.reviewDate ?? '',
    attachments: plan.attachments.map((attachment) => ({ ...attachment })),
    template: plan.template,
  };
}

const lines = (text: string) => text.split('\n').map((line) => line.trim());

/** The plan's content as PUT and POST take it: empty texts left out, translations beside their reference wording. */
export function toPlanBody(draft: PlanDraft): PlanContentInput {
  const text = <K extends string, T extends string>(key: K, textsKey: T, value: Bilingual) => {
    const { reference, texts } = fromBilingual(value);
    return { ...(reference !== undefined ? { [key]: reference } : {}), ...(texts ? { [textsKey]: texts } : {}) } as Partial<
      Record<K, string> & Record<T, object>
    >;
  };
  const optional = <K extends string>(key: K, value: string) => (value.trim() ? ({ [key]: value.trim() } as Record<K, string>) : {});
  return {
    title: fromBilingual(draft.title).reference ?? '',
    ...(fromBilingual(draft.title).texts ? { titles: fromBilingual(draft.title).texts } : {}),
    ...text('purpose', 'purposes', draft.purpose),
    ...text('activationCriteria', 'activationCriteriaTexts', draft.activationCriteria),
    scope: { activities: draft.activities, sites: draft.sites },
    activators: { roles: draft.roles as RoleName[], people: draft.people },
    teams: draft.teams.map((team) => ({
      id: team.id.trim(),
      name: fromBilingual(team.name).reference ?? '',
      ...(fromBilingual(team.name).texts ? { names: fromBilingual(team.name).texts } : {}),
      lead: team.lead.trim(),
      deputies: team.deputies,
      members: team.members,
    })),
    steps: draft.steps.map((step) => {
      const en = lines(step.checklist.en);
      const fr = lines(step.checklist.fr);
      const count = Math.max(en.length, fr.length);
      const checklist = Array.from({ length: count }, (_, index) => fromBilingual({ en: en[index] ?? '', fr: fr[index] ?? '' }))
        .filter((item) => item.reference !== undefined)
        .map((item) => ({ text: item.reference!, ...(item.texts ? { texts: item.texts } : {}) }));
      return {
        id: step.id.trim(),
        phase: step.phase,
        at: step.at ?? 0,
        ...optional('team', step.team),
        ...optional('owner', step.owner),
        action: fromBilingual(step.action).reference ?? '',
        ...(fromBilingual(step.action).texts ? { actions: fromBilingual(step.action).texts } : {}),
        ...text('details', 'detailsTexts', step.details),
        ...optional('where', step.where),
        checklist,
        ...(step.strategy ? { strategy: step.strategy } : {}),
      };
    }),
    contacts: draft.contacts.map((contact) => ({
      name: contact.name.trim(),
      ...text('role', 'roles', contact.role),
      ...optional('organisation', contact.organisation),
      ...optional('phone', contact.phone),
      ...optional('email', contact.email),
    })),
    attachments: draft.attachments,
    scenarios: draft.scenarios,
    ...optional('reviewDate', draft.reviewDate),
    ...(draft.template ? { template: draft.template } : {}),
  } as PlanContentInput;
}

/** A new plan from a shipped template: its content without the template's own id and description. */
export function fromTemplate(template: PlanTemplate): PlanContentInput {
  const { id, description: _description, descriptions: _descriptions, ...content } = template;
  return { ...content, template: id };
}

/** Hours left before a deadline at `now` (negative once past), from the board's deadline. */
export function hoursLeftAt(deadline: string | null, now: number): number | null {
  if (!deadline) return null;
  return (new Date(deadline).getTime() - now) / 3_600_000;
}

/** "12:04:09", "3 d 04:10:00", "−00:12:30" for a countdown that has run out. */
export function countdown(hours: number, dayUnit: string): string {
  const negative = hours < 0;
  let seconds = Math.floor(Math.abs(hours) * 3600);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const two = (value: number) => String(value).padStart(2, '0');
  const clock = `${two(Math.floor(seconds / 3600))}:${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return `${negative ? '−' : ''}${days > 0 ? `${days} ${dayUnit} ` : ''}${clock}`;
}

/** Colour of a countdown: red past the MTPD or within a quarter of it, orange within half of it. */
export function urgency(hoursLeft: number | null, mtpd: number): 'red' | 'orange' | 'teal' | 'gray' {
  if (hoursLeft === null) return 'gray';
  if (hoursLeft < 0 || hoursLeft <= mtpd / 4) return 'red';
  if (hoursLeft <= mtpd / 2) return 'orange';
  return 'teal';
}

/** Whether a task is open past its due time at `now` (the server's flag, kept current as time passes). */
export function isOverdue(task: Pick<TaskView, 'status' | 'dueAt'>, now: number): boolean {
  return task.status === 'open' && new Date(task.dueAt).getTime() < now;
}

/** The value of a `datetime-local` input for an instant, in local time ("2026-12-05T08:30"). */
export function localInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** An instant from a `datetime-local` input (local time); undefined when empty or not a date. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * What Rempart wrote in the log (declaration, activation, task, status), told in the reader's language from the
 * entry's data; what people wrote, and what the data cannot tell, as it was written.
 */
export function describeEntry(
  entry: LogEntryView,
  t: (key: string, options?: Record<string, unknown>) => string,
  names: { activity: (id: string) => string; task: (id: string) => TaskView | undefined; plan: (id: string) => string },
  language: Language,
): string {
  const data = (entry.data ?? {}) as Record<string, unknown>;
  const note = typeof data.note === 'string' && data.note ? ` — ${data.note}` : '';
  if (entry.kind === 'status' && typeof data.activity === 'string' && typeof data.status === 'string' && typeof data.previous === 'string')
    return (
      t('incident.log.statusText', {
        activity: names.activity(data.activity),
        from: t(`activityStatus.${data.previous}`),
        to: t(`activityStatus.${data.status}`),
      }) + note
    );
  if (entry.kind === 'task' && typeof data.task === 'string' && (data.status === 'done' || data.status === 'open')) {
    const task = names.task(data.task);
    if (task)
      return t(data.status === 'done' ? 'incident.log.taskDone' : 'incident.log.taskReopened', { title: pick(task.title, task.titles, language) }) + note;
  }
  if (entry.kind === 'activation' && typeof data.plan === 'string' && typeof data.version === 'number' && typeof data.tasks === 'number')
    return t('incident.log.activationText', { plan: names.plan(data.plan), version: data.version, count: data.tasks });
  if (entry.kind === 'declaration' && typeof data.title === 'string' && typeof data.severity === 'string')
    return t(data.exercise === true ? 'incident.log.declarationExercise' : 'incident.log.declarationText', {
      title: data.title,
      severity: t(`incidentSeverity.${data.severity}`),
    });
  return entry.text;
}
