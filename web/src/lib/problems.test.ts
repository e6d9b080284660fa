// API problems mapped to form fields, sentences and "still used by" lists.
import { describe, expect, it } from 'vitest';
import type { Problem } from './api.js';
import { displayValue, errorSentence, fieldErrorText, fieldKey, groupByField, problemMessage, problemsAt, unclaimedProblems, usages } from './problems.js';
import { translator } from './testing.js';

const p = (path: string, rule = 'too_small', value: unknown = '', message = 'server says'): Problem => ({ path, rule, value, message });

describe('fieldKey', () => {
  it.each([
    ['body.name', 'name'],
    ['body.staff[0].site', 'staff.0.site'],
    ['staff[0].site', 'staff.0.site'],
    ['applications[2]', 'applications.2'],
    ['body', ''],
    ['body[0]', '0'],
    ['impacts.financial[3]', 'impacts.financial.3'],
    ['bodyguard', 'bodyguard'],
  ])('%s → %s', (path, key) => {
    expect(fieldKey(path)).toBe(key);
  });
});

describe('problems at fields', () => {
  const map = groupByField([
    p('body.name'),
    p('body.applications[1]', 'unknown_reference', 'crm'),
    p('staff[0].site', 'unknown_reference', 'x'),
    p('body.extra', 'unrecognized_keys'),
  ]);

  it('finds a field’s own problems, and with nested its parts', () => {
    expect(problemsAt(map, 'name')).toHaveLength(1);
    expect(problemsAt(map, 'applications')).toHaveLength(0);
    expect(problemsAt(map, 'applications', true)).toHaveLength(1);
    expect(problemsAt(map, 'staff.0.site')).toHaveLength(1);
    expect(problemsAt(undefined, 'name')).toEqual([]);
  });

  it('lists what no field of the form shows', () => {
    expect(unclaimedProblems(map, ['name', 'applications', 'staff']).map((problem) => problem.path)).toEqual(['body.extra']);
  });

  it('words problems by rule in the interface language, else keeps the server message', async () => {
    const { t: en } = await translator('en');
    const { t: fr } = await translator('fr');
    expect(problemMessage(p('x', 'unknown_reference', 'crm'), fr)).toBe('« crm » n’existe pas dans cette organisation.');
    expect(problemMessage(p('x', 'unknown_reference', 'crm'), en)).toBe('“crm” does not exist in this organisation.');
    expect(problemMessage(p('x', 'some_new_rule', 1, 'as the server says'), fr)).toBe('as the server says');
    expect(fieldErrorText([p('a'), p('b')], en)).toBe('Required: this must not be empty.');
    expect(fieldErrorText([p('a', 'too_small', -1), p('b', 'too_small', -2)], en)).toBe('Too small or too short.');
    expect(fieldErrorText([], en)).toBeUndefined();
  });

  it('says what a refusal means from its code and count', async () => {
    const { t } = await translator('fr');
    expect(errorSentence({ code: 'invalid_input', message: 'x', details: [p('a'), p('b')] }, t)).toBe('2 valeurs ne sont pas acceptées.');
    expect(errorSentence({ code: 'in_use', message: 'x', details: [p('a')] }, t)).toBe('L’élément est encore utilisé à un endroit.');
    expect(errorSentence({ code: 'brand_new', message: 'As is' }, t)).toBe('As is');
    expect(errorSentence(new Error('boom'), t)).toBe('boom');
  });

  it('shows values as text', () => {
    expect(displayValue(null)).toBe('');
    expect(displayValue(3)).toBe('3');
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('usages', () => {
  it('groups an in_use refusal by referring item, naming the fields', () => {
    const details = [
      p('activities[3].staff[0].site', 'unknown_reference', 'lyon'),
      p('activities[3].staff[1].site', 'unknown_reference', 'lyon'),
      p('activities[5].applications[0]', 'unknown_reference', 'lyon'),
      p('strategies[1].effect.sites[0]', 'unknown_reference', 'lyon'),
      p('something.else', 'unknown_reference', 'lyon'),
    ];
    expect(usages(details)).toEqual([
      { collection: 'activities', index: 3, field: 'staff', fields: ['staff'] },
      { collection: 'activities', index: 5, field: 'applications', fields: ['applications'] },
      { collection: 'strategies', index: 1, field: 'effect', fields: ['effect'] },
    ]);
  });
});
