// One message per rule, the same over the API as in the CLI and the web app (issue 17, items 11 and 13): shares, e-mail
// addresses, limits with their bound, a wrong second-factor code, a token's role; nothing clamped silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_MESSAGES } from '../../src/model/problem.js';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const imported = await t.request({ method: 'PUT', url: '/api/orgs/wording/model', payload: smallModel() });
  expect(imported.statusCode, imported.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

describe('API tokens', () => {
  it('refuses a lifetime above the limit with the field, the rule and the limit, and creates nothing', async () => {
    const before = (await t.request({ method: 'GET', url: '/api/orgs/wording/tokens' })).json().items.length;
    const refused = await t.request({ method: 'POST', url: '/api/orgs/wording/tokens', payload: { name: 'long', role: 'auditor', expiresInDays: 400 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'invalid_input',
      details: [{ path: 'body.expiresInDays', rule: 'too_big', value: 400, limit: 366, message: 'must be at most 366' }],
    });
    expect((await t.request({ method: 'GET', url: '/api/orgs/wording/tokens' })).json().items).toHaveLength(before);
  });

  it('names the token’s role when it refuses, not "your role (auditor and owner)"', async () => {
    const token = (await t.request({ method: 'POST', url: '/api/orgs/wording/tokens', payload: { name: 'reader', role: 'auditor', expiresInDays: 1 } })).json()
      .token;
    const refused = await t.request({ method: 'POST', url: '/api/orgs/wording/sites', payload: { id: 'nope', name: 'Nope' }, as: { bearer: token } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe("This API token's role (auditor) does not allow create on sites.");
    expect(refused.json().error.message).not.toContain(' and ');

    // When the creator was demoted since, the creator's role is the one that refuses, and is named.
    const manager = await t.createUser('token-creator@example.com', { org: 'wording', role: 'administrator' });
    const writer = (
      await t.request({ method: 'POST', url: '/api/orgs/wording/tokens', payload: { name: 'writer', role: 'continuityManager' }, as: manager.session })
    ).json().token;
    await t.request({ method: 'PUT', url: `/api/orgs/wording/members/${manager.id}`, payload: { role: 'auditor' } });
    const demoted = await t.request({ method: 'POST', url: '/api/orgs/wording/sites', payload: { id: 'nope', name: 'Nope' }, as: { bearer: writer } });
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().error.message).toBe("The role of this API token's creator (auditor) does not allow create on sites.");
  });
});

describe('the message of each rule', () => {
  it('says "between 0 % and 100 %" for a share, with its own rule', async () => {
    const activity = (await t.request({ method: 'GET', url: '/api/orgs/wording/activities/claims' })).json();
    const { computed: _computed, abilities: _abilities, ...body } = activity;
    const refused = await t.request({ method: 'PUT', url: '/api/orgs/wording/activities/claims', payload: { ...body, mbco: 1.5 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([{ path: 'body.mbco', rule: 'share', value: 1.5, message: RULE_MESSAGES.share }]);
    expect(RULE_MESSAGES.share).toBe('must be between 0 % and 100 %');

    const sheet = await t.request({
      method: 'POST',
      url: '/api/orgs/wording/activities.sheet',
      payload: 'id,name,mtpd,rto,mbco\nhalf,Half,1d,4h,150%\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(sheet.json().error.details).toEqual([expect.objectContaining({ row: 2, column: 'mbco', rule: 'share', message: RULE_MESSAGES.share })]);
  });

  it('gives an address that is not one the e-mail rule, not the id rule', async () => {
    const refused = await t.request({ method: 'POST', url: '/api/orgs/wording/members', payload: { email: 'not-an-email', role: 'auditor' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([{ path: 'body.email', rule: 'email', value: 'not-an-email', message: RULE_MESSAGES.email }]);
  });

  it('says a wrong second-factor code is a wrong code, not a wrong password', async () => {
    const person = await t.createUser('mfa-wording@example.com', { org: 'wording', role: 'auditor' });
    expect((await t.request({ method: 'POST', url: '/api/auth/mfa/enrol', as: person.session })).statusCode).toBe(200);
    const refused = await t.request({ method: 'POST', url: '/api/auth/mfa/confirm', payload: { code: '000000' }, as: person.session });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({ code: 'invalid_credentials', message: 'The code is wrong or no longer valid.', details: [{ rule: 'code' }] });
    expect(refused.json().error.message).not.toMatch(/password/);
  });
});
