// Conversation flows as data (issue 13), inspired by CSML: named steps, each a list of instructions run in order — say
// (text, quick replies, links, cards), ask (a typed answer, re-asked with an explanation when invalid), set, go to,
// call a built-in function, end. Any instruction may carry a condition (`if`), which is how a flow branches: a guarded
// `goto` is CSML's `if … goto`. Flows are versioned and bilingual: every text carries each of the flow's languages.
import { z } from 'zod';
import { formatPath, type Problem } from './problem.js';
import { isInvalidText } from './text.js';

/** Names of steps and variables: short, readable, safe in a path (`result.fin` reads a field of a variable). */
export const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const VARIABLE_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}$/;
/**
 * The built-in functions a flow may call: the orientation algorithm (2020-06-09), its early display, the search
 * of the organisation's knowledge base (`kbSearch`: the question in the variable `question`; the result holds `found`,
 * `answers` for a `say: {answers: …}` and `handoff`, the text naming who to turn to), the answers drawn from the
 * approved plans for signed-in staff (`planAnswer`: the same `found` and `answers`, each citing its plan), who is
 * talking (`caller`: `staff` true for a signed-in member), and the handoff to a person (`openCase`: a follow-up case
 * with the `question`, opened only when the variable `consent` is true, reaching a public caller through `contact`).
 */
export const BUILTINS = ['orientation', 'earlyOrientation', 'kbSearch', 'planAnswer', 'caller', 'openCase'] as const;
export type Builtin = (typeof BUILTINS)[number];
/** The units a number may be asked in; each accepts its usual spellings and converts to this one. */
export const UNITS = ['cm', 'kg', 'celsius', 'years'] as const;
export type Unit = (typeof UNITS)[number];
/** How many instructions one input may run: a flow that loops on itself ends instead of holding a core. */
export const MAX_INSTRUCTIONS_PER_TURN = 500;

const SafeText = z
  .string()
  .max(4000)
  .refine((text) => !isInvalidText(text), { message: 'no NUL character nor lone surrogate', params: { rule: 'invalid_text' } });
const Name = z.string().regex(FLOW_NAME, { message: 'a name: a letter or _, then letters, digits or _ (64 at most)' });
const VariablePath = z.string().regex(VARIABLE_PATH, { message: 'a variable, or a field of one: result.fin' });

/** A text in each language of the flow (`{"fr": "…", "en": "…"}`), or the value of a variable holding such a text. */
export const FlowText = z.union([z.record(z.string().regex(/^[a-z]{2}$/), SafeText), z.object({ var: VariablePath }).strict()]);
export type FlowText = z.infer<typeof FlowText>;

/** A JSON value a flow may hold in a variable. */
export type FlowValue = string | number | boolean | null | FlowValue[] | { [key: string]: FlowValue };
const Literal = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/** What an expression is: a literal, a variable, or an operator over expressions. */
export type Expression =
  | string
  | number
  | boolean
  | null
  | { var: string }
  | { defined: string }
  | { not: Expression }
  | { and: Expression[] }
  | { or: Expression[] }
  | { eq: [Expression, Expression] }
  | { ne: [Expression, Expression] }
  | { lt: [Expression, Expression] }
  | { lte: [Expression, Expression] }
  | { gt: [Expression, Expression] }
  | { gte: [Expression, Expression] }
  | { in: [Expression, Array<string | number | boolean | null>] };
export const Expression: z.ZodType<Expression> = z.lazy(() => {
  const pair = z.tuple([Expression, Expression]);
  return z.union([
    Literal,
    z.object({ var: VariablePath }).strict(),
    z.object({ defined: VariablePath }).strict(),
    z.object({ not: Expression }).strict(),
    z.object({ and: z.array(Expression).min(1).max(20) }).strict(),
    z.object({ or: z.array(Expression).min(1).max(20) }).strict(),
    z.object({ eq: pair }).strict(),
    z.object({ ne: pair }).strict(),
    z.object({ lt: pair }).strict(),
    z.object({ lte: pair }).strict(),
    z.object({ gt: pair }).strict(),
    z.object({ gte: pair }).strict(),
    z.object({ in: z.tuple([Expression, z.array(Literal).min(1).max(50)]) }).strict(),
  ]);
});

const Url = z
  .string()
  .max(2000)
  .regex(/^(https?:\/\/|tel:|mailto:)\S+$/, { message: 'an http(s), tel: or mailto: address' });
export const FlowLink = z.object({ url: Url, label: FlowText }).strict();

/** A quick reply: what is shown on the button, its value, and the other words that mean it. */
export const QuickReply = z
  .object({
    id: z.string().min(1).max(64),
    label: FlowText,
    synonyms: z.array(z.string().min(1).max(100)).max(30).optional(),
  })
  .strict();

/** Something the bot says. */
export const Say = z.union([
  z.object({ text: FlowText, quickReplies: z.array(QuickReply).max(12).optional(), links: z.array(FlowLink).max(10).optional() }).strict(),
  z.object({ card: z.object({ title: FlowText, body: FlowText.optional(), links: z.array(FlowLink).max(10).optional() }).strict() }).strict(),
  /** The answers a `kbSearch` call left in a variable (`kb.answers`), each as an `answer` message with its source and dates. */
  z.object({ answers: VariablePath }).strict(),
]);
export type Say = z.infer<typeof Say>;

/** One option of a `choice` question: its value, its label, the words that mean it, a number range that means it. */
export const ChoiceOption = z
  .object({
    value: z.union([z.string().min(1).max(100), z.number(), z.boolean()]),
    label: FlowText,
    synonyms: z.array(z.string().min(1).max(100)).max(30).optional(),
    /** Also matched by yes or no in any of their usual words (`oui`, `ouais`, `yes`, `nope`…). */
    means: z.enum(['yes', 'no']).optional(),
    /** A typed number in [min, max) picks it: "38,5" picks the 37.8–38.9 °C band. */
    range: z.tuple([z.number().nullable(), z.number().nullable()]).optional(),
  })
  .strict();

const AskBase = {
  var: Name,
  prompt: FlowText,
  /** Said before the prompt again when the answer cannot be understood. */
  invalid: FlowText.optional(),
  /** Extra things said with the prompt (advice, links). */
  links: z.array(FlowLink).max(10).optional(),
};
export const Ask = z.discriminatedUnion('type', [
  z.object({ type: z.literal('yesno'), ...AskBase }).strict(),
  z.object({ type: z.literal('choice'), ...AskBase, choices: z.array(ChoiceOption).min(1).max(30) }).strict(),
  z
    .object({
      type: z.literal('number'),
      ...AskBase,
      unit: z.enum(UNITS).optional(),
      integer: z.boolean().optional(),
      min: z.number().optional(),
      max: z.number().optional(),
    })
    .strict(),
  z.object({ type: z.literal('text'), ...AskBase, maxLength: z.number().int().min(1).max(2000).optional() }).strict(),
  z.object({ type: z.literal('postalCode'), ...AskBase, optional: z.boolean().optional() }).strict(),
]);
export type Ask = z.infer<typeof Ask>;

/** Another step of this flow, or a step of another flow (its start when no step is named). */
export const GotoTarget = z.union([Name, z.object({ flow: Name, step: Name.optional() }).strict()]);
export type GotoTarget = z.infer<typeof GotoTarget>;

const Guard = { if: Expression.optional() };
export const Instruction = z.union([
  z.object({ say: Say, ...Guard }).strict(),
  z.object({ ask: Ask, ...Guard }).strict(),
  z.object({ set: z.object({ var: Name, value: Expression }).strict(), ...Guard }).strict(),
  z.object({ goto: GotoTarget, ...Guard }).strict(),
  z.object({ call: z.object({ fn: z.enum(BUILTINS), result: Name }).strict(), ...Guard }).strict(),
  z.object({ end: z.literal(true), ...Guard }).strict(),
]);
export type Instruction = z.infer<typeof Instruction>;

export const FlowDocument = z
  .object({
    id: Name,
    version: z.string().min(1).max(40),
    title: FlowText,
    /** The languages every text carries; the first is the default. */
    languages: z
      .array(z.string().regex(/^[a-z]{2}$/))
      .min(1)
      .max(10),
    start: Name,
    steps: z.record(Name, z.array(Instruction).min(1).max(200)),
  })
  .strict()
  .meta({ id: 'Flow' });
export type FlowDocument = z.infer<typeof FlowDocument>;

/**
 * What the schema cannot say: every step named by `start` or a `goto` exists (in this flow, or in a known flow), every
 * text carries every language of the flow, no variable is read before anything could set it, choice values are unique.
 */
export function flowProblems(flow: FlowDocument, knownFlows: Readonly<Record<string, FlowDocument>> = {}): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: PropertyKey[], rule: string, value: unknown, message: string) => problems.push({ path: formatPath(path), rule, value, message });
  if (!(flow.start in flow.steps)) problem(['start'], 'unknown_step', flow.start, 'a step of this flow');
  const assigned = new Set<string>();
  for (const instructions of Object.values(flow.steps))
    for (const instruction of instructions) {
      if ('ask' in instruction) assigned.add(instruction.ask.var);
      if ('set' in instruction) assigned.add(instruction.set.var);
      if ('call' in instruction) assigned.add(instruction.call.result);
    }
  const texts = (value: unknown, path: PropertyKey[]): void => {
    if (Array.isArray(value)) value.forEach((item, index) => texts(item, [...path, index]));
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const at = [...path, key];
        if (['prompt', 'label', 'invalid', 'title', 'body'].includes(key) || (key === 'text' && !Array.isArray(item))) checkText(item, at);
        else if (key === 'var' || key === 'defined' || key === 'answers') checkVariable(item, at);
        else texts(item, at);
      }
    }
  };
  const checkText = (text: unknown, path: PropertyKey[]) => {
    if (text === null || typeof text !== 'object') return;
    if ('var' in text) return checkVariable((text as { var: string }).var, [...path, 'var']);
    for (const language of flow.languages)
      if (!(language in text)) problem([...path, language], 'language', null, `a text in ${language}, as every language of the flow`);
    for (const language of Object.keys(text))
      if (!flow.languages.includes(language)) problem([...path, language], 'language', language, `one of the flow’s languages: ${flow.languages.join(', ')}`);
  };
  const checkVariable = (variable: unknown, path: PropertyKey[]) => {
    if (typeof variable === 'string' && !assigned.has(variable.split('.')[0]))
      problem(path, 'unknown_variable', variable, 'a variable some ask, set or call of this flow assigns');
  };
  checkText(flow.title, ['title']);
  for (const [name, instructions] of Object.entries(flow.steps))
    instructions.forEach((instruction, index) => {
      const at: PropertyKey[] = ['steps', name, index];
      texts(instruction, at);
      if ('goto' in instruction) {
        const target = instruction.goto;
        if (typeof target === 'string') {
          if (!(target in flow.steps)) problem([...at, 'goto'], 'unknown_step', target, 'a step of this flow');
        } else {
          const other = target.flow === flow.id ? flow : knownFlows[target.flow];
          if (!other) problem([...at, 'goto', 'flow'], 'unknown_flow', target.flow, 'a known flow');
          else if (target.step !== undefined && !(target.step in other.steps))
            problem([...at, 'goto', 'step'], 'unknown_step', target.step, `a step of flow ${target.flow}`);
        }
      }
      if ('ask' in instruction && instruction.ask.type === 'choice') {
        const seen = new Set<string>();
        instruction.ask.choices.forEach((choice, position) => {
          const key = JSON.stringify(choice.value);
          if (seen.has(key)) problem([...at, 'ask', 'choices', position, 'value'], 'duplicate', choice.value, 'each value once');
          seen.add(key);
        });
      }
      if ('ask' in instruction && instruction.ask.type === 'number') {
        const { min, max } = instruction.ask;
        if (min !== undefined && max !== undefined && min > max) problem([...at, 'ask', 'min'], 'range', min, `at most max (${max})`);
      }
    });
  return problems;
}

/** A message as a client shows it, in the conversation's language. */
export const FlowMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string(),
    quickReplies: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
    links: z.array(z.object({ url: z.string(), label: z.string() })).optional(),
  }),
  z.object({
    type: z.literal('card'),
    title: z.string(),
    body: z.string().optional(),
    links: z.array(z.object({ url: z.string(), label: z.string() })).optional(),
  }),
  /** An answer of the knowledge base: its text (and sanitised HTML), who says so, where and when. */
  z.object({
    type: z.literal('answer'),
    id: z.string(),
    question: z.string(),
    text: z.string(),
    html: z.string().meta({ description: 'The answer as sanitised HTML (p, strong, em, lists, links)' }),
    source: z.string(),
    url: z.string().nullable(),
    published: z.string().meta({ description: 'YYYY-MM-DD' }),
    reviewBy: z.string().nullable(),
    stale: z.boolean().meta({ description: 'Past its review date: show the date, the information may have changed' }),
    plan: z
      .object({ id: z.string(), title: z.string(), version: z.number(), approvedAt: z.string().meta({ description: 'YYYY-MM-DD' }) })
      .nullable()
      .optional()
      .meta({ description: 'An answer drawn from a plan (staff only): the plan, its approved version and when it was approved' }),
  }),
]);
export type FlowMessage = z.infer<typeof FlowMessage>;
