// The built-in functions flows may call: the official orientation algorithm (2020-06-09) on the answers a
// conversation gathered, its early display, and the search of the organisation's knowledge base (given in, as an
// in-memory searcher: the engine reads nothing itself), the answers from plans for staff and the handoff to a person.
// A record leaves as an effect, only for a complete questionnaire, and only minimised (sharingRecord): the age,
// weight, height, postal code and time stay in the conversation, which forgets them when it ends.
import { type FlowValue } from '../model/flow.js';
import { isStale, plainText, type KbArticle, type KbHandoff, type KbLanguage } from '../model/kb.js';
import { ORIENTATION_MESSAGES, ORIENTATION_URGENCY, OrientationAnswers } from '../model/orientation.js';
import type { BuiltinContext, Builtins, FlowEffect } from './flow.js';
import { earlyOrientation, orient, sharingRecord } from './orientation.js';
import { answerFromPlans, type PlanKnowledge } from './plan-answers.js';

const ANSWER_NAMES = [
  'temperature_cat', 'cough', 'agueusia_anosmia', 'sore_throat_aches', 'diarrhea', 'tiredness', 'tiredness_details', 'feeding_day',
  'breathlessness', 'age', 'age_range', 'weight_kg', 'height_cm', 'imc', 'heart_disease', 'diabetes', 'cancer', 'breathing_disease',
  'kidney_disease', 'liver_disease', 'pregnant', 'sickle_cell', 'immunosuppressant_disease', 'postal_code',
]; // prettier-ignore

/** The answers a conversation holds under the data schema's names; a skipped postal code is no postal code. */
function answersOf(vars: Readonly<Record<string, FlowValue>>): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const key of ANSWER_NAMES) if (vars[key] !== undefined && vars[key] !== null) answers[key] = vars[key];
  // Asked only after a yes to tiredness.
  if (answers.tiredness === false) delete answers.tiredness_details;
  return answers;
}

/** What a `kbSearch` call searches: the organisation's articles a conversation may show, and who to turn to. */
export interface KbSearcher {
  search(question: string, lang: KbLanguage): Array<{ article: KbArticle; score: number }>;
  handoff: KbHandoff | null;
}

const HANDOFF_TEXTS = {
  fr: {
    reach: 'Vous pouvez joindre {label} : {ways}.',
    nobody: 'Reformulez votre question, ou adressez-vous à votre interlocuteur habituel.',
    who: 'notre équipe',
  },
  en: { reach: 'You can reach {label}: {ways}.', nobody: 'Try asking in other words, or turn to your usual contact.', who: 'our team' },
} as const;

/** The sentence naming who to turn to, in the conversation's language. */
function handoffText(handoff: KbHandoff | null, lang: KbLanguage): string {
  const words = HANDOFF_TEXTS[lang];
  if (!handoff) return words.nobody;
  const ways = [handoff.phone, handoff.email, handoff.url].filter((way): way is string => Boolean(way)).join(' · ');
  const label = handoff.label[lang] ?? handoff.label.fr ?? handoff.label.en ?? words.who;
  return words.reach.replace('{label}', label).replace('{ways}', ways);
}

/**
 * `kbSearch`: the question in the variable `question`, searched in the conversation's language; the result holds
 * `found`, the `answers` (each with its text, sanitised HTML, source, address, publication and review dates, and
 * whether it is past review on the day of the conversation) and `handoff`, who to turn to when nothing fits.
 */
function kbSearch(kb: KbSearcher | undefined, vars: Readonly<Record<string, FlowValue>>, context: BuiltinContext): { value: FlowValue } {
  const lang: KbLanguage = context.lang === 'en' ? 'en' : 'fr';
  const question = typeof vars.question === 'string' ? vars.question : '';
  const today = new Date(context.now).toISOString().slice(0, 10);
  const hits = kb && question.trim() ? kb.search(question, lang) : [];
  const answers: FlowValue[] = hits.map(({ article, score }) => ({
    id: article.id,
    question: article.question,
    text: plainText(article.answer),
    html: article.answer,
    source: article.source,
    url: article.url,
    published: article.published,
    reviewBy: article.reviewBy,
    stale: isStale(article, today),
    score,
  }));
  return { value: { found: answers.length > 0, answers, handoff: handoffText(kb?.handoff ?? null, lang) } };
}

/** What a conversation's built-ins know beyond its variables: who is talking, and what they may be told. */
export interface ConversationContext {
  /** The organisation's knowledge base (public articles only, for a public caller). */
  kb?: KbSearcher;
  /** The organisation's plans and open incidents as one signed-in member sees them; never given for a public caller. */
  plans?: PlanKnowledge;
  /** A signed-in member of the organisation (staff), rather than anyone through a public key. */
  staff?: boolean;
}

/** `planAnswer`: answers from the approved plans for signed-in staff; a public caller (no plans given) gets none. */
function planAnswer(plans: PlanKnowledge | undefined, vars: Readonly<Record<string, FlowValue>>, context: BuiltinContext): { value: FlowValue } {
  const question = typeof vars.question === 'string' ? vars.question : '';
  if (!plans || !question.trim()) return { value: { found: false, answers: [], intent: null } };
  const { intent, answers } = answerFromPlans(question, plans, context.lang === 'en' ? 'en' : 'fr', new Date(context.now).toISOString().slice(0, 10));
  return { value: { found: answers.length > 0, answers, intent } };
}

/**
 * `openCase`: hands the question over to the follow-up queue, only when the variable `consent` is exactly true (a
 * yes the person gave to that offer); a public caller's `contact` is the one way to reach them they typed, nothing
 * more is kept. The case itself is written by whoever keeps the conversation, as an effect.
 */
function openCase(vars: Readonly<Record<string, FlowValue>>, context: BuiltinContext, staff: boolean): { value: FlowValue; effects?: FlowEffect[] } {
  const question = typeof vars.question === 'string' ? vars.question.trim() : '';
  const contact = typeof vars.contact === 'string' ? vars.contact.trim().slice(0, 200) : '';
  if (vars.consent !== true || !question || (!staff && !contact)) return { value: { opened: false } };
  return {
    value: { opened: true },
    effects: [{ type: 'followUpCase', data: { question: question.slice(0, 2000), contact: staff ? null : contact, lang: context.lang } }],
  };
}

/** The built-ins for a conversation: with the knowledge base, plans and caller of its organisation when given. */
export function flowBuiltins(conversation: ConversationContext = {}): Builtins {
  const staff = conversation.staff === true;
  return {
    ...BASE_BUILTINS,
    kbSearch: (vars, context) => kbSearch(conversation.kb, vars, context),
    planAnswer: (vars, context) => planAnswer(staff ? conversation.plans : undefined, vars, context),
    caller: () => ({ value: { staff } }),
    openCase: (vars, context) => openCase(vars, context, staff),
  };
}

const BASE_BUILTINS: Omit<Builtins, 'kbSearch' | 'planAnswer' | 'caller' | 'openCase'> = {
  orientation: (vars, context): { value: FlowValue; effects?: FlowEffect[] } => {
    const parsed = OrientationAnswers.safeParse(answersOf(vars));
    if (!parsed.success) return { value: { complete: false } };
    const result = orient(parsed.data);
    const record = sharingRecord(parsed.data, result, {
      at: new Date(context.now),
      durationSeconds: (context.now - context.startedAt) / 1000,
      formVersion: context.flow.version,
    });
    return {
      value: {
        complete: true,
        fin: result.fin,
        orientation: result.orientation,
        level: ORIENTATION_URGENCY[result.fin].level,
        message: ORIENTATION_MESSAGES[result.fin],
      },
      effects: [{ type: 'orientationRecord', data: record }],
    };
  },
  earlyOrientation: (vars) => {
    const fin = earlyOrientation(answersOf(vars) as Partial<OrientationAnswers>);
    return { value: fin ? { fin, message: ORIENTATION_MESSAGES[fin], level: ORIENTATION_URGENCY[fin].level } : null };
  },
};

/** The built-ins of a public caller without a knowledge base (`kbSearch` finds nothing and names no one). */
export const FLOW_BUILTINS: Builtins = flowBuiltins();
