// Spreadsheets of results and the audit trail with names (issue 17, items 8, 9 and 12): Monte Carlo, recommendation,
// heat map and audit log as CSV (UTF-8 with a BOM, `;` and decimal commas in French, `,` in English, or the separator
// asked for) and XLSX; audit entries name their entity and the export words the codes in the reader's language.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ jobs: { workers: 1, pollMs: 50 } });
  await loadDemo(t.database.db);
  await t.join('demo');
});
afterAll(async () => {
  await t?.close();
});

async function finished(payload: object): Promise<string> {
  const queued = await t.request({ method: 'POST', url: '/api/orgs/demo/runs', payload });
  expect(queued.statusCode, queued.body).toBe(202);
  const id = queued.json().id as string;
  const started = Date.now();
  for (;;) {
    const run = (await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${id}` })).json();
    if (run.status === 'done') return id;
    if (run.status === 'failed' || Date.now() - started > 120_000) throw new Error(`run ${id} ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const BOM = '\uFEFF';
const lines = (body: string) => body.slice(1).trim().split('\r\n');

async function sheetRows(payload: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as never);
  const rows: unknown[][] = [];
  workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('result spreadsheets', () => {
  it('exports a Monte Carlo result per activity, in French with semicolons and decimal commas, in English with commas, and as XLSX', async () => {
    const run = await finished({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 200, seed: 5 });
    const fr = await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${run}/result.sheet?lang=fr` });
    expect(fr.statusCode, fr.body).toBe(200);
    expect(fr.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(fr.headers['content-disposition']).toMatch(/attachment; filename="demo-montecarlo-pandemic-lockdown\.csv"/);
    expect(fr.body.startsWith(BOM)).toBe(true);
    const [header, ...rows] = lines(fr.body);
    expect(header.split(';')).toEqual([
      'Identifiant',
      'Activité',
      'Probabilité de dépasser la DMIA',
      'Plus longue interruption, médiane (heures)',
      'Plus longue interruption, 90e centile (heures)',
      'Plus longue interruption, 99e centile (heures)',
      'DMIA (heures)',
      'Tirages',
    ]);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((row) => row.split(';').length === 8)).toBe(true);
    // Decimal commas (French): no number written with a point (report-table.test.ts checks the commas themselves).
    expect(fr.body).not.toMatch(/;\d+\.\d/);

    const en = await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${run}/result.sheet?lang=en` });
    expect(lines(en.body)[0].split(',')[2]).toBe('Probability of breaching the MTPD');
    const semicolons = await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${run}/result.sheet?lang=en&separator=semicolon` });
    expect(lines(semicolons.body)[0].split(';')[1]).toBe('Activity');

    const xlsx = await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${run}/result.sheet?format=xlsx` });
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const table = await sheetRows(xlsx.rawPayload);
    expect(table[0][0]).toBe('Id');
    expect(typeof table[1][2]).toBe('number');
    expect(table.length).toBe(rows.length + 1);
  });

  it('exports a recommendation: the strategies with their costs in the organisation’s currency and the expected yearly cost', async () => {
    const run = await finished({ kind: 'recommendation', scenarios: ['pandemic-lockdown'] });
    const result = (await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${run}` })).json().result;
    const csv = await t.request({ method: 'GET', url: `/api/orgs/demo/runs/${run}/result.sheet?lang=en` });
    expect(csv.statusCode, csv.body).toBe(200);
    const [header, ...rows] = lines(csv.body);
    expect(header).toBe('Line,Id,Name,Yearly standby cost (EUR),Cost per day in use (EUR),Scenario');
    expect(rows.filter((row) => row.startsWith('Strategy,')).map((row) => row.split(',')[1])).toEqual(result.strategies);
    expect(rows).toContain(`Expected yearly cost,,,${result.cost},,`);
    // And what they avoid: the expected yearly cost of downtime without them and with them, in total and per scenario.
    expect(rows).toContain(`Expected yearly cost of downtime without strategies,,,${result.downtimeCost.withoutStrategies},,`);
    expect(rows).toContain(`Expected yearly cost of downtime with the strategies,,,${result.downtimeCost.withStrategies},,pandemic-lockdown`);
  });

  it('refuses a run without a result yet, and a run of another organisation, with 404', async () => {
    const missing = await t.request({ method: 'GET', url: '/api/orgs/demo/runs/00000000-0000-4000-8000-000000000000/result.sheet' });
    expect(missing.statusCode).toBe(404);
  });

  it('exports the heat map, one line per cell with its risks', async () => {
    const map = (await t.request({ method: 'GET', url: '/api/orgs/demo/risks/heatmap?rating=inherent' })).json();
    const csv = await t.request({ method: 'GET', url: '/api/orgs/demo/risks/heatmap.sheet?rating=inherent&lang=fr' });
    expect(csv.statusCode, csv.body).toBe(200);
    const [header, ...rows] = lines(csv.body);
    expect(header).toBe('Vraisemblance;Impact;Score;Niveau;Nombre de risques;Risques');
    expect(rows.length).toBe(map.cells.length);
    const counted = rows.reduce((sum, row) => sum + Number(row.split(';')[4]), 0);
    expect(counted).toBe(map.total);
    expect(map.total).toBeGreaterThan(0);
    const xlsx = await t.request({ method: 'GET', url: '/api/orgs/demo/risks/heatmap.sheet?format=xlsx&lang=en' });
    expect((await sheetRows(xlsx.rawPayload))[0]).toEqual(['Likelihood', 'Impact', 'Score', 'Band', 'Number of risks', 'Risks']);
  });
});

describe('audit log', () => {
  it('names the entity of each entry (runs by their scenarios, members by their name) in the language asked for', async () => {
    await finished({ kind: 'montecarlo', scenario: 'strike', runs: 50, seed: 1 });
    const page = (await t.request({ method: 'GET', url: '/api/orgs/demo/audit?limit=50&lang=fr' })).json();
    const run = page.items.find((entry: { action: string }) => entry.action === 'queue');
    expect(run.entity).toMatchObject({ type: 'run', name: expect.stringMatching(/grève/i) });
    const en = (await t.request({ method: 'GET', url: '/api/orgs/demo/audit?limit=50&lang=en' })).json();
    expect(en.items.find((entry: { seq: number }) => entry.seq === run.seq).entity.name).toMatch(/strike/i);

    await t.request({ method: 'PUT', url: '/api/orgs/demo/sites/paris', payload: { id: 'paris', name: 'Paris HQ', seats: 10 } });
    const site = (await t.request({ method: 'GET', url: '/api/orgs/demo/audit?entity=site&limit=5' })).json().items[0];
    expect(site.entity).toEqual({ type: 'site', id: 'paris', name: 'Paris HQ' });
  });

  it('exports the filtered trail with actions and entity types in words, and the entity names', async () => {
    const csv = await t.request({ method: 'GET', url: '/api/orgs/demo/audit.sheet?lang=fr' });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body.startsWith(BOM)).toBe(true);
    const [header, ...rows] = lines(csv.body);
    expect(header).toBe('Entrée;Date (UTC);Auteur;Action;Type d’élément;Identifiant de l’élément;Élément;Adresse');
    expect(rows.some((row) => row.includes(';Calcul mis en file;Calcul;'))).toBe(true);
    expect(rows.some((row) => /;queue;|;load_demo;/.test(row))).toBe(false);
    const runs = await t.request({ method: 'GET', url: '/api/orgs/demo/audit.sheet?lang=en&entity=run&format=xlsx' });
    const table = await sheetRows(runs.rawPayload);
    expect(table.length).toBeGreaterThan(1);
    expect(table.slice(1).every((row) => row[4] === 'Run')).toBe(true);
  });
});
