// One message per rule: what the web app says in English for a refused value is what the API and the CLI say for it
// (model/problem.ts), and French says it too, never an internal code nor a generic "too large".
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Activity } from '@shared/model/organisation.js';
import { Email } from '@shared/model/account.js';
import { problemsFromZod, ruleSentence, RULE_MESSAGES, type Problem } from '@shared/model/problem.js';
import { errorSentence, problemMessage } from './problems.js';
import { translator } from './testing.js';

/** The problems the server reports for `input` refused by `schema`. */
function refused(schema: z.ZodType, input: unknown): Problem[] {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) throw new Error('expected a refusal');
  return problemsFromZod(result.error, input);
}

/** The server's message as a sentence: "must be at most 366" → "Must be at most 366." */
const sentence = (message: string) => `${message[0].toUpperCase()}${message.slice(1)}.`;

const activity = { id: 'a', name: 'A', mtpd: 24, rto: 4, mbco: 0.5 };

describe('the same message for a rule in the API, the CLI and the web app', () => {
  const cases: Array<[string, Problem]> = [
    ['a share of 150 %', refused(Activity, { ...activity, mbco: 1.5 })[0]],
    ['a negative share', refused(Activity, { ...activity, mbco: -0.1 })[0]],
    ['an address that is not one', refused(z.object({ email: Email }), { email: 'not-an-email' })[0]],
    ['a number above its limit', refused(z.object({ expiresInDays: z.number().int().min(1).max(366) }), { expiresInDays: 400 })[0]],
    ['a number below its limit', refused(z.object({ runs: z.number().int().min(1) }), { runs: 0 })[0]],
    ['a text above its length', refused(Activity, { ...activity, name: 'x'.repeat(201) })[0]],
  ];

  it.each(cases)('%s', async (_case, problem) => {
    const en = await translator('en');
    const fr = await translator('fr');
    expect(problemMessage(problem, en.t)).toBe(sentence(problem.message));
    const french = problemMessage(problem, fr.t);
    expect(french).not.toBe(problemMessage(problem, en.t));
    expect(french).not.toMatch(/Trop (grand|petit)/);
  });

  it('names the rules a user meets', () => {
    expect(cases.map(([, problem]) => problem.rule)).toEqual(['share', 'share', 'email', 'too_big', 'too_small', 'too_big']);
    expect(cases[0][1].message).toBe(RULE_MESSAGES.share);
    expect(cases[3][1]).toMatchObject({ message: 'must be at most 366', limit: 366 });
  });

  it('tells a wrong second-factor code from a wrong password', async () => {
    const { t } = await translator('en');
    const code = { code: 'invalid_credentials', message: ruleSentence('code'), details: [{ path: 'body.code', rule: 'code', value: null, message: 'x' }] };
    const password = {
      code: 'invalid_credentials',
      message: ruleSentence('credentials'),
      details: [{ path: 'body', rule: 'credentials', value: null, message: 'x' }],
    };
    expect(errorSentence(code, t)).toBe('The code is wrong or no longer valid.');
    expect(errorSentence(code, t)).toBe(code.message);
    expect(errorSentence(password, t)).toBe(password.message);
    expect(errorSentence(password, (await translator('fr')).t)).toBe('L’adresse e-mail ou le mot de passe est incorrect.');
  });
});
