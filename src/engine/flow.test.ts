// The flow interpreter, table-tested: how answers are understood (numbers with units and French decimals, yes and no
// in both languages, postal codes, choices), expressions, every instruction, re-asking, and the shipped orientation
// flow taken to its outcomes as transcripts, its records minimised.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowDocument, flowProblems, type Ask, type FlowMessage } from '../model/flow.js';
import { ORIENTATION_AFTERWORD, ORIENTATION_MESSAGES, type Fin } from '../model/orientation.js';
import { advanceFlow, evaluate, parsePostalCode, parseQuantity, parseYesNo, startFlow, understand, type FlowRegistry, type FlowState } from './flow.js';
import { FLOW_BUILTINS } from './flow-builtins.js';
import { SHARING_COLUMNS } from './orientation.js';

const NOW = Date.UTC(2026, 11, 5, 14, 37, 12);

describe('numbers as people type them', () => {
  const cases: Array<[string, Parameters<typeof parseQuantity>[1], number | undefined]> = [
    ['1m70', 'cm', 170],
    ['1 m 70', 'cm', 170],
    ['1m7', 'cm', 170],
    ['1m05', 'cm', 105],
    ['1,70 m', 'cm', 170],
    ['1.70m', 'cm', 170],
    ['1,7', 'cm', 170],
    ['1.85 mètres', 'cm', 185],
    ['170', 'cm', 170],
    ['170 cm', 'cm', 170],
    ['170cm', 'cm', 170],
    ['165,5 cm', 'cm', 165.5],
    ['70 kg', 'cm', undefined],
    ['grand', 'cm', undefined],
    ['70 kg', 'kg', 70],
    ['70kg', 'kg', 70],
    ['70,5 kg', 'kg', 70.5],
    ['70 kilos', 'kg', 70],
    ['70', 'kg', 70],
    ['70 cm', 'kg', undefined],
    ['38,5', 'celsius', 38.5],
    ['38.5', 'celsius', 38.5],
    ['38,5 °C', 'celsius', 38.5],
    ['39°', 'celsius', 39],
    ['37 degrés', 'celsius', 37],
    ['42 ans', 'years', 42],
    ['42', 'years', 42],
    ['42 years', 'years', 42],
    ['38,5', undefined, 38.5],
    ['1 000', undefined, 1000],
    ['-3', undefined, undefined],
    ['', undefined, undefined],
    ['3e5', undefined, undefined],
    ['1'.repeat(50), undefined, undefined],
  ];
  it.each(cases)('%j in %s → %s', (text, unit, expected) => {
    expect(parseQuantity(text, unit)).toBe(expected);
  });
});

describe('yes and no, French and English', () => {
  const cases: Array<[string, boolean | undefined]> = [
    ['oui', true],
    ['Oui !', true],
    ['OUAIS', true],
    ['ouep', true],
    ['yes', true],
    ['Yeah', true],
    ['yep', true],
    ['bien sûr', true],
    ['d’accord', true],
    ['oui, j’ai de la toux', true],
    ['non', false],
    ['Non.', false],
    ['nan', false],
    ['nope', false],
    ['no', false],
    ['pas du tout', false],
    ['non merci', false],
    ['non, pas de fièvre', false],
    ['not at all', false],
    ['oui non', undefined],
    ['peut-être', undefined],
    ['je ne sais pas', undefined],
    ['', undefined],
    ['ouistiti', undefined],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(parseYesNo(text)).toBe(expected);
  });
});

describe('postal codes', () => {
  it.each([
    ['75001', '75001'],
    ['75 001', '75001'],
    ['2a004', '2A004'],
    ['2B120', '2B120'],
    ['7500', undefined],
    ['750011', undefined],
    ['abcde', undefined],
  ])('%j → %s', (text, expected) => {
    expect(parsePostalCode(text)).toBe(expected);
  });
});

describe('understanding an answer to a question', () => {
  const fr = { fr: 'x', en: 'x' };
  const temperature: Ask = {
    type: 'choice',
    var: 't',
    prompt: fr,
    choices: [
      { value: 'low', label: { fr: 'Basse', en: 'Low' }, range: [null, 37.8] },
      { value: 'high', label: { fr: 'Haute', en: 'High' }, range: [37.8, null] },
      { value: 'NSP', label: { fr: 'Je ne sais pas', en: "I don't know" }, synonyms: ['nsp'] },
    ],
  };
  const yesNoDontKnow: Ask = {
    type: 'choice',
    var: 'h',
    prompt: fr,
    choices: [
      { value: 1, label: { fr: 'Oui', en: 'Yes' }, means: 'yes' },
      { value: 0, label: { fr: 'Non', en: 'No' }, means: 'no' },
      { value: 999, label: { fr: 'Je ne sais pas', en: "I don't know" } },
    ],
  };
  const cases: Array<[string, Ask, { text?: string; choice?: string }, unknown]> = [
    ['a choice by its quick reply', temperature, { choice: 'high' }, 'high'],
    ['an unknown quick reply', temperature, { choice: 'boiling' }, undefined],
    ['a choice by its label, any language, any case', temperature, { text: 'HIGH' }, 'high'],
    ['a choice by its label without accents', temperature, { text: 'je ne sais pas' }, 'NSP'],
    ['a choice by a synonym', temperature, { text: 'NSP' }, 'NSP'],
    ['a choice by a number in its range (French decimal)', temperature, { text: '38,5' }, 'high'],
    ['a range boundary belongs to the upper band', temperature, { text: '37,8' }, 'high'],
    ['just under the boundary', temperature, { text: '37.7' }, 'low'],
    ['yes by its words', yesNoDontKnow, { text: 'ouais' }, 1],
    ['no by its words', yesNoDontKnow, { text: 'nope' }, 0],
    ['a numeric quick reply', yesNoDontKnow, { choice: '999' }, 999],
    ['yes/no by quick reply', { type: 'yesno', var: 'y', prompt: fr }, { choice: 'no' }, false],
    ['yes/no by text', { type: 'yesno', var: 'y', prompt: fr }, { text: 'Oui' }, true],
    ['a number out of range', { type: 'number', var: 'n', prompt: fr, unit: 'kg', min: 20, max: 250 }, { text: '500 kg' }, undefined],
    ['an integer asked, a decimal given', { type: 'number', var: 'n', prompt: fr, unit: 'years', integer: true }, { text: '42,5' }, undefined],
    ['a height in metres and centimetres', { type: 'number', var: 'n', prompt: fr, unit: 'cm', min: 80, max: 250 }, { text: '1m70' }, 170],
    ['text, trimmed', { type: 'text', var: 's', prompt: fr }, { text: '  bonjour ' }, 'bonjour'],
    ['empty text', { type: 'text', var: 's', prompt: fr }, { text: '   ' }, undefined],
    ['text too long', { type: 'text', var: 's', prompt: fr, maxLength: 3 }, { text: 'abcd' }, undefined],
    ['an optional postal code skipped', { type: 'postalCode', var: 'p', prompt: fr, optional: true }, { text: 'passer' }, null],
    ['a required postal code cannot be skipped', { type: 'postalCode', var: 'p', prompt: fr }, { text: 'passer' }, undefined],
  ];
  it.each(cases)('%s', (_label, ask, input, expected) => {
    expect(understand(ask, input, ['fr', 'en'])).toEqual(expected);
  });
});

describe('expressions', () => {
  const vars = { a: 3, b: 'x', yes: true, result: { fin: 'FIN5', nested: { n: 1 } } };
  it.each([
    [{ var: 'a' }, 3],
    [{ var: 'result.fin' }, 'FIN5'],
    [{ var: 'result.nested.n' }, 1],
    [{ var: 'missing.deep' }, null],
    [{ defined: 'result.fin' }, true],
    [{ defined: 'nothing' }, false],
    [{ eq: [{ var: 'b' }, 'x'] }, true],
    [{ ne: [{ var: 'b' }, 'x'] }, false],
    [{ lt: [{ var: 'a' }, 5] }, true],
    [{ gte: [{ var: 'a' }, 3] }, true],
    [{ gt: ['10', 9] }, false],
    [{ and: [{ var: 'yes' }, { lte: [{ var: 'a' }, 3] }] }, true],
    [{ or: [false, { not: { var: 'yes' } }] }, false],
    [{ in: [{ var: 'result.fin' }, ['FIN1', 'FIN5']] }, true],
  ] as const)('%j → %j', (expression, expected) => {
    expect(evaluate(expression as never, vars)).toEqual(expected);
  });
});

/** A small flow using every instruction: say, ask (re-asked), set, guarded goto, another flow, call, end. */
const SMALL = FlowDocument.parse({
  id: 'small',
  version: '1',
  title: { fr: 'Petit', en: 'Small' },
  languages: ['fr', 'en'],
  start: 'hello',
  steps: {
    hello: [
      { say: { text: { fr: 'Bonjour', en: 'Hello' }, quickReplies: [{ id: 'go', label: { fr: 'Allons-y', en: 'Go' } }] } },
      {
        ask: {
          type: 'number',
          var: 'n',
          prompt: { fr: 'Combien ?', en: 'How many?' },
          min: 0,
          max: 10,
          invalid: { fr: 'Entre 0 et 10.', en: 'From 0 to 10.' },
        },
      },
      { set: { var: 'big', value: { gte: [{ var: 'n' }, 5] } } },
      { if: { var: 'big' }, goto: 'big' },
      { say: { card: { title: { fr: 'Petit', en: 'Small' }, links: [{ url: 'https://example.org', label: { fr: 'Lien', en: 'Link' } }] } } },
      { end: true },
    ],
    big: [{ goto: { flow: 'other' } }],
  },
});
const OTHER = FlowDocument.parse({
  id: 'other',
  version: '2',
  title: { fr: 'Autre', en: 'Other' },
  languages: ['fr', 'en'],
  start: 'start',
  steps: { start: [{ say: { text: { fr: 'Beaucoup !', en: 'Many!' } } }] },
});
const LOOP = FlowDocument.parse({
  id: 'loop',
  version: '1',
  title: { fr: 'Boucle', en: 'Loop' },
  languages: ['fr', 'en'],
  start: 'a',
  steps: { a: [{ goto: 'b' }], b: [{ goto: 'a' }] },
});
const REGISTRY: FlowRegistry = { small: SMALL, other: OTHER, loop: LOOP };

const texts = (messages: FlowMessage[]) =>
  messages.map((message) => (message.type === 'text' ? message.text : message.type === 'card' ? `[card] ${message.title}` : `[answer] ${message.id}`));

describe('the interpreter', () => {
  it('says, asks, re-asks an invalid answer with its explanation, sets, branches and ends, forgetting the answers', () => {
    const started = startFlow(REGISTRY, 'small', { lang: 'en', now: NOW }, FLOW_BUILTINS);
    expect(texts(started.messages)).toEqual(['Hello', 'How many?']);
    expect(started.messages[0]).toMatchObject({ quickReplies: [{ id: 'go', label: 'Go' }] });
    expect(started.state).toMatchObject({ step: 'hello', pc: 1, waiting: true, ended: false, lang: 'en' });
    const wrong = advanceFlow(REGISTRY, started.state, { text: '42', now: NOW }, FLOW_BUILTINS);
    expect(texts(wrong.messages)).toEqual(['From 0 to 10.', 'How many?']);
    expect(wrong.state).toMatchObject({ pc: 1, waiting: true, retries: 1 });
    const small = advanceFlow(REGISTRY, wrong.state, { text: '3', now: NOW }, FLOW_BUILTINS);
    expect(texts(small.messages)).toEqual(['[card] Small']);
    expect(small.messages[0]).toEqual({ type: 'card', title: 'Small', links: [{ url: 'https://example.org', label: 'Link' }] });
    expect(small.state).toMatchObject({ ended: true, vars: {} });
    // The state given in is not changed: a turn is a pure function.
    expect(wrong.state.vars).toEqual({});
    expect(started.state.waiting).toBe(true);
  });

  it('goes to another flow, speaks the default language when asked for an unknown one, and ends off the end of a step', () => {
    const started = startFlow(REGISTRY, 'small', { lang: 'de', now: NOW }, FLOW_BUILTINS);
    expect(started.state.lang).toBe('fr');
    const big = advanceFlow(REGISTRY, started.state, { text: '7', now: NOW }, FLOW_BUILTINS);
    expect(texts(big.messages)).toEqual(['Beaucoup !']);
    expect(big.state).toMatchObject({ flow: 'other', version: '2', ended: true });
    // Nothing more is said once ended.
    expect(advanceFlow(REGISTRY, big.state, { text: 'encore', now: NOW }, FLOW_BUILTINS).messages).toEqual([]);
  });

  it('stops a flow that loops on itself instead of holding the process', () => {
    const turn = startFlow(REGISTRY, 'loop', { lang: 'en', now: NOW }, FLOW_BUILTINS);
    expect(turn.state.ended).toBe(true);
    expect(texts(turn.messages)).toEqual(['This conversation stops here: the flow goes round in circles.']);
  });

  it('ends a conversation whose step no longer exists (a new version of its flow) with a sentence, not an error', () => {
    const started = startFlow(REGISTRY, 'small', { lang: 'fr', now: NOW }, FLOW_BUILTINS);
    const stale: FlowState = { ...started.state, step: 'removed' };
    const turn = advanceFlow(REGISTRY, stale, { text: '1', now: NOW }, FLOW_BUILTINS);
    expect(turn.state.ended).toBe(true);
    expect(texts(turn.messages)[0]).toMatch(/changé de version/);
  });
});

describe('flow validation beyond the schema', () => {
  it('names unknown steps, flows and variables, missing languages and duplicate choices, each with its path', () => {
    const flow = FlowDocument.parse({
      id: 'broken',
      version: '1',
      title: { fr: 'Cassé' },
      languages: ['fr', 'en'],
      start: 'nowhere',
      steps: {
        a: [
          { say: { text: { fr: 'x', en: 'y', de: 'z' } } },
          { goto: 'b' },
          { goto: { flow: 'ghost' } },
          { say: { text: { var: 'unset' } } },
          { ask: { type: 'choice', var: 'c', prompt: { fr: '?', en: '?' }, choices: [1, 1].map((value) => ({ value, label: { fr: 'a', en: 'a' } })) } },
        ],
      },
    });
    expect(flowProblems(flow).map((problem) => [problem.path, problem.rule])).toEqual([
      ['start', 'unknown_step'],
      ['title.en', 'language'],
      ['steps.a[0].say.text.de', 'language'],
      ['steps.a[1].goto', 'unknown_step'],
      ['steps.a[2].goto.flow', 'unknown_flow'],
      ['steps.a[3].say.text.var', 'unknown_variable'],
      ['steps.a[4].ask.choices[1].value', 'duplicate'],
    ]);
  });
});

// ——— The shipped orientation flow ———

const ORIENTATION = FlowDocument.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../data/flows/orientation.json'), 'utf8')));
const FLOWS: FlowRegistry = { orientation: ORIENTATION };

/** Takes the orientation questionnaire answering each question in turn; returns every message and what was saved. */
function converse(answers: string[], lang = 'fr') {
  let turn = startFlow(FLOWS, 'orientation', { lang, now: NOW }, FLOW_BUILTINS);
  const transcript = [...texts(turn.messages)];
  const effects: Array<{ data: Record<string, string> }> = turn.effects.filter((effect) => effect.type === 'orientationRecord');
  for (const [index, answer] of answers.entries()) {
    expect(turn.state.ended, `ended before answer ${index} (${answer})`).toBe(false);
    turn = advanceFlow(FLOWS, turn.state, { text: answer, now: NOW + 95_000 }, FLOW_BUILTINS);
    transcript.push(...texts(turn.messages));
    effects.push(...turn.effects.filter((effect) => effect.type === 'orientationRecord'));
  }
  return { transcript, effects, state: turn.state };
}

/** S1…S8 (S6b after a yes to S6), P1, P2 (weight, height), P3…P11, X1. */
function answers(changes: Partial<Record<string, string>> = {}): string[] {
  const base: Record<string, string> = {
    temperature: '37',
    cough: 'non',
    anosmia: 'non',
    aches: 'non',
    diarrhea: 'non',
    tiredness: 'non',
    feeding: 'non',
    breath: 'non',
    age: '40',
    weight: '70 kg',
    height: '1m75',
    heart: 'non',
    diabetes: 'non',
    cancer: 'non',
    breathing: 'non',
    kidney: 'non',
    liver: 'non',
    pregnant: 'non',
    sickle: 'non',
    immuno: 'non',
    postal: '75011',
    ...changes,
  };
  const tiredness = parseYesNo(base.tiredness) ? [base.tiredness, changes.tirednessDetails ?? 'non'] : [base.tiredness];
  return [
    base.temperature,
    base.cough,
    base.anosmia,
    base.aches,
    base.diarrhea,
    ...tiredness,
    base.feeding,
    base.breath,
    base.age,
    base.weight,
    base.height,
    base.heart,
    base.diabetes,
    base.cancer,
    base.breathing,
    base.kidney,
    base.liver,
    base.pregnant,
    base.sickle,
    base.immuno,
    base.postal,
  ];
}

describe('the orientation flow (2020-06-09)', () => {
  it('is a valid flow: schema, steps, both languages, variables', () => {
    expect(flowProblems(ORIENTATION)).toEqual([]);
    expect(ORIENTATION.languages).toEqual(['fr', 'en']);
  });

  it('asks the official questions in the official order and wording, then gives the official message and afterword', () => {
    const { transcript, effects, state } = converse(answers());
    expect(transcript).toEqual([
      expect.stringMatching(/^Ce questionnaire suit l’algorithme d’orientation Covid-19 officiel/),
      'Quelle a été votre température la plus élevée ces dernières 48 heures ?',
      'Avez-vous une toux ou votre toux habituelle s’est-elle modifiée ces derniers jours ?',
      'Avez-vous noté une perte ou une forte diminution de votre goût ou de votre odorat ces derniers jours ?',
      'Avez-vous un mal de gorge ou des douleurs musculaires ou des courbatures inhabituelles ou des maux de tête inhabituels ces derniers jours ?',
      'Avez-vous de la diarrhée ces dernières 24 heures (au moins 3 selles molles) ?',
      'Avez-vous une fatigue inhabituelle ces derniers jours ?',
      "Êtes-vous dans l'impossibilité de vous alimenter ou de boire DEPUIS 24 HEURES OU PLUS ?",
      'Dans les dernières 24 heures, avez-vous noté un manque de souffle INHABITUEL lorsque vous parlez ou faites un petit effort ?',
      'Quel est votre âge ?',
      'Quel est votre poids ?',
      'Quelle est votre taille ?',
      expect.stringMatching(/^Avez-vous des antécédents de maladie cardiovasculaire : hypertension artérielle compliquée/),
      'Avez-vous un diabète mal équilibré ou avec des complications (yeux, reins) ?',
      'Avez-vous un cancer évolutif sous traitement (hors hormonothérapie) ?',
      expect.stringMatching(/^Avez-vous une maladie respiratoire chronique/),
      'Avez-vous une insuffisance rénale chronique avec besoin de faire de la dialyse ?',
      'Avez-vous une cirrhose ?',
      'Êtes-vous enceinte au 3ème trimestre de votre grossesse ?',
      expect.stringMatching(/^Avez-vous une drépanocytose homozygote/),
      expect.stringMatching(/^Avez-vous une immunodépression, par exemple : médicamenteuse/),
      expect.stringMatching(/^Quel est le code postal de votre lieu de résidence actuel \?/),
      ORIENTATION_MESSAGES.FIN8.fr,
      ORIENTATION_AFTERWORD.fr,
    ]);
    expect(state).toMatchObject({ ended: true, vars: {} });
    expect(effects).toHaveLength(1);
  });

  it('saves one minimised record, only at the end: age range, BMI, department, the day; never age, weight, height, postal code or time', () => {
    const { effects } = converse(answers({ age: '42 ans', weight: '70,5 kg', height: '1,70 m', postal: '75 011' }));
    const record = effects[0].data;
    expect(Object.keys(record)).toEqual([...SHARING_COLUMNS]);
    expect(record).toMatchObject({
      algo_version: '2020-06-09',
      form_version: '2020-06-09.1',
      date: '2026-12-05T00:00:00Z',
      duration: '95',
      postal_code: '75XXX',
      age_range: 'from_15_to_49',
      imc: '24.4',
      orientation: 'surveillance',
    });
    const text = JSON.stringify(record);
    for (const secret of ['42', '70.5', '170', '75011', '14:37']) expect(text).not.toContain(secret);
  });

  it('asks S6b only after a yes to S6, and gives the S4 headache advice after a yes to S4', () => {
    const { transcript } = converse(answers({ aches: 'oui', tiredness: 'oui', tirednessDetails: 'oui' }));
    const aches = transcript.indexOf(
      'Avez-vous un mal de gorge ou des douleurs musculaires ou des courbatures inhabituelles ou des maux de tête inhabituels ces derniers jours ?',
    );
    expect(transcript[aches + 1]).toMatch(/^Si vous avez des maux de tête qui ne disparaissent pas.*Appelez le 15\.$/);
    expect(transcript).toContain('Cette fatigue vous oblige-t-elle à vous reposer plus de la moitié de la journée ?');
    expect(converse(answers()).transcript).not.toContain('Cette fatigue vous oblige-t-elle à vous reposer plus de la moitié de la journée ?');
  });

  const outcomes: Array<[string, Partial<Record<string, string>>, Fin]> = [
    ['no symptom: FIN8', {}, 'FIN8'],
    ['cough alone, no risk factor: FIN6', { cough: 'oui' }, 'FIN6'],
    ['cough alone with a BMI of 30: FIN7', { cough: 'ouais', weight: '91,9 kg', height: '1m75' }, 'FIN7'],
    ['37.8–38.9 °C is not fever: cough alone stays FIN6', { temperature: '38,5', cough: 'yes' }, 'FIN6'],
    ['fever (39 °C) and cough, no risk factor: FIN6', { temperature: '39,2', cough: 'oui' }, 'FIN6'],
    [
      'fever and cough, heart disease "Je ne sais pas", bedridden: FIN4',
      { temperature: 'NSP', cough: 'oui', heart: 'je ne sais pas', tiredness: 'oui', tirednessDetails: 'oui' },
      'FIN4',
    ],
    ['fever and cough, pregnant: FIN7', { temperature: 'sup_39', cough: 'oui', pregnant: 'oui' }, 'FIN7'],
    ['fever alone, no risk factor: FIN3', { temperature: '34' }, 'FIN3'],
    ['diarrhoea at 50, no risk factor: FIN3', { diarrhea: 'oui', age: '50' }, 'FIN3'],
    ['diarrhoea at 49, no risk factor: FIN6', { diarrhea: 'oui', age: '49' }, 'FIN6'],
    ['breathless: FIN5 shown at once, FIN5 at the end', { breath: 'oui' }, 'FIN5'],
    ['not applicable pregnancy does not count', { cough: 'oui', pregnant: 'non applicable' }, 'FIN6'],
  ];
  it.each(outcomes)('%s', (_label, changes, expected) => {
    const { transcript, effects } = converse(answers(changes));
    expect(effects[0].data.orientation).toBe(
      {
        FIN1: 'less_15',
        FIN3: 'consultation_surveillance_1',
        FIN4: 'consultation_surveillance_2',
        FIN5: 'SAMU',
        FIN6: 'consultation_surveillance_3',
        FIN7: 'consultation_surveillance_4',
        FIN8: 'surveillance',
      }[expected],
    );
    expect(transcript.at(-2)).toBe(ORIENTATION_MESSAGES[expected].fr);
  });

  it('shows "Appelez le 15." as soon as a major gravity factor is answered (once), and lets the person finish', () => {
    const { transcript, effects } = converse(answers({ feeding: 'oui', breath: 'oui' }));
    const feeding = transcript.indexOf("Êtes-vous dans l'impossibilité de vous alimenter ou de boire DEPUIS 24 HEURES OU PLUS ?");
    expect(transcript[feeding + 1]).toBe('Appelez le 15.');
    expect(transcript.filter((text) => text === 'Appelez le 15.')).toHaveLength(2);
    expect(effects).toHaveLength(1);
  });

  it('ends under 15 with FIN1 as soon as the age is known, and saves no record (the questionnaire is not complete)', () => {
    const all = answers({ age: '14', breath: 'oui' });
    const { transcript, effects, state } = converse(all.slice(0, all.indexOf('14') + 1));
    expect(transcript.at(-1)).toBe(ORIENTATION_MESSAGES.FIN1.fr);
    expect(state.ended).toBe(true);
    expect(effects).toEqual([]);
  });

  it('re-asks with an explanation: a height of "grand", an age of "vieux", a postal code of "Paris"', () => {
    const all = answers();
    const heightAt = all.indexOf('1m75');
    const withSlips = [...all.slice(0, heightAt), 'grand', ...all.slice(heightAt, -1), 'Paris', 'passer'];
    const { transcript, effects } = converse(withSlips);
    expect(transcript).toContain('Donnez votre taille, par exemple 1m70, 1,70 m ou 170 cm (entre 80 et 250 cm).');
    expect(transcript).toContain('Donnez un code postal de 5 chiffres (par exemple 75001), ou écrivez « passer ».');
    // Skipped: no postal code in the record.
    expect(effects[0].data.postal_code).toBe('');
  });

  it('speaks English when asked, with the same outcome', () => {
    const { transcript, effects } = converse(answers({ cough: 'yes', temperature: "I don't know" }), 'en');
    expect(transcript[1]).toBe('What was your highest temperature in the last 48 hours?');
    expect(transcript.at(-2)).toBe(ORIENTATION_MESSAGES.FIN6.en);
    expect(transcript.at(-1)).toBe(ORIENTATION_AFTERWORD.en);
    expect(effects[0].data.orientation).toBe('consultation_surveillance_3');
  });
});
