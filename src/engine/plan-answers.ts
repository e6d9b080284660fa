// Answers for signed-in staff drawn from the organisation's approved plans and its open incidents: "can I come to the
// office?", "who replaces my manager?", "who do I call?". Rule-based on purpose: the question is sorted into one of
// these three by listed words, and the answer is put together from what the plans and incidents say, each answer
// citing the plan it comes from (title, version, approval date), so that a person can check it and a manager can
// explain it. Pure: what the organisation knows comes in, answers go out.
import type { FlowValue } from '../model/flow.js';
import { normaliseAnswer } from './flow.js';

type Lang = 'fr' | 'en';
type Texts = { fr?: string; en?: string };

/** An approved plan version, as the answers need it. */
export interface KnownPlan {
  id: string;
  title: string;
  titles?: Texts;
  version: number;
  /** YYYY-MM-DD */
  approvedAt: string;
  reviewDate?: string;
  scope: { activities: string[]; sites: string[] };
  teams: Array<{ id: string; name: string; names?: Texts; lead: string; deputies: string[] }>;
  contacts: Array<{ name: string; role?: string; roles?: Texts; organisation?: string; phone?: string; email?: string }>;
  steps: Array<{ phase: string; action: string; actions?: Texts; where?: string }>;
}

/** What the assistant knows of the organisation for one signed-in member. */
export interface PlanKnowledge {
  /** The member in the people directory (found by their e-mail address), or null when they are not in it. */
  person: { site: string | null; activities: string[] } | null;
  sites: Array<{ id: string; name: string }>;
  activities: Array<{ id: string; name: string }>;
  /** Open incidents, with the plans activated in them. */
  incidents: Array<{ id: string; title: string; declaredAt: string; sites: string[]; activities: string[]; exercise: boolean; plans: string[] }>;
  /** The approved version of each plan that has one. */
  plans: KnownPlan[];
}

export type PlanIntent = 'office' | 'deputy' | 'contacts';

/** The words that sort a question; a word ending in `*` matches every word it begins. Checked in this order. */
const INTENT_WORDS: Array<[PlanIntent, string[]]> = [
  [
    'deputy',
    ['remplac*', 'supplean*', 'supplee*', 'interim*', 'absence', 'deput*', 'replac*', 'stand in', 'stands in', 'standing in', 'cover for', 'covers for', 'backup for', 'stand-in'],
  ],
  [
    'office',
    [
      'bureau*', 'site', 'sites', 'locaux', 'agence', 'venir', 'aller travailler', 'aller au travail', 'batiment*', 'sur place', 'presentiel',
      'office*', 'come in', 'come to work', 'go to work', 'go in', 'building*', 'premises', 'on site', 'commut*',
    ],
  ],
  ['contacts', ['appeler', 'appelle', 'joindre', 'contacter', 'contact*', 'numero*', 'telephone*', 'hotline', 'call', 'phone*', 'reach', 'number*', 'urgence*', 'emergenc*']],
]; // prettier-ignore

function matches(words: readonly string[], text: string, keyword: string): boolean {
  if (keyword.includes(' ')) return ` ${text} `.includes(` ${normaliseAnswer(keyword)} `);
  if (keyword.endsWith('*')) return words.some((word) => word.startsWith(keyword.slice(0, -1)));
  return words.includes(keyword);
}

/** Which of the three questions this is, or null: anything else goes to the knowledge base. */
export function planIntent(question: string): PlanIntent | null {
  const text = normaliseAnswer(question);
  const words = text.split(' ');
  for (const [intent, keywords] of INTENT_WORDS) if (keywords.some((keyword) => matches(words, text, keyword))) return intent;
  return null;
}

const WORDS = {
  fr: {
    office: 'Puis-je venir sur site ?',
    deputy: 'Qui remplace un responsable ?',
    contacts: 'Qui appeler ?',
    closed: 'Le site {site} est indisponible : l’incident en cours « {incident} » le touche. Ne venez pas sur place.',
    open: 'Aucun incident en cours ne touche le site {site} : il est ouvert.',
    disrupted: 'Votre activité est perturbée par l’incident en cours « {incident} ».',
    noSite: 'Je ne connais pas votre site : vous n’êtes pas dans l’annuaire, ou sans site.',
    closedSites: 'Sites indisponibles en ce moment : {sites}.',
    noClosed: 'Aucun incident en cours ne rend un site indisponible.',
    instructions: 'Consignes du plan « {plan} » :',
    activated: '(plan activé)',
    replacedBy: '{lead} est remplacé(e), dans l’ordre, par : {deputies}.',
    noDeputy: '{lead} n’a pas de suppléant nommé dans ce plan.',
    team: 'Équipe {team} : responsable {lead} ; suppléants : {deputies}.',
    none: 'aucun',
    contactsOf: 'Contacts du plan « {plan} » :',
    incidents: 'Incidents en cours',
    exercise: ' (exercice)',
  },
  en: {
    office: 'Can I come to the site?',
    deputy: 'Who stands in for a manager?',
    contacts: 'Who do I call?',
    closed: 'The {site} site is unavailable: the open incident “{incident}” affects it. Do not go there.',
    open: 'No open incident affects the {site} site: it is open.',
    disrupted: 'Your activity is disrupted by the open incident “{incident}”.',
    noSite: 'I do not know your site: you are not in the people directory, or have no site.',
    closedSites: 'Sites unavailable at the moment: {sites}.',
    noClosed: 'No open incident makes a site unavailable.',
    instructions: 'What the plan “{plan}” says:',
    activated: '(plan activated)',
    replacedBy: '{lead} is replaced, in this order, by: {deputies}.',
    noDeputy: '{lead} has no deputy named in this plan.',
    team: '{team} team: lead {lead}; deputies: {deputies}.',
    none: 'none',
    contactsOf: 'Contacts of the plan “{plan}”:',
    incidents: 'Open incidents',
    exercise: ' (exercise)',
  },
} as const;

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const localised = (text: string, texts: Texts | undefined, lang: Lang) => texts?.[lang] ?? text;

/** Words of an action that say it is about where people work. */
const WHERE_WORDS = [
  'site*',
  'teletravail*',
  'telework*',
  'remote',
  'home',
  'domicile',
  'bureau*',
  'office*',
  'repli',
  'recovery',
  'seat*',
  'position*',
  'attendance',
  'presence',
  'evacu*',
  'return*',
  'retour',
];
const WHERE_PHASES = new Set(['activation', 'continuity', 'returnToNormal']);

interface Paragraph {
  text: string;
  items?: string[];
}

/** An answer message's fields (as `say: {answers}` shows them), citing a plan, or the open incidents when no plan speaks. */
function answer(id: string, question: string, paragraphs: Paragraph[], source: { plan?: KnownPlan; lang: Lang; today: string; incident?: string }) {
  const text = paragraphs.map((paragraph) => [paragraph.text, ...(paragraph.items ?? []).map((item) => `• ${item}`)].join('\n')).join('\n');
  const html = paragraphs
    .map(
      (paragraph) =>
        `<p>${escape(paragraph.text)}</p>${paragraph.items?.length ? `<ul>${paragraph.items.map((item) => `<li>${escape(item)}</li>`).join('')}</ul>` : ''}`,
    )
    .join('');
  const { plan, lang, today } = source;
  const value: Record<string, FlowValue> = {
    id,
    question,
    text,
    html,
    source: plan ? localised(plan.title, plan.titles, lang) : WORDS[lang].incidents,
    url: null,
    published: plan ? plan.approvedAt : (source.incident ?? today),
    reviewBy: plan?.reviewDate ?? null,
    stale: plan?.reviewDate !== undefined && plan.reviewDate < today,
    plan: plan ? { id: plan.id, title: localised(plan.title, plan.titles, lang), version: plan.version, approvedAt: plan.approvedAt } : null,
  };
  return value;
}

/** Plans that concern the member: covering their site or one of their activities (every plan when nothing is known of them). */
function plansFor(knowledge: PlanKnowledge, site: string | null): KnownPlan[] {
  const activities = new Set(knowledge.person?.activities ?? []);
  if (!site && activities.size === 0) return knowledge.plans;
  return knowledge.plans.filter((plan) => (site !== null && plan.scope.sites.includes(site)) || plan.scope.activities.some((id) => activities.has(id)));
}

function siteNamed(question: string, knowledge: PlanKnowledge): string | null {
  const words = normaliseAnswer(question).split(' ');
  const named = knowledge.sites.find((site) => [site.id, site.name].some((name) => words.includes(normaliseAnswer(name))));
  return named?.id ?? null;
}

function officeAnswers(question: string, knowledge: PlanKnowledge, lang: Lang, today: string): FlowValue[] {
  const words = WORDS[lang];
  const siteName = (id: string) => knowledge.sites.find((site) => site.id === id)?.name ?? id;
  const site = siteNamed(question, knowledge) ?? knowledge.person?.site ?? null;
  const incidentTitle = (incident: PlanKnowledge['incidents'][number]) => incident.title + (incident.exercise ? words.exercise : '');
  if (!site) {
    const closed = [...new Set(knowledge.incidents.flatMap((incident) => incident.sites))].map(siteName);
    const first = knowledge.incidents.find((incident) => incident.sites.length > 0);
    return [
      answer(
        'plans:office',
        words.office,
        [{ text: words.noSite }, { text: closed.length > 0 ? fill(words.closedSites, { sites: closed.join(', ') }) : words.noClosed }],
        { lang, today, incident: first?.declaredAt.slice(0, 10) },
      ),
    ];
  }
  const closing = knowledge.incidents.filter((incident) => incident.sites.includes(site));
  const mine = new Set(knowledge.person?.activities ?? []);
  const disrupting = knowledge.incidents.filter((incident) => !closing.includes(incident) && incident.activities.some((id) => mine.has(id)));
  const status: Paragraph[] = [
    {
      text: closing.length > 0 ? fill(words.closed, { site: siteName(site), incident: incidentTitle(closing[0]) }) : fill(words.open, { site: siteName(site) }),
    },
    ...disrupting.slice(0, 2).map((incident) => ({ text: fill(words.disrupted, { incident: incidentTitle(incident) }) })),
  ];
  const concerned = [...closing, ...disrupting];
  const activated = new Set(concerned.flatMap((incident) => incident.plans));
  // Instructions come from the plans for the site or the member's activities that the incidents activated (the
  // others' are not in force); while none is activated, from the plans that cover the closed site.
  const candidates = plansFor(knowledge, site);
  const inForce = candidates.filter((plan) => activated.has(plan.id));
  const plans = inForce.length > 0 ? inForce : closing.length > 0 ? candidates.filter((plan) => plan.scope.sites.includes(site)) : [];
  const answers = plans
    .map((plan) => {
      const instructions = plan.steps
        .filter((step) => WHERE_PHASES.has(step.phase))
        .filter((step) => {
          const text = normaliseAnswer(`${step.action} ${step.actions?.fr ?? ''} ${step.actions?.en ?? ''} ${step.where ?? ''}`);
          const stepWords = text.split(' ');
          return (
            (step.where !== undefined && normaliseAnswer(step.where).includes(normaliseAnswer(siteName(site)))) ||
            WHERE_WORDS.some((word) => matches(stepWords, text, word))
          );
        })
        .map((step) => localised(step.action, step.actions, lang) + (step.where ? ` (${step.where})` : ''));
      if (concerned.length === 0 || instructions.length === 0) return undefined;
      const title = localised(plan.title, plan.titles, lang);
      return answer(
        `plans:office:${plan.id}`,
        words.office,
        [
          ...status,
          { text: `${fill(words.instructions, { plan: title })}${activated.has(plan.id) ? ` ${words.activated}` : ''}`, items: instructions.slice(0, 8) },
        ],
        { plan, lang, today },
      );
    })
    .filter((item): item is Record<string, FlowValue> => item !== undefined);
  if (answers.length > 0) return answers.slice(0, 2);
  return [answer('plans:office', words.office, status, { lang, today, incident: concerned[0]?.declaredAt.slice(0, 10) })];
}

function deputyAnswers(question: string, knowledge: PlanKnowledge, lang: Lang, today: string): FlowValue[] {
  const words = WORDS[lang];
  const questionWords = new Set(normaliseAnswer(question).split(' '));
  // A lead is named when a word of their name (3 letters or more, not a title after the comma) is in the question.
  const named = (lead: string) =>
    normaliseAnswer(lead.split(/[,<(]/)[0])
      .split(' ')
      .some((word) => word.length >= 3 && questionWords.has(word));
  const list = (people: readonly string[]) => (people.length > 0 ? people.map((person, index) => `${index + 1}. ${person}`).join(', ') : words.none);
  const byName = knowledge.plans.flatMap((plan) => plan.teams.filter((team) => named(team.lead)).map((team) => ({ plan, team })));
  if (byName.length > 0) {
    const seen = new Set<string>();
    return byName
      .filter(({ team }) => !seen.has(`${team.lead}|${team.deputies.join('|')}`) && seen.add(`${team.lead}|${team.deputies.join('|')}`))
      .slice(0, 2)
      .map(({ plan, team }) =>
        answer(
          `plans:deputy:${plan.id}:${team.id}`,
          words.deputy,
          [{ text: fill(team.deputies.length > 0 ? words.replacedBy : words.noDeputy, { lead: team.lead, deputies: list(team.deputies) }) }],
          { plan, lang, today },
        ),
      );
  }
  return plansFor(knowledge, knowledge.person?.site ?? null)
    .filter((plan) => plan.teams.length > 0)
    .slice(0, 2)
    .map((plan) =>
      answer(
        `plans:deputy:${plan.id}`,
        words.deputy,
        [
          {
            text: localised(plan.title, plan.titles, lang),
            items: plan.teams.map((team) => fill(words.team, { team: localised(team.name, team.names, lang), lead: team.lead, deputies: list(team.deputies) })),
          },
        ],
        { plan, lang, today },
      ),
    );
}

function contactAnswers(knowledge: PlanKnowledge, lang: Lang, today: string): FlowValue[] {
  const words = WORDS[lang];
  return plansFor(knowledge, knowledge.person?.site ?? null)
    .filter((plan) => plan.contacts.length > 0)
    .slice(0, 2)
    .map((plan) =>
      answer(
        `plans:contacts:${plan.id}`,
        words.contacts,
        [
          {
            text: fill(words.contactsOf, { plan: localised(plan.title, plan.titles, lang) }),
            items: plan.contacts.map((contact) =>
              [contact.name, contact.role ? localised(contact.role, contact.roles, lang) : undefined, contact.organisation, contact.phone, contact.email]
                .filter((part): part is string => Boolean(part))
                .join(' — '),
            ),
          },
        ],
        { plan, lang, today },
      ),
    );
}

/**
 * The answers to a staff question from the plans (empty when the question is none of the three, or no plan says
 * anything about it), each with its citation; `intent` says which question it was taken for.
 */
export function answerFromPlans(question: string, knowledge: PlanKnowledge, lang: Lang, today: string): { intent: PlanIntent | null; answers: FlowValue[] } {
  const intent = planIntent(question);
  if (!intent) return { intent, answers: [] };
  const answers =
    intent === 'office'
      ? officeAnswers(question, knowledge, lang, today)
      : intent === 'deputy'
        ? deputyAnswers(question, knowledge, lang, today)
        : contactAnswers(knowledge, lang, today);
  return { intent, answers };
}
