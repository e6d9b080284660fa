// An alert exported as OASIS CAP 1.2, validated against the OASIS schema (data/cap/CAP-v1.2.xsd, see SOURCE.md there)
// with libxml2: real and exercise incidents, one <info> per language, hostile text escaped, no personal data.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let xsd: string;
const ORG = 'acme';

async function validate(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const result = await validateXML({ xml: [{ fileName: 'alert.xml', contents: xml }], schema: [{ fileName: 'CAP-v1.2.xsd', contents: xsd }] });
  return { valid: result.valid, errors: result.errors.map((error) => error.rawMessage) };
}

async function alertAndCap(incident: { title: string; severity: string; exercise?: boolean }, alert: Record<string, unknown>) {
  const declared = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/incidents`, payload: incident });
  expect(declared.statusCode, declared.body).toBe(201);
  const id = declared.json().id;
  const sent = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/incidents/${id}/alerts`, payload: alert });
  expect(sent.statusCode, sent.body).toBe(202);
  return t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${id}/alerts/${sent.json().id}/cap.xml` });
}

beforeAll(async () => {
  xsd = await readFile(join(import.meta.dirname, '..', '..', 'data', 'cap', 'CAP-v1.2.xsd'), 'utf8');
  t = await startTestApp({ alerts: { publicUrl: 'https://rempart.acme.example' } });
  expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: smallModel() })).statusCode).toBe(200);
  for (const person of [
    { id: 'P1', name: 'Claire Morel', email: 'claire@acme.example', language: 'fr', site: 'paris', activities: ['claims'] },
    { id: 'P2', name: 'John Smith', email: 'john@acme.example', language: 'en', site: 'lyon', activities: ['payments'] },
  ])
    expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: person })).statusCode).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

describe('CAP 1.2 export', () => {
  it('is valid against the OASIS schema, with one block per language and no personal data', async () => {
    const response = await alertAndCap(
      { title: 'Flood in Paris', severity: 'critical' },
      {
        audience: { sites: ['paris', 'lyon'] },
        channels: ['email'],
        message: { subject: 'Flood', text: 'Stay home.', fr: { subject: 'Inondation', text: 'Restez chez vous.' } },
      },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('application/cap+xml');
    const xml = response.body;
    expect(await validate(xml)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<status>Actual</status>');
    expect(xml).toContain('<severity>Extreme</severity>');
    expect(xml).toContain('<language>fr-FR</language>');
    expect(xml).toContain('<headline>Inondation</headline>');
    expect(xml).toContain('<language>en-US</language>');
    expect(xml).toContain('<areaDesc>Paris, Lyon</areaDesc>');
    expect(xml).toMatch(/<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00<\/sent>/);
    for (const personal of ['Claire', 'claire@', 'rmpl_']) expect(xml).not.toContain(personal);
  });

  it('marks exercises, escapes hostile text, and stays valid', async () => {
    const response = await alertAndCap(
      { title: 'Drill <script>&"quoted"', severity: 'minor', exercise: true },
      { audience: { everyone: true }, channels: ['email'], message: { text: 'a < b & c > d ]]> é' } },
    );
    expect(await validate(response.body)).toEqual({ valid: true, errors: [] });
    expect(response.body).toContain('<status>Exercise</status>');
    expect(response.body).toContain('Drill &lt;script&gt;&amp;&quot;quoted&quot;');
    expect(response.body).not.toContain('<script>');
  });

  it('is refused to those who may not read alerts, and 404 for an unknown alert', async () => {
    const employee = await t.createUser('employee@acme.example', { org: ORG, role: 'employee' });
    const list = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents?limit=1` });
    const incident = list.json().items[0].id;
    const url = `/api/orgs/${ORG}/incidents/${incident}/alerts/00000000-0000-4000-8000-000000000000/cap.xml`;
    expect((await t.request({ method: 'GET', url })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url, as: employee.session })).statusCode).toBe(403);
  });

  it('checks with a validator that refuses what the schema refuses (the check can fail)', async () => {
    const bad = '<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>';
    expect((await validate(bad)).valid).toBe(false);
  });
});
