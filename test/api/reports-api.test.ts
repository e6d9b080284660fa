// Reports as jobs over HTTP on a real database: each kind (BIA, risk register, exercise, committee pack) generated
// in PDF and XLSX, in English and French, the PDF's text read back with pdfjs and the workbook with exceljs, checked
// against the demo's own figures as the API gives them; hostile requests, roles, and another organisation's reports.
import ExcelJS from 'exceljs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, smallModel, type Credentials, type TestApp, type TestUser } from '../support/app.js';
import { until } from '../support/until.js';

let t: TestApp;
let manager: TestUser;
let auditor: TestUser;
let employee: TestUser;
let outsider: TestUser;
const URL = '/api/orgs/demo/reports';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function pdfText(bytes: Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  // Spaces of any width read as one, so that "3 j" is found whatever space the locale put.
  return pages.join('\n').replace(/[\u00a0\u202f\s]+/g, ' ');
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** The rows of a sheet as arrays of values (first column first), header included. */
function rowsOf(workbook: ExcelJS.Workbook, sheet: string): unknown[][] {
  const worksheet = workbook.getWorksheet(sheet);
  expect(worksheet, `sheet ${sheet} in ${workbook.worksheets.map((item) => item.name).join(', ')}`).toBeDefined();
  const rows: unknown[][] = [];
  worksheet!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/** Requests a report, waits for the job to finish it, and downloads its file. */
async function generate(body: Record<string, unknown>, as: Credentials = manager.session) {
  const accepted = await t.request({ method: 'POST', url: URL, payload: body, as });
  expect(accepted.statusCode, accepted.body).toBe(202);
  const { id } = accepted.json();
  expect(accepted.headers.location).toBe(`${URL}/${id}`);
  const view = await until(
    `report ${id}`,
    async () => (await t.request({ method: 'GET', url: `${URL}/${id}`, as })).json(),
    (value) => value.status === 'done' || value.status === 'failed',
    90_000,
  );
  expect(view.error).toBeNull();
  expect(view.status).toBe('done');
  const file = await t.request({ method: 'GET', url: view.download, as });
  expect(file.statusCode).toBe(200);
  expect(file.headers['content-type']).toBe(body.format === 'pdf' ? 'application/pdf' : XLSX_TYPE);
  expect(file.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="[^"]+\\.${body.format}"`));
  expect(Number(file.headers['content-length'])).toBe(view.size);
  return { view, bytes: file.rawPayload };
}

beforeAll(async () => {
  t = await startTestApp({ jobs: { workers: 1, pollMs: 50 } });
  await loadDemo(t.database.db, 'demo');
  await t.join('demo');
  manager = await t.createUser('manager@reports.example', { org: 'demo', role: 'continuityManager', displayName: 'Manon Manager' });
  auditor = await t.createUser('auditor@reports.example', { org: 'demo', role: 'auditor' });
  employee = await t.createUser('employee@reports.example', { org: 'demo', role: 'employee' });
  expect((await t.request({ method: 'PUT', url: '/api/orgs/other/model', payload: smallModel() })).statusCode).toBe(200);
  outsider = await t.createUser('outsider@reports.example', { org: 'other', role: 'continuityManager' });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('reports', () => {
  it('BIA report: every activity with its MTPD in the reader’s format, findings, charts in the PDF, typed cells in the XLSX', async () => {
    const pdf = await generate({ kind: 'bia', format: 'pdf', lang: 'fr' });
    expect(pdf.view).toMatchObject({
      kind: 'bia',
      format: 'pdf',
      lang: 'fr',
      title: 'Bilan d’impact sur l’activité (BIA)',
      createdBy: 'manager@reports.example',
    });
    const text = await pdfText(pdf.bytes);
    expect(text).toContain('Héliade Assurances');
    // Emergency assistance: MTPD 4 h, RTO 2 h; payroll: one week ("1 sem."), as the web app writes durations.
    expect(text).toMatch(/Assistance d'urgence 24 h\/24 .*4 h 2 h/);
    expect(text).toMatch(/Paie .*1 sem\. 72 h|Paie .*1 sem\. 3 j/);
    // The charts are drawn as text too: their titles and axis labels are in the PDF.
    expect(text).toContain('DMIA et RTO par activité (heures)');

    const xlsx = await generate({ kind: 'bia', format: 'xlsx', lang: 'en' });
    const workbook = await workbookOf(xlsx.bytes);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Activities', 'Impacts over time', 'Findings']);
    const activities = rowsOf(workbook, 'Activities');
    expect(activities[0]).toEqual(['Activity', 'Owner', 'MTPD', 'RTO', 'RPO', 'MBCO', 'Suggested MTPD', 'Cost of an hour of downtime', 'Impact assessment']);
    const hotline = activities.find((row) => row[0] === 'Claims first notice of loss (claims hotline)')!;
    expect(hotline.slice(2, 4)).toEqual([24, 4]);
    // Its cost of downtime, a number of euros typed as such.
    expect(hotline[7]).toBe(12000);
    expect(workbook.getWorksheet('Activities')!.getCell('H2').numFmt).toBe('"€"#,##0');
    expect(workbook.getWorksheet('Activities')!.getCell('C2').numFmt).toBe('#,##0.# "h"');
    expect(workbook.getWorksheet('Activities')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(String(rowsOf(workbook, 'Summary')[3][0])).toMatch(/Charts are in the PDF/);
  }, 120_000);

  it('risk register: each risk’s residual band as the register rates it, and the heat map', async () => {
    const register = (await t.request({ method: 'GET', url: '/api/orgs/demo/risks?limit=500' })).json();
    const matrix = (await t.request({ method: 'GET', url: '/api/orgs/demo/risk-matrix' })).json();
    const top = [...register.items].sort((a: any, b: any) => b.computed.residual.score - a.computed.residual.score)[0];
    const band = matrix.bands.find((item: any) => item.id === top.computed.residual.band);

    const pdf = await pdfText((await generate({ kind: 'riskRegister', format: 'pdf', lang: 'en' })).bytes);
    expect(pdf).toContain('Heat map of residual ratings');
    expect(pdf).toContain(top.names?.en ?? top.title);
    expect(pdf).toContain(band.names?.en ?? band.label);

    const workbook = await workbookOf((await generate({ kind: 'riskRegister', format: 'xlsx', lang: 'fr' })).bytes);
    const rows = rowsOf(workbook, 'Registre');
    expect(rows[0].slice(0, 6)).toEqual(['Risque', 'Famille', 'Responsable', 'Score brut', 'Score résiduel', 'Classe résiduelle']);
    expect(rows).toHaveLength(register.total + 1);
    const line = rows.find((row) => row[0] === (top.names?.fr ?? top.title))!;
    expect(line[4]).toBe(top.computed.residual.score);
    expect(line[5]).toBe(band.names?.fr ?? band.label);
    const heat = rowsOf(workbook, 'Carte des risques');
    expect(heat.slice(1).reduce((sum, row) => sum + Number(row[4]), 0)).toBe(register.total);
  }, 120_000);

  it('exercise report: objectives, participants, measured recovery against the RTO, lessons and their actions', async () => {
    const planned = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/exercises',
      payload: {
        title: 'Hotline lost for a day',
        kind: 'tabletop',
        scheduledAt: '2026-03-10T09:00:00Z',
        activities: ['claims-fnol'],
        participants: [{ name: 'Claire Morel', role: 'Player' }],
        objectives: [{ id: 'call-tree', text: 'Reach every team lead within 30 minutes' }],
      },
    });
    expect(planned.statusCode, planned.body).toBe(201);
    const id = planned.json().id;
    expect((await t.request({ method: 'POST', url: `/api/orgs/demo/exercises/${id}/start` })).statusCode).toBe(200);
    const completed = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/exercises/${id}/complete`,
      payload: {
        summary: 'The hotline came back late',
        objectives: [{ id: 'call-tree', met: true }],
        recovery: [{ activity: 'claims-fnol', disruptedAt: '2026-03-10T09:00:00Z', recoveredAt: '2026-03-10T15:30:00Z' }],
        lessons: [{ text: 'The overflow line is not documented', action: { title: 'Document the overflow line', owner: 'Claire Morel', due: '2026-04-30' } }],
      },
    });
    expect(completed.statusCode, completed.body).toBe(200);

    const pdf = await pdfText((await generate({ kind: 'exercise', exercise: id, format: 'pdf', lang: 'en' }, auditor.session)).bytes);
    expect(pdf).toContain('Hotline lost for a day');
    expect(pdf).toContain('Reach every team lead within 30 minutes');
    expect(pdf).toContain('Claire Morel');
    // 6.5 h measured against an RTO of 4 h: not met.
    expect(pdf).toMatch(/Claims first notice of loss \(claims hotline\) 4 h 6\.5 h no observers/);
    expect(pdf).toContain('Document the overflow line');

    const workbook = await workbookOf((await generate({ kind: 'exercise', exercise: id, format: 'xlsx', lang: 'fr' })).bytes);
    const recovery = rowsOf(workbook, 'Reprise mesurée face au RTO');
    expect(recovery[1]).toEqual(['Claims first notice of loss (claims hotline)', 4, 6.5, 'non', 'observateurs']);
    expect(rowsOf(workbook, 'Actions correctives')[1].slice(0, 2)).toEqual(['Document the overflow line', 'Claire Morel']);
  }, 120_000);

  it('committee pack of the pandemic lockdown: the activities it breaks, breach probabilities and the recommended strategies in euros', async () => {
    const simulated = await t.request({ method: 'POST', url: '/api/orgs/demo/scenarios/pandemic-lockdown/simulate' });
    expect(simulated.statusCode, simulated.body).toBe(201);
    const breached = simulated
      .json()
      .result.activities.filter((line: any) => line.mtpdBreached)
      .map((line: any) => line.id);
    expect(breached).toContain('customer-service');

    const pdf = await generate({ kind: 'committee', format: 'pdf', lang: 'en', runs: 300 });
    expect(pdf.view.params).toEqual({ scenario: 'pandemic-lockdown', runs: 300 });
    const text = await pdfText(pdf.bytes);
    expect(text).toContain('Committee pack');
    expect(text).toContain('Customer service (contact centre)');
    expect(text).toContain('Probability of breaching the MTPD');
    expect(text).toMatch(/Expected yearly cost €[\d,]+/);

    const workbook = await workbookOf((await generate({ kind: 'committee', format: 'xlsx', lang: 'fr', runs: 300 })).bytes);
    const simulation = rowsOf(workbook, 'Simulation');
    const service = simulation.find((row) => row[0] === 'Service client (centre de contacts)')!;
    expect(service[1]).toBe(72);
    expect(service[4]).toBe('oui');
    const monteCarlo = rowsOf(workbook, 'Monte Carlo');
    const probability = monteCarlo.find((row) => row[0] === 'Service client (centre de contacts)')![2] as number;
    expect(probability).toBeGreaterThan(0);
    expect(probability).toBeLessThanOrEqual(1);
    expect(workbook.getWorksheet('Stratégies recommandées')!.getCell('C2').numFmt).toBe('#,##0 "€"');
  }, 180_000);

  it('management-review pack: the agenda with its figures and minutes, attendees, decisions and the programme’s health', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/management-reviews',
      payload: { title: 'Review 2026', heldOn: '2026-06-30', attendees: [{ name: 'Dana Director', role: 'Chief executive' }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const review = created.json();
    const minuted = await t.request({
      method: 'PATCH',
      url: `/api/orgs/demo/management-reviews/${review.id}`,
      payload: { minutes: { risks: 'The board accepts the pandemic risk for one more year' } },
    });
    expect(minuted.statusCode, minuted.body).toBe(200);
    const decided = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/management-reviews/${review.id}/decisions`,
      payload: { title: 'Fund cloud desktops for the contact centre', owner: 'Dana Director', due: '2026-12-31', agendaItem: 'risks' },
    });
    expect(decided.statusCode, decided.body).toBe(201);
    const activities = review.agenda.find((item: { key: string }) => item.key === 'bia').facts.activities;

    const pdf = await pdfText((await generate({ kind: 'managementReview', review: review.id, format: 'pdf', lang: 'en' }, auditor.session)).bytes);
    expect(pdf).toContain('Management review pack');
    expect(pdf).toContain('Review 2026');
    expect(pdf).toContain('Dana Director Chief executive');
    expect(pdf).toContain('Risks above appetite');
    expect(pdf).toContain('Minutes: The board accepts the pandemic risk for one more year');
    expect(pdf).toContain('Fund cloud desktops for the contact centre');
    expect(pdf).toContain(`Activities ${activities}`);

    const workbook = await workbookOf((await generate({ kind: 'managementReview', review: review.id, format: 'xlsx', lang: 'fr' })).bytes);
    expect(rowsOf(workbook, 'Décisions')[1].slice(0, 2)).toEqual(['Fund cloud desktops for the contact centre', 'Dana Director']);
    expect(rowsOf(workbook, 'Santé du programme')[0]).toEqual(['Domaine', 'Chiffres', 'Conforme']);
    expect(
      (await t.request({ method: 'POST', url: URL, payload: { kind: 'managementReview', format: 'pdf', lang: 'en', review: crypto.randomUUID() } })).json()
        .error.details[0],
    ).toMatchObject({ path: 'review', rule: 'exists' });
  }, 120_000);

  it('lists the organisation’s reports newest first, a page at a time', async () => {
    const first = (await t.request({ method: 'GET', url: `${URL}?limit=3` })).json();
    expect(first.total).toBeGreaterThanOrEqual(10);
    expect(first.items).toHaveLength(3);
    expect(first.abilities).toEqual({ create: true });
    const second = (await t.request({ method: 'GET', url: `${URL}?limit=3&cursor=${first.nextCursor}` })).json();
    expect(second.items[0].id).not.toBe(first.items[2].id);
    expect(Date.parse(second.items[0].createdAt)).toBeLessThanOrEqual(Date.parse(first.items[2].createdAt));
  });

  it('refuses hostile, malformed and oversized requests with the field, rule and value', async () => {
    const refused = async (payload: unknown) => {
      const response = await t.request({ method: 'POST', url: URL, payload: payload as object });
      expect(response.statusCode, response.body).toBe(400);
      return response.json().error;
    };
    expect((await refused({ kind: 'everything', format: 'pdf', lang: 'en' })).details[0].path).toContain('kind');
    expect((await refused({ kind: 'bia', format: 'docx', lang: 'en' })).details[0]).toMatchObject({ path: 'body.format', value: 'docx' });
    expect((await refused({ kind: 'bia', format: 'pdf', lang: 'de' })).details[0]).toMatchObject({ path: 'body.lang', value: 'de' });
    expect(JSON.stringify((await refused({ kind: 'bia', format: 'pdf', lang: 'en', script: '<script>' })).details[0])).toContain('script');
    expect((await refused({ kind: 'exercise', format: 'pdf', lang: 'en', exercise: "1' or '1'='1" })).details[0]).toMatchObject({ path: 'body.exercise' });
    expect((await refused({ kind: 'committee', format: 'pdf', lang: 'en', scenario: '../../etc/passwd' })).details[0]).toMatchObject({ path: 'body.scenario' });
    expect((await refused({ kind: 'committee', format: 'pdf', lang: 'en', scenario: 'x'.repeat(10_000) })).details[0]).toMatchObject({ path: 'body.scenario' });
    expect((await refused({ kind: 'committee', format: 'pdf', lang: 'en', runs: 1e9 })).details[0]).toMatchObject({ path: 'body.runs', value: 1e9 });
    expect((await refused({ kind: 'exercise', format: 'pdf', lang: 'en', exercise: crypto.randomUUID() })).details[0]).toMatchObject({
      path: 'exercise',
      rule: 'exists',
    });
    expect((await refused({ kind: 'committee', format: 'pdf', lang: 'en', scenario: 'no-such-scenario' })).details[0]).toMatchObject({
      path: 'scenario',
      rule: 'exists',
    });
    const malformed = await t.request({ method: 'POST', url: URL, payload: '{"kind": "bia",', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: `${URL}/not-a-uuid` })).json().error.details[0]).toMatchObject({ path: 'params.id', value: 'not-a-uuid' });
    expect((await t.request({ method: 'GET', url: `${URL}?cursor=bm9wZQ` })).json().error.details[0]).toMatchObject({ path: 'query.cursor', rule: 'cursor' });
    expect((await t.request({ method: 'GET', url: `${URL}?limit=100000` })).statusCode).toBe(400);
  });

  it('keeps reports to their organisation and to those who read their records', async () => {
    const mine = (await t.request({ method: 'GET', url: `${URL}?limit=1` })).json().items[0];
    // Another organisation's manager: not a member here, and the id means nothing in their organisation.
    expect((await t.request({ method: 'GET', url: `${URL}/${mine.id}`, as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/orgs/other/reports/${mine.id}`, as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/orgs/other/reports/${mine.id}/file`, as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/other/reports', as: outsider.session })).json().total).toBe(0);
    // Employees read no programme records: no reports either.
    expect((await t.request({ method: 'POST', url: URL, payload: { kind: 'bia', format: 'pdf', lang: 'en' }, as: employee.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `${URL}/${mine.id}`, as: employee.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: URL, as: null })).statusCode).toBe(401);
    // Auditors generate and download reports, and change nothing else.
    const auditors = (await t.request({ method: 'GET', url: URL, as: auditor.session })).json();
    expect(auditors.abilities).toEqual({ create: true });
    expect((await t.request({ method: 'GET', url: `${URL}/${mine.id}/file`, as: auditor.session })).statusCode).toBe(200);
  });

  it('says so when a report’s file was deleted', async () => {
    const { view } = await generate({ kind: 'bia', format: 'xlsx', lang: 'en' });
    const fileId = (await t.request({ method: 'GET', url: '/api/orgs/demo/files?purpose=report&limit=1' })).json().items[0].id;
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/demo/files/${fileId}` })).statusCode).toBe(204);
    const after = (await t.request({ method: 'GET', url: `${URL}/${view.id}` })).json();
    expect(after).toMatchObject({ status: 'done', download: null, size: null });
    const gone = await t.request({ method: 'GET', url: view.download });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.details[0]).toMatchObject({ rule: 'has_file' });
  }, 60_000);
});
