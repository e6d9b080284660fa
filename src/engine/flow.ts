// The interpreter of conversation flows: pure, (flows, state, input) → (messages, state, effects). Time comes in with
// the input, and what must happen outside (a record to save) goes out as an effect, so a conversation replays exactly
// and every step is table-tested.
import {
  MAX_INSTRUCTIONS_PER_TURN,
  type Ask,
  type Builtin,
  type Expression,
  type FlowDocument,
  type FlowMessage,
  type FlowText,
  type FlowValue,
  type Instruction,
  type Say,
  type Unit,
} from '../model/flow.js';

/** Where a conversation is: which flow, step and instruction, what it knows, whether it waits for an answer. */
export interface FlowState {
  flow: string;
  version: string;
  step: string;
  pc: number;
  lang: string;
  vars: Record<string, FlowValue>;
  /** The instruction at `pc` is an ask waiting for its answer. */
  waiting: boolean;
  ended: boolean;
  /** When the conversation started (ms since the epoch), for a record's duration. */
  startedAt: number;
  /** Invalid answers in a row to the current question. */
  retries: number;
}

export interface FlowInput {
  /** What the person typed. */
  text?: string;
  /** The id of a quick reply the person picked. */
  choice?: string;
  /** Now, in ms since the epoch (the engine reads no clock). */
  now: number;
}

/**
 * Something to do outside the conversation, in the transaction that keeps its state: a completed record to save, or
 * a question handed over to a person (only ever produced after the person said yes to it).
 */
export type FlowEffect =
  { type: 'orientationRecord'; data: Record<string, string> } | { type: 'followUpCase'; data: { question: string; contact: string | null; lang: string } };

export interface FlowTurn {
  messages: FlowMessage[];
  state: FlowState;
  effects: FlowEffect[];
}

export interface BuiltinContext {
  now: number;
  startedAt: number;
  flow: FlowDocument;
  /** The conversation's language. */
  lang: string;
}
export type BuiltinFunction = (vars: Readonly<Record<string, FlowValue>>, context: BuiltinContext) => { value: FlowValue; effects?: FlowEffect[] };
export type Builtins = Record<Builtin, BuiltinFunction>;

/** Flows by id (the current version of each). */
export type FlowRegistry = Readonly<Record<string, FlowDocument>>;

const DEFAULT_TEXTS: Record<string, Record<string, string>> = {
  fr: {
    yesno: 'Je n’ai pas compris : répondez par oui ou par non.',
    choice: 'Je n’ai pas compris : choisissez l’une des réponses proposées.',
    number: 'Je n’ai pas compris : donnez un nombre.',
    range: 'Donnez un nombre entre {min} et {max}.',
    text: 'Écrivez votre réponse (elle ne peut pas être vide).',
    postalCode: 'Donnez un code postal français de 5 chiffres, par exemple 75001.',
    yes: 'Oui',
    no: 'Non',
    lost: 'Cette conversation ne peut pas continuer : la conversation a changé de version. Recommencez, s’il vous plaît.',
    loop: 'Cette conversation s’arrête ici : le parcours tourne en rond.',
  },
  en: {
    yesno: 'Sorry, I did not understand: please answer yes or no.',
    choice: 'Sorry, I did not understand: please pick one of the answers offered.',
    number: 'Sorry, I did not understand: please give a number.',
    range: 'Please give a number between {min} and {max}.',
    text: 'Please write your answer (it cannot be empty).',
    postalCode: 'Please give a French postal code of 5 digits, such as 75001.',
    yes: 'Yes',
    no: 'No',
    lost: 'This conversation cannot go on: its flow has changed version. Please start again.',
    loop: 'This conversation stops here: the flow goes round in circles.',
  },
};
const defaultText = (lang: string, key: string) => (DEFAULT_TEXTS[lang] ?? DEFAULT_TEXTS.en)[key];

// ——— Understanding answers ———

/** Lower case, without accents, punctuation or repeated spaces: how answers are compared. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Yes and no in the words people type, French and English; matched whole, or as the first words of the answer. */
const YES = [
  'oui', 'ouais', 'ouai', 'ouaip', 'ouep', 'ouii', 'ouiii', 'o', 'si', 'ok', 'okay', 'd accord', 'bien sur', 'absolument', 'tout a fait', 'exactement',
  'affirmatif', 'certainement', 'evidemment', 'vrai', 'yes', 'yeah', 'yep', 'yup', 'ya', 'y', 'sure', 'of course', 'indeed', 'correct', 'true', '1',
]; // prettier-ignore
const NO = [
  'non', 'nan', 'non merci', 'pas du tout', 'pas vraiment', 'jamais', 'aucun', 'aucune', 'negatif', 'faux', 'nenni', 'no', 'nope', 'nop', 'nah', 'n',
  'not at all', 'never', 'none', 'false', '0',
]; // prettier-ignore
const YES_SET = new Set(YES);
const NO_SET = new Set(NO);

/** `true` for yes, `false` for no, undefined when the answer is neither (or both: "oui non"). */
export function parseYesNo(text: string): boolean | undefined {
  const answer = normaliseAnswer(text);
  if (YES_SET.has(answer)) return true;
  if (NO_SET.has(answer)) return false;
  const words = answer.split(' ');
  // "oui j'en ai", "non merci", "pas du tout fatigué": the first one to three words decide, when they are one side only.
  for (const length of [3, 2, 1]) {
    if (words.length <= length) continue;
    const head = words.slice(0, length).join(' ');
    const yes = YES_SET.has(head);
    const no = NO_SET.has(head);
    if (yes === no) continue;
    const rest = words.slice(length);
    if (rest.some((word) => (yes ? NO_SET : YES_SET).has(word))) return undefined;
    return yes;
  }
  return undefined;
}

const NUMBER = '(\\d+(?:[.,]\\d+)?)';
const toNumber = (text: string) => Number(text.replace(',', '.'));
/** The words of each unit; the first group of the pattern is the number. */
const UNIT_WORDS: Record<Unit, string> = {
  cm: '(?:cm|centimetres?|centimeters?|centimetre)',
  kg: '(?:kg|kgs|kilos?|kilogrammes?|kilograms?)',
  celsius: '(?:°\\s*c?|c|degres?|degrees?|degres celsius|degrees celsius)',
  years: '(?:ans?|annees?|years?|yrs?|yo)',
};

/**
 * A number as people type it, in `unit` when given: French or English decimals ("38,5", "38.5"), the unit or not
 * ("70 kg", "70kg", "70"), heights in metres and centimetres ("1m70", "1 m 70", "1,70 m", "1.70", "170 cm", "170").
 * Undefined when the text is not such a number, or names another unit.
 */
export function parseQuantity(text: string, unit?: Unit): number | undefined {
  const answer = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(\d) (\d{3})(?!\d)/g, '$1$2');
  if (answer.length === 0 || answer.length > 40) return undefined;
  const bare = new RegExp(`^${NUMBER}$`).exec(answer);
  if (unit === 'cm') {
    const metresAndCentimetres = /^(\d) ?m ?(\d{1,2})(?: ?cm)?$/.exec(answer);
    if (metresAndCentimetres) {
      const rest = metresAndCentimetres[2];
      return Number(metresAndCentimetres[1]) * 100 + (rest.length === 1 ? Number(rest) * 10 : Number(rest));
    }
    const metres = new RegExp(`^${NUMBER} ?(?:m|metres?|meters?|metre)$`).exec(answer);
    if (metres) return Math.round(toNumber(metres[1]) * 1000) / 10;
    const centimetres = new RegExp(`^${NUMBER} ?${UNIT_WORDS.cm}$`).exec(answer);
    if (centimetres) return toNumber(centimetres[1]);
    // A bare height under 3 is in metres: nobody is 1.7 cm tall.
    if (bare) return toNumber(bare[1]) < 3 ? Math.round(toNumber(bare[1]) * 1000) / 10 : toNumber(bare[1]);
    return undefined;
  }
  if (bare) return toNumber(bare[1]);
  if (!unit) return undefined;
  const withUnit = new RegExp(`^${NUMBER} ?${UNIT_WORDS[unit]}$`).exec(answer);
  return withUnit ? toNumber(withUnit[1]) : undefined;
}

/** A French postal code: 5 digits (spaces allowed, "75 001"), Corsica's 2A/2B included. */
export function parsePostalCode(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return /^(\d{5}|2[AB]\d{3})$/.test(compact) ? compact : undefined;
}

const SKIP = new Set([
  'passer',
  'je passe',
  'skip',
  'pass',
  'je ne sais pas',
  'je sais pas',
  'sais pas',
  'nsp',
  'i don t know',
  'dont know',
  'non',
  'no',
  'aucun',
]);

/** The value an answer gives a question, or undefined when the answer cannot be understood. */
export function understand(ask: Ask, input: { text?: string; choice?: string }, languages: readonly string[]): FlowValue | undefined {
  const text = input.text ?? '';
  switch (ask.type) {
    case 'yesno':
      if (input.choice !== undefined) return input.choice === 'yes' ? true : input.choice === 'no' ? false : undefined;
      return parseYesNo(text);
    case 'choice': {
      if (input.choice !== undefined) return ask.choices.find((choice) => String(choice.value) === input.choice)?.value;
      const answer = normaliseAnswer(text);
      if (!answer) return undefined;
      const words = (choice: (typeof ask.choices)[number]) => [
        String(choice.value),
        ...('var' in choice.label ? [] : languages.map((language) => (choice.label as Record<string, string>)[language] ?? '')),
        ...(choice.synonyms ?? []),
      ];
      const named = ask.choices.find((choice) => words(choice).some((word) => word && normaliseAnswer(word) === answer));
      if (named) return named.value;
      const yesNo = parseYesNo(text);
      if (yesNo !== undefined) {
        const meant = ask.choices.find((choice) => choice.means === (yesNo ? 'yes' : 'no'));
        if (meant) return meant.value;
      }
      const number = parseQuantity(text, 'celsius');
      if (number !== undefined) {
        const ranged = ask.choices.find(
          (choice) => choice.range && (choice.range[0] === null || number >= choice.range[0]) && (choice.range[1] === null || number < choice.range[1]),
        );
        if (ranged) return ranged.value;
      }
      return undefined;
    }
    case 'number': {
      if (input.choice !== undefined) return undefined;
      const value = parseQuantity(text, ask.unit);
      if (value === undefined || !Number.isFinite(value)) return undefined;
      if (ask.integer && !Number.isInteger(value)) return undefined;
      if ((ask.min !== undefined && value < ask.min) || (ask.max !== undefined && value > ask.max)) return undefined;
      return value;
    }
    case 'text': {
      const trimmed = text.trim();
      return trimmed.length > 0 && trimmed.length <= (ask.maxLength ?? 500) ? trimmed : undefined;
    }
    case 'postalCode': {
      const code = parsePostalCode(text);
      if (code) return code;
      if (ask.optional && (input.choice === 'skip' || SKIP.has(normaliseAnswer(text)))) return null;
      return undefined;
    }
  }
}

// ——— Expressions ———

function lookup(vars: Readonly<Record<string, FlowValue>>, path: string): FlowValue | undefined {
  let current: FlowValue | undefined = vars[path.split('.')[0]];
  for (const key of path.split('.').slice(1)) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

const same = (a: FlowValue | undefined, b: FlowValue | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const truthy = (value: FlowValue | undefined) => value !== undefined && value !== null && value !== false && value !== 0 && value !== '';

export function evaluate(expression: Expression, vars: Readonly<Record<string, FlowValue>>): FlowValue {
  if (expression === null || typeof expression !== 'object') return expression;
  if ('var' in expression) return lookup(vars, expression.var) ?? null;
  if ('defined' in expression) {
    const value = lookup(vars, expression.defined);
    return value !== undefined && value !== null;
  }
  if ('not' in expression) return !truthy(evaluate(expression.not, vars));
  if ('and' in expression) return expression.and.every((item) => truthy(evaluate(item, vars)));
  if ('or' in expression) return expression.or.some((item) => truthy(evaluate(item, vars)));
  if ('eq' in expression) return same(evaluate(expression.eq[0], vars), evaluate(expression.eq[1], vars));
  if ('ne' in expression) return !same(evaluate(expression.ne[0], vars), evaluate(expression.ne[1], vars));
  if ('in' in expression) {
    const value = evaluate(expression.in[0], vars);
    return expression.in[1].some((item) => same(item, value));
  }
  const [operator, pair] = Object.entries(expression)[0] as ['lt' | 'lte' | 'gt' | 'gte', [Expression, Expression]];
  const left = evaluate(pair[0], vars);
  const right = evaluate(pair[1], vars);
  // Comparing anything but two numbers is false, never a coercion ("10" < 9).
  if (typeof left !== 'number' || typeof right !== 'number') return false;
  return operator === 'lt' ? left < right : operator === 'lte' ? left <= right : operator === 'gt' ? left > right : left >= right;
}

// ——— Messages ———

function textOf(text: FlowText, state: FlowState, flow: FlowDocument): string {
  if ('var' in text && typeof text.var === 'string' && Object.keys(text).length === 1) {
    const value = lookup(state.vars, text.var as string);
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const translated = value[state.lang] ?? value[flow.languages[0]];
      return typeof translated === 'string' ? translated : '';
    }
    return value === undefined || value === null ? '' : String(value);
  }
  const texts = text as Record<string, string>;
  return texts[state.lang] ?? texts[flow.languages[0]] ?? '';
}

/** The answer messages of a variable holding a list of knowledge-base answers; anything else says nothing. */
function answerMessages(value: FlowValue | undefined): FlowMessage[] {
  if (!Array.isArray(value)) return [];
  const text = (item: Record<string, FlowValue>, key: string) => (typeof item[key] === 'string' ? (item[key] as string) : '');
  const orNull = (item: Record<string, FlowValue>, key: string) => (typeof item[key] === 'string' ? (item[key] as string) : null);
  return value
    .filter((item): item is Record<string, FlowValue> => item !== null && typeof item === 'object' && !Array.isArray(item))
    .map((item) => ({
      type: 'answer' as const,
      id: text(item, 'id'),
      question: text(item, 'question'),
      text: text(item, 'text'),
      html: text(item, 'html'),
      source: text(item, 'source'),
      url: orNull(item, 'url'),
      published: text(item, 'published'),
      reviewBy: orNull(item, 'reviewBy'),
      stale: item.stale === true,
      ...(item.plan && typeof item.plan === 'object' && !Array.isArray(item.plan)
        ? {
            plan: {
              id: text(item.plan, 'id'),
              title: text(item.plan, 'title'),
              version: typeof item.plan.version === 'number' ? item.plan.version : 0,
              approvedAt: text(item.plan, 'approvedAt'),
            },
          }
        : {}),
    }));
}

function sayMessage(say: Exclude<Say, { answers: string }>, state: FlowState, flow: FlowDocument): FlowMessage {
  const links = (items: Array<{ url: string; label: FlowText }> | undefined) =>
    items?.map((link) => ({ url: link.url, label: textOf(link.label, state, flow) }));
  if ('card' in say)
    return {
      type: 'card',
      title: textOf(say.card.title, state, flow),
      ...(say.card.body ? { body: textOf(say.card.body, state, flow) } : {}),
      ...(say.card.links ? { links: links(say.card.links) } : {}),
    };
  return {
    type: 'text',
    text: textOf(say.text, state, flow),
    ...(say.quickReplies ? { quickReplies: say.quickReplies.map((reply) => ({ id: reply.id, label: textOf(reply.label, state, flow) })) } : {}),
    ...(say.links ? { links: links(say.links) } : {}),
  };
}

function promptMessage(ask: Ask, state: FlowState, flow: FlowDocument): FlowMessage {
  const quickReplies =
    ask.type === 'yesno'
      ? [
          { id: 'yes', label: defaultText(state.lang, 'yes') },
          { id: 'no', label: defaultText(state.lang, 'no') },
        ]
      : ask.type === 'choice'
        ? ask.choices.map((choice) => ({ id: String(choice.value), label: textOf(choice.label, state, flow) }))
        : undefined;
  return {
    type: 'text',
    text: textOf(ask.prompt, state, flow),
    ...(quickReplies ? { quickReplies } : {}),
    ...(ask.links ? { links: ask.links.map((link) => ({ url: link.url, label: textOf(link.label, state, flow) })) } : {}),
  };
}

function invalidMessage(ask: Ask, state: FlowState, flow: FlowDocument): FlowMessage {
  if (ask.invalid) return { type: 'text', text: textOf(ask.invalid, state, flow) };
  if (ask.type === 'number' && ask.min !== undefined && ask.max !== undefined)
    return {
      type: 'text',
      text: defaultText(state.lang, 'range').replace('{min}', String(ask.min)).replace('{max}', String(ask.max)),
    };
  return { type: 'text', text: defaultText(state.lang, ask.type) };
}

// ——— Running ———

/** Starts a conversation on a flow, in a language the flow speaks (its first one otherwise). */
export function startFlow(flows: FlowRegistry, flowId: string, options: { lang?: string; now: number }, builtins: Builtins): FlowTurn {
  const flow = flows[flowId];
  if (!flow) throw new Error(`No flow "${flowId}".`);
  const lang = options.lang && flow.languages.includes(options.lang) ? options.lang : flow.languages[0];
  const state: FlowState = {
    flow: flow.id,
    version: flow.version,
    step: flow.start,
    pc: 0,
    lang,
    vars: {},
    waiting: false,
    ended: false,
    startedAt: options.now,
    retries: 0,
  };
  return run(flows, state, options.now, builtins, []);
}

/** Gives the answer to the question the conversation waits on, and runs until the next question or the end. */
export function advanceFlow(flows: FlowRegistry, previous: FlowState, input: FlowInput, builtins: Builtins): FlowTurn {
  const state: FlowState = { ...previous, vars: { ...previous.vars } };
  if (state.ended) return { messages: [], state, effects: [] };
  const flow = flows[state.flow];
  const instruction = flow?.steps[state.step]?.[state.pc];
  if (!flow || !instruction || !('ask' in instruction) || !state.waiting) return lost(state);
  const value = understand(instruction.ask, input, flow.languages);
  if (value === undefined) {
    state.retries += 1;
    return { messages: [invalidMessage(instruction.ask, state, flow), promptMessage(instruction.ask, state, flow)], state, effects: [] };
  }
  state.vars[instruction.ask.var] = value;
  state.waiting = false;
  state.retries = 0;
  state.pc += 1;
  return run(flows, state, input.now, builtins, []);
}

function lost(state: FlowState): FlowTurn {
  return { messages: [{ type: 'text', text: defaultText(state.lang, 'lost') }], state: { ...state, ended: true, waiting: false, vars: {} }, effects: [] };
}

function run(flows: FlowRegistry, state: FlowState, now: number, builtins: Builtins, messages: FlowMessage[]): FlowTurn {
  const effects: FlowEffect[] = [];
  for (let executed = 0; ; executed++) {
    const flow = flows[state.flow];
    if (!flow) return lost(state);
    if (executed >= MAX_INSTRUCTIONS_PER_TURN) {
      messages.push({ type: 'text', text: defaultText(state.lang, 'loop') });
      return { messages, state: { ...state, ended: true, vars: {} }, effects };
    }
    const instructions = flow.steps[state.step];
    if (!instructions) return lost(state);
    const instruction: Instruction | undefined = instructions[state.pc];
    // Running off the end of a step ends the conversation, as CSML's implicit end.
    if (!instruction) return { messages, state: finish(state), effects };
    if (instruction.if !== undefined && !truthy(evaluate(instruction.if, state.vars))) {
      state.pc += 1;
      continue;
    }
    if ('say' in instruction) {
      if ('answers' in instruction.say) messages.push(...answerMessages(lookup(state.vars, instruction.say.answers)));
      else messages.push(sayMessage(instruction.say, state, flow));
      state.pc += 1;
    } else if ('ask' in instruction) {
      messages.push(promptMessage(instruction.ask, state, flow));
      state.waiting = true;
      return { messages, state, effects };
    } else if ('set' in instruction) {
      state.vars[instruction.set.var] = evaluate(instruction.set.value, state.vars);
      state.pc += 1;
    } else if ('call' in instruction) {
      const called = builtins[instruction.call.fn](state.vars, { now, startedAt: state.startedAt, flow, lang: state.lang });
      state.vars[instruction.call.result] = called.value;
      effects.push(...(called.effects ?? []));
      state.pc += 1;
    } else if ('goto' in instruction) {
      const target = instruction.goto;
      if (typeof target === 'string') state.step = target;
      else {
        const next = flows[target.flow];
        if (!next) return lost(state);
        state.flow = next.id;
        state.version = next.version;
        state.step = target.step ?? next.start;
      }
      state.pc = 0;
    } else return { messages, state: finish(state), effects };
  }
}

/** An ended conversation keeps nothing it was told: the answers (age, weight, postal code…) go with it. */
function finish(state: FlowState): FlowState {
  return { ...state, ended: true, waiting: false, vars: {} };
}
