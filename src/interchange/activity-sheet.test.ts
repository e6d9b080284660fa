// Reading, writing and checking the activity spreadsheet, as a continuity manager fills it in.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { Activity, BiaSettings, DEFAULT_BIA } from '../model/organisation.js';
import type { Problem } from '../model/problem.js';
import {
  activitySheetHeader,
  activitySheetTemplate,
  exampleActivity,
  locateActivityProblem,
  MAX_ACTIVITY_ROWS,
  parseActivitySheet,
  writeActivitySheet,
} from './activity-sheet.js';

const BIA = BiaSettings.parse({
  categories: [
    { id: 'financial', name: 'Financial', names: { en: 'Financial', fr: 'Financier' } },
    { id: 'customer', name: 'Customer', names: { en: 'Customer', fr: 'Clients' } },
  ],
  scale: [
    { value: 1, label: 'Negligible', names: { fr: 'Négligeable' } },
    { value: 2, label: 'Minor', names: { fr: 'Mineur' } },
    { value: 3, label: 'Moderate', names: { fr: 'Modéré' } },
    { value: 4, label: 'Major', names: { fr: 'Majeur' } },
    { value: 5, label: 'Severe', names: { fr: 'Critique' } },
  ],
  intolerable: 4,
  timePoints: [4, 24, 168, 720],
});

const ACTIVITIES: Activity[] = [
  exampleActivity(BIA),
  // The least a row may hold, with fractional hours.
  { id: 'mail-room', name: 'Mail room', mtpd: 1.5, rto: 0.25, mbco: 0 },
  {
    id: 'payroll.fr_2',
    name: 'Payroll & HR – Île-de-France',
    names: { fr: 'Paie & RH – Île-de-France' },
    owner: 'Élodie Martin, Payroll lead',
    ownerTitles: { fr: 'Responsable de la paie' },
    description: '=Pays staff; "monthly", on the 25th,\nthen files returns.\n- also bonuses',
    descriptions: { fr: 'Paie le personnel le 25,\npuis les déclarations.', en: 'Pays staff on the 25th.' },
    products: ['-Expenses', 'Salaries, bonuses'],
    productNames: { fr: ['Notes de frais', 'Salaires et primes'] },
    mtpd: 720,
    rto: 36,
    rpo: 0.1 + 0.2,
    mbco: 0.333,
    staff: [
      { site: 'lyon', headcount: 2.5, remote: 0.125, access: [] },
      { site: 'paris', headcount: 1200, remote: 1, access: ['vpn', 'vdi', 'laptops'] },
    ],
    applications: ['hr-system'],
    suppliers: ['bank', 'payroll-bureau'],
    dependsOn: ['mail-room'],
    impacts: { financial: [null, 2, null, 5], customer: [1, null, null, null] },
    downtimeCostPerHour: 1250.5,
  },
  { id: '42', name: '42', owner: "'=not a formula", description: 'first line\nsecond line', mtpd: 168, rto: 168, mbco: 1, impacts: { customer: [1, 2, 3, 4] } },
].map((activity) => Activity.parse(activity));

interface Expected {
  row: number | undefined;
  column: string | undefined;
  rule: string;
  path?: string;
  value?: unknown;
}

function summary(problems: Problem[], withPath = false): Expected[] {
  return problems.map((problem) => ({
    row: problem.row,
    column: problem.column,
    rule: problem.rule,
    ...(withPath ? { path: problem.path, value: problem.value } : {}),
  }));
}

function csv(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

async function xlsx(rows: (string | number | null)[][], sheetName = 'Activities'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet(sheetName).addRows(rows);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function loadWorkbook(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  return workbook;
}

describe('round trip', () => {
  it.each([
    ['csv', ','],
    ['csv', ';'],
    ['xlsx', ','],
  ] as const)('%s with %s gives back the activities exactly', async (format, delimiter) => {
    const written = await writeActivitySheet(ACTIVITIES, BIA, format, { delimiter });
    const parsed = await parseActivitySheet(written, format, BIA);
    expect(parsed.problems).toEqual([]);
    expect(parsed.activities).toStrictEqual(ACTIVITIES);
    expect(parsed.rowOf).toEqual([2, 3, 4, 5]);
  });

  it('round-trips with the default settings: 42 impact columns, 720 h written as 30d', async () => {
    const activities = [exampleActivity(DEFAULT_BIA)];
    for (const format of ['csv', 'xlsx'] as const) {
      const parsed = await parseActivitySheet(await writeActivitySheet(activities, DEFAULT_BIA, format), format, DEFAULT_BIA);
      expect(parsed.problems).toEqual([]);
      expect(parsed.activities).toStrictEqual(activities);
    }
    expect(activitySheetHeader(DEFAULT_BIA)).toHaveLength(22 + 6 * 7);
    expect(activitySheetHeader(DEFAULT_BIA)).toContain('health-safety@30d');
  });

  it('writes CSV as Excel reads it: BOM, CRLF, formulas defused, ";" files with decimal commas', async () => {
    const comma = (await writeActivitySheet(ACTIVITIES, BIA, 'csv')).toString('utf8');
    expect(comma.startsWith('\uFEFFid,name,name_fr,name_en,owner,description,products,mtpd,rto,rpo,mbco,')).toBe(true);
    expect(comma).toContain('financial@4h,financial@1d,financial@1w,financial@30d,customer@4h');
    const empty = (count: number): string[] => Array<string>(count).fill('');
    expect(comma.split('\r\n')[2]).toBe(
      ['mail-room', 'Mail room', ...empty(5), '1.5', '0.25', '', '0', ...empty(4), ...empty(6), ...empty(1), ...empty(8)].join(','),
    );
    expect(comma).toContain(`"'-Expenses; Salaries, bonuses"`);
    expect(comma).toContain(`"'=Pays staff; ""monthly"", on the 25th,\nthen files returns.\n- also bonuses"`);
    expect(comma).toContain(',30d,36h,0.30000000000000004,0.333,');
    const semicolon = (await writeActivitySheet(ACTIVITIES, BIA, 'csv', { delimiter: ';' })).toString('utf8');
    expect(semicolon.split('\r\n')[2]).toBe(
      ['mail-room', 'Mail room', ...empty(5), '1,5', '0,25', '', '0', ...empty(4), ...empty(6), ...empty(1), ...empty(8)].join(';'),
    );
    expect(semicolon).toContain('"lyon:2,5:0,125; paris:1200:1:vpn|vdi|laptops"');
    // The cost of downtime, after the columns older files have, with the file's decimal mark.
    expect(comma).toContain(',Pays staff on the 25th.,Notes de frais; Salaires et primes,,1250.5,');
    expect(semicolon).toContain(';Pays staff on the 25th.;"Notes de frais; Salaires et primes";;1250,5;');
  });

  it('writes XLSX with a bold frozen header and bilingual instructions', async () => {
    const workbook = await loadWorkbook(await writeActivitySheet(ACTIVITIES, BIA, 'xlsx'));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Activities', 'Instructions']);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getColumn(6).width).toBeGreaterThan(sheet.getColumn(11).width ?? 0);
    expect(sheet.getCell('K3').value).toBe(0);
    const instructions: string[] = [];
    workbook.worksheets[1].eachRow((row) => instructions.push(row.values.toString()));
    const text = instructions.join('\n');
    for (const expected of [
      'Maximum tolerable period of disruption',
      "Durée maximale d'interruption acceptable",
      'site:headcount:remote:pool1|pool2',
      'Négligeable',
      'Severe',
      'Critique',
      '@30d',
      '30 days',
      '30 jours',
      'financial@4h',
    ])
      expect(text).toContain(expected);
  });

  it('makes templates with one realistic example row that reads back', async () => {
    const csvTemplate = await activitySheetTemplate(BIA, 'csv');
    expect(csvTemplate.toString('utf8').split('\r\n').filter(Boolean)).toHaveLength(2);
    for (const format of ['csv', 'xlsx'] as const) {
      const parsed = await parseActivitySheet(await activitySheetTemplate(BIA, format), format, BIA);
      expect(parsed.problems).toEqual([]);
      expect(parsed.activities).toStrictEqual([exampleActivity(BIA)]);
    }
    const workbook = await loadWorkbook(await activitySheetTemplate(BIA, 'xlsx'));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Activities', 'Instructions']);
    expect(workbook.worksheets[0].getCell('A2').value).toBe('claims-handling');
  });

  it('explains the impact criteria of the settings in the instructions, with their money thresholds', async () => {
    const workbook = await loadWorkbook(await activitySheetTemplate(DEFAULT_BIA, 'xlsx'));
    const rows: unknown[][] = [];
    workbook.worksheets[1].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toContainEqual(['financial@4', 'Loss that affects the results of the year', "Perte qui affecte le résultat de l'année", 1_000_000]);
    expect(rows).toContainEqual(['legal@2', 'Minor breach, corrected without notification', 'Manquement mineur, corrigé sans notification']);
    // Settings without criteria have no such table.
    const plain = await loadWorkbook(await activitySheetTemplate(BIA, 'xlsx'));
    const titles: string[] = [];
    plain.worksheets[1].eachRow((row) => titles.push(String(row.getCell(1).value)));
    expect(titles).not.toContain("Impact criteria / Critères d'impact");
  });
});

describe('reading what people write', () => {
  it('reads a French Excel export: BOM, ";", decimal commas, percentages, any column order and case', async () => {
    const data = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      csv([
        'ID; Name ;Name_FR;MTPD;RTO;MBCO;Staff;Depends_On;Financial@4h;financial@24h;customer@1W',
        'gestion-sinistres;Claims;Gestion des sinistres;3d;1,5;50 %;"paris:120:80%:vpn|vdi; lyon:30:0,5:vpn ; marseille:10:0";;2;3;',
        ';;;;;;;;;;',
        'paie;Payroll;Paie;2w;48;0,25;;gestion-sinistres; ;;5',
      ]),
    ]);
    const parsed = await parseActivitySheet(data, 'csv', BIA);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rowOf).toEqual([2, 4]);
    expect(parsed.activities).toStrictEqual([
      Activity.parse({
        id: 'gestion-sinistres',
        name: 'Claims',
        names: { fr: 'Gestion des sinistres' },
        mtpd: 72,
        rto: 1.5,
        mbco: 0.5,
        staff: [
          { site: 'paris', headcount: 120, remote: 0.8, access: ['vpn', 'vdi'] },
          { site: 'lyon', headcount: 30, remote: 0.5, access: ['vpn'] },
          { site: 'marseille', headcount: 10, remote: 0, access: [] },
        ],
        impacts: { financial: [2, 3, null, null] },
      }),
      Activity.parse({
        id: 'paie',
        name: 'Payroll',
        names: { fr: 'Paie' },
        mtpd: 336,
        rto: 48,
        mbco: 0.25,
        dependsOn: ['gestion-sinistres'],
        impacts: { customer: [null, null, 5, null] },
      }),
    ]);
    expect(parsed.columns).toMatchObject({
      id: 'ID',
      mtpd: 'MTPD',
      dependsOn: 'Depends_On',
      'impacts.financial[0]': 'Financial@4h',
      'impacts.customer[2]': 'customer@1W',
    });
  });

  it('reads Windows-1252 CSV, as plain "CSV" from French Excel is saved', async () => {
    const latin1 = Buffer.from('id;name;mtpd;rto;mbco\r\nsinistres;Gestion des sinistres \xe9t\xe9;3d;1d;0,5\r\n', 'latin1');
    const parsed = await parseActivitySheet(latin1, 'csv', BIA);
    expect(parsed.problems).toEqual([]);
    expect(parsed.activities[0].name).toBe('Gestion des sinistres été');
  });

  it('counts blank lines and multi-line cells as the spreadsheet shows rows', async () => {
    const data = csv(['id,name,mtpd,rto,mbco,description', '', 'a,A,1,1,0.5,"two', 'lines"', ',,,,,', 'b,B,1,1,2,']);
    const parsed = await parseActivitySheet(data, 'csv', BIA);
    expect(summary(parsed.problems)).toEqual([{ row: 5, column: 'mbco', rule: 'share' }]);
    expect(parsed.rowOf).toEqual([3]);
  });

  it('reads numbers from XLSX number cells and the sheet named Activities wherever it is', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['not', 'the', 'table']);
    const sheet = workbook.addWorksheet('activities');
    sheet.addRows([[], ['id', 'name', 'mtpd', 'rto', 'mbco', 'financial@4h'], [7, 'Seven', 48, 1.5, 0.5, 3]]);
    sheet.getCell('A3').font = { bold: true };
    const parsed = await parseActivitySheet(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx', BIA);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rowOf).toEqual([3]);
    expect(parsed.activities).toStrictEqual([
      Activity.parse({ id: '7', name: 'Seven', mtpd: 48, rto: 1.5, mbco: 0.5, impacts: { financial: [3, null, null, null] } }),
    ]);
  });

  it('refuses "1,000", which may be a thousand or a decimal', async () => {
    const parsed = await parseActivitySheet(csv(['id;name;mtpd;rto;mbco;staff', 'a;A;1,000;1;0,5;paris:1,500:0,5']), 'csv', BIA);
    expect(summary(parsed.problems, true)).toEqual([
      { row: 2, column: 'mtpd', rule: 'ambiguous_number', path: 'rows[2].mtpd', value: '1,000' },
      { row: 2, column: 'staff', rule: 'ambiguous_number', path: 'rows[2].staff[0].headcount', value: 'paris:1,500:0,5' },
    ]);
  });
});

describe('bad rows', () => {
  const header = ['id', 'name', 'mtpd', 'rto', 'mbco', 'staff', 'financial@4h', 'financial@1d'];
  const rows: (string | number | null)[][] = [
    ['claims', 'Claims', '3d', '1d', 0.5, 'paris:10:0.5:vpn', 2, 3],
    ['payroll', 'Payroll', 'soon', '1d', 0.5, null, null, null],
    ['billing', 'Billing', '1w', '2d', '150%', null, null, null],
    ['support', 'Support', '1w', '2d', 0.5, 'paris:ten', null, null],
    ['hr', 'HR', '1w', '2d', 0.5, null, 9, null],
    ['claims', 'Claims again', '1w', '2d', 0.5, null, null, null],
  ];
  const expected: Expected[] = [
    { row: 3, column: 'mtpd', rule: 'not_a_duration', path: 'rows[3].mtpd', value: 'soon' },
    { row: 4, column: 'mbco', rule: 'share', path: 'rows[4].mbco', value: '150%' },
    { row: 5, column: 'staff', rule: 'staff_syntax', path: 'rows[5].staff[0]', value: 'paris:ten' },
    { row: 6, column: 'financial@4h', rule: 'not_in_scale', path: 'rows[6].impacts.financial[0]', value: '9' },
    { row: 7, column: 'id', rule: 'duplicate_id', path: 'rows[7].id', value: 'claims' },
  ];

  it.each(['csv', 'xlsx'] as const)('reports every bad row of a %s file with its row, column and rule', async (format) => {
    const data = format === 'csv' ? csv([header, ...rows].map((row) => row.map((cell) => cell ?? '').join(','))) : await xlsx([header, ...rows]);
    const parsed = await parseActivitySheet(data, format, BIA);
    expect(summary(parsed.problems, true)).toEqual(expected);
    expect(parsed.problems.every((problem) => problem.message.length > 0)).toBe(true);
    // Only the good row is usable, and nothing is imported while problems remain.
    expect(parsed.activities.map((activity) => activity.id)).toEqual(['claims']);
    expect(parsed.rowOf).toEqual([2]);
  });

  it('reports several problems of one row, and schema rules with the cell text', async () => {
    const parsed = await parseActivitySheet(
      csv(['id,name,mtpd,rto,mbco,staff,applications', 'bad id,,-2,x,-10%,"lyon:5:2;PARIS 1:3:0.5",ok; not ok']),
      'csv',
      BIA,
    );
    expect(summary(parsed.problems, true)).toEqual([
      { row: 2, column: 'id', rule: 'format', path: 'rows[2].id', value: 'bad id' },
      { row: 2, column: 'name', rule: 'required', path: 'rows[2].name', value: '' },
      { row: 2, column: 'mtpd', rule: 'too_small', path: 'rows[2].mtpd', value: '-2' },
      { row: 2, column: 'rto', rule: 'not_a_duration', path: 'rows[2].rto', value: 'x' },
      { row: 2, column: 'mbco', rule: 'share', path: 'rows[2].mbco', value: '-10%' },
      { row: 2, column: 'staff', rule: 'share', path: 'rows[2].staff[0].remote', value: 'lyon:5:2;PARIS 1:3:0.5' },
      { row: 2, column: 'staff', rule: 'format', path: 'rows[2].staff[1].site', value: 'lyon:5:2;PARIS 1:3:0.5' },
      { row: 2, column: 'applications', rule: 'format', path: 'rows[2].applications[1]', value: 'ok; not ok' },
    ]);
    expect(parsed.problems[5].message).toBe('staff entry 1 "lyon:5:2", remote: must be between 0 % and 100 %');
  });

  it('reads the cost of downtime per hour as an amount, with a decimal comma too, and refuses what is not one', async () => {
    const parsed = await parseActivitySheet(
      csv(['id;name;mtpd;rto;mbco;downtime_cost_per_hour', 'a;A;1;1;0,5;1500,5', 'b;B;1;1;0,5;-3', 'c;C;1;1;0,5;lots', 'd;D;1;1;0,5;']),
      'csv',
      BIA,
    );
    expect(summary(parsed.problems, true)).toEqual([
      { row: 3, column: 'downtime_cost_per_hour', rule: 'too_small', path: 'rows[3].downtimeCostPerHour', value: '-3' },
      { row: 4, column: 'downtime_cost_per_hour', rule: 'not_a_number', path: 'rows[4].downtimeCostPerHour', value: 'lots' },
    ]);
    expect(parsed.activities.map((activity) => [activity.id, activity.downtimeCostPerHour])).toEqual([
      ['a', 1500.5],
      ['d', undefined],
    ]);
  });
});

describe('header and file problems', () => {
  it('names each missing required column on row 1', async () => {
    const parsed = await parseActivitySheet(csv(['id,name,rto,financial@4h', 'a,A,1,2']), 'csv', BIA);
    expect(summary(parsed.problems, true)).toEqual([
      { row: 1, column: 'mtpd', rule: 'missing_column', path: 'rows[1]', value: 'mtpd' },
      { row: 1, column: 'mbco', rule: 'missing_column', path: 'rows[1]', value: 'mbco' },
    ]);
    expect(parsed.activities).toEqual([]);
  });

  it.each(['csv', 'xlsx'] as const)('names unknown and repeated columns as written in a %s file', async (format) => {
    const rows = [
      ['ID', 'Name', 'MTPD', 'rto', 'mbco', 'Criticality', 'brand@4h', 'financial@5h', 'Financial@4h', 'financial@4h'],
      ['a', 'A', 1, 1, 0.5, 'high', null, null, null, null],
    ];
    const data = format === 'csv' ? csv(rows.map((row) => row.map((cell) => cell ?? '').join(','))) : await xlsx(rows);
    const parsed = await parseActivitySheet(data, format, BIA);
    expect(summary(parsed.problems)).toEqual([
      { row: 1, column: 'Criticality', rule: 'unknown_column' },
      { row: 1, column: 'brand@4h', rule: 'unknown_column' },
      { row: 1, column: 'financial@5h', rule: 'unknown_column' },
      { row: 1, column: 'financial@4h', rule: 'duplicate_column' },
    ]);
    expect(parsed.problems[1].message).toContain('expected one of financial, customer');
    expect(parsed.problems[2].message).toContain('4h, 1d, 1w, 30d');
  });

  it('refuses data in a column without a header', async () => {
    const parsed = await parseActivitySheet(csv(['id,name,mtpd,rto,mbco,', 'a,A,1,1,0.5,', 'b,B,1,1,0.5,oops,more']), 'csv', BIA);
    expect(summary(parsed.problems, true)).toEqual([
      { row: 3, column: 'F', rule: 'unnamed_column', path: 'rows[3]', value: 'oops' },
      { row: 3, column: 'G', rule: 'unnamed_column', path: 'rows[3]', value: 'more' },
    ]);
  });

  it.each([
    ['an empty CSV', 'csv', Buffer.alloc(0), undefined],
    ['a CSV with only a BOM and blank lines', 'csv', Buffer.from('\uFEFF\r\n\r\n;;\r\n', 'utf8'), undefined],
    ['a CSV with a header only', 'csv', csv(['id,name,mtpd,rto,mbco']), 2],
  ] as const)('reports %s as empty', async (_, format, data, row) => {
    const parsed = await parseActivitySheet(data, format, BIA);
    expect(summary(parsed.problems)).toEqual([{ row, column: undefined, rule: 'empty_file' }]);
  });

  it('reports an XLSX workbook without rows as empty, and a file that is no workbook as unreadable', async () => {
    expect(summary((await parseActivitySheet(await xlsx([]), 'xlsx', BIA)).problems)).toEqual([{ row: undefined, column: undefined, rule: 'empty_file' }]);
    expect(summary((await parseActivitySheet(Buffer.from('id,name\n'), 'xlsx', BIA)).problems)).toEqual([
      { row: undefined, column: undefined, rule: 'unreadable_file' },
    ]);
    const truncated = (await xlsx([['id']])).subarray(0, 200);
    expect(summary((await parseActivitySheet(truncated, 'xlsx', BIA)).problems)).toEqual([{ row: undefined, column: undefined, rule: 'unreadable_file' }]);
  });

  it(`refuses more than ${MAX_ACTIVITY_ROWS} rows`, async () => {
    const lines = ['id,name,mtpd,rto,mbco'];
    for (let index = 0; index <= MAX_ACTIVITY_ROWS; index++) lines.push(`a${index},A,1,1,0.5`);
    const parsed = await parseActivitySheet(csv(lines), 'csv', BIA);
    expect(summary(parsed.problems)).toEqual([{ row: undefined, column: undefined, rule: 'too_many_rows' }]);
    expect(parsed.problems[0]).toMatchObject({ path: 'file', value: MAX_ACTIVITY_ROWS + 1 });
    lines.pop();
    expect((await parseActivitySheet(csv(lines), 'csv', BIA)).problems).toEqual([]);
  });
});

describe('locateActivityProblem', () => {
  it('places problems found on the parsed activities in the spreadsheet', async () => {
    const data = csv(['Name,ID,mtpd,rto,mbco,Applications,Depends_On,staff,Customer@1d', 'A,a,1,1,0.5,crm,b,paris:1:0,4', '', 'B,b,1,1,0.5,,a,,']);
    const { rowOf, columns, problems } = await parseActivitySheet(data, 'csv', BIA);
    expect(problems).toEqual([]);
    const at = (path: string): Problem => ({ path, rule: 'unknown_reference', value: 'x', message: 'unknown' });
    expect(locateActivityProblem(at('activities[0].applications[0]'), rowOf, columns)).toEqual({
      ...at('rows[2].applications[0]'),
      row: 2,
      column: 'Applications',
    });
    expect(locateActivityProblem(at('activities[1].dependsOn[0]'), rowOf, columns)).toEqual({ ...at('rows[4].dependsOn[0]'), row: 4, column: 'Depends_On' });
    expect(locateActivityProblem(at('activities[0].staff[0].site'), rowOf, columns)).toMatchObject({ row: 2, column: 'staff', path: 'rows[2].staff[0].site' });
    expect(locateActivityProblem(at('activities[0].impacts.customer[1]'), rowOf, columns)).toMatchObject({ row: 2, column: 'Customer@1d' });
    expect(locateActivityProblem(at('activities[1]'), rowOf, columns)).toEqual({ ...at('rows[4]'), row: 4 });
    // Without the header map, columns take their standard names.
    expect(locateActivityProblem(at('activities[1].dependsOn[0]'), rowOf)).toMatchObject({ row: 4, column: 'depends_on' });
    expect(locateActivityProblem(at('applications[3].rto'), rowOf, columns)).toEqual(at('applications[3].rto'));
    expect(locateActivityProblem(at('activities[9].id'), rowOf, columns)).toEqual(at('activities[9].id'));
  });
});
