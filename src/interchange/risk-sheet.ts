// The risk register as a spreadsheet (CSV or XLSX, one row per risk): reading with row-numbered problems, and writing.
import ExcelJS from 'exceljs';
import { bandOf } from '../engine/risk.js';
import { formatPath, problem as makeProblem, type Problem } from '../model/problem.js';
import { Risk, type RiskMatrix, type Treatment } from '../model/risk.js';
import {
  cellText,
  escapeXlsxText,
  isBlank,
  readTable,
  writeCsv,
  type CellValue,
  type TableFormat,
  type TableRow,
  RowProblems,
  type LocatedProblem as Located,
} from './table-file.js';

/** Worksheet holding the register; read first when present, whatever its position. */
export const RISK_SHEET_NAME = 'Risks';
/** Most risk rows one file may hold. */
export const MAX_RISK_ROWS = 20_000;

/** The columns read and written, in the order they are written. */
export const RISK_COLUMNS = [
  'id',
  'title',
  'title_fr',
  'title_en',
  'threat',
  'assets',
  'cause',
  'consequence',
  'owner',
  'inherent_likelihood',
  'inherent_impact',
  'residual_likelihood',
  'residual_impact',
  'review_date',
  'scenarios',
  'treatments',
] as const;
export type RiskColumn = (typeof RISK_COLUMNS)[number];

/** Written for people reading the file, ignored on import: the matrix computes them. */
export const COMPUTED_RISK_COLUMNS = ['inherent_score', 'inherent_band', 'residual_score', 'residual_band'] as const;

export const REQUIRED_RISK_COLUMNS: readonly RiskColumn[] = [
  'id',
  'title',
  'threat',
  'inherent_likelihood',
  'inherent_impact',
  'residual_likelihood',
  'residual_impact',
];

const FIELD_OF: Record<RiskColumn, string> = {
  id: 'id',
  title: 'title',
  title_fr: 'names.fr',
  title_en: 'names.en',
  threat: 'threat',
  assets: 'assets',
  cause: 'cause',
  consequence: 'consequence',
  owner: 'owner',
  inherent_likelihood: 'inherent.likelihood',
  inherent_impact: 'inherent.impact',
  residual_likelihood: 'residual.likelihood',
  residual_impact: 'residual.impact',
  review_date: 'reviewDate',
  scenarios: 'scenarios',
  treatments: 'treatments',
};
const COLUMN_OF_FIELD: Record<string, string> = Object.fromEntries(Object.entries(FIELD_OF).map(([column, field]) => [field, column]));

/** How one treatment is written in the `treatments` cell; one treatment per line. */
export const TREATMENT_SYNTAX =
  'id | type | status | due | owner | effect | description, e.g. "mfa | reduce | planned | 2027-03-31 | CISO | L2 I3 | MFA on the VPN"';

/** `treatments[0].due` → `treatments`, `inherent.likelihood` → `inherent.likelihood`, `names.fr` → `names.fr`. */
function fieldHead(relative: string): string {
  const match = /^(names\.(?:fr|en)|(?:inherent|residual)\.(?:likelihood|impact)|[A-Za-z]+)/.exec(relative);
  return match ? match[1] : relative;
}

/** What `parseRiskSheet` found. */
export interface RiskSheetResult {
  /** Rows that passed every check. Import only when `problems` is empty. */
  risks: Risk[];
  /** Every problem of every row, ordered by row then column, each with `row` and, for a cell, `column`. */
  problems: Problem[];
  /** `rowOf[i]` is the spreadsheet row of `risks[i]`. */
  rowOf: number[];
  /** Risk field (`threat`, `inherent.likelihood`, `names.fr`) → header as written in the file. */
  columns: Record<string, string>;
}

/**
 * Rewrites a problem found on the parsed risks (`risks[3].assets[1].id`) into the spreadsheet's terms:
 * `rows[5].assets[1].id`, `row: 5`, `column: 'assets'`. Other problems are returned unchanged.
 */
export function locateRiskProblem(problem: Problem, rowOf: number[], columns?: Record<string, string>): Problem {
  const match = /^risks\[(\d+)\](?:\.(.+))?$/.exec(problem.path);
  if (!match) return problem;
  const row = rowOf[Number(match[1])];
  if (row === undefined) return problem;
  const relative = match[2];
  if (!relative) return { ...problem, path: `rows[${row}]`, row };
  const head = fieldHead(relative);
  const column = columns?.[head] ?? COLUMN_OF_FIELD[head];
  return { ...problem, path: `rows[${row}].${relative}`, row, ...(column !== undefined ? { column } : {}) };
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function normalise(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

interface Binding {
  index: number;
  header: string;
  column: RiskColumn;
  field: string;
}

function analyseHeader(headerRow: TableRow, dataRows: TableRow[]): { bindings: Binding[]; problems: Problem[] } {
  const bindings: Binding[] = [];
  const problems: Problem[] = [];
  const row = headerRow.number;
  const headerProblem = (column: string, rule: string, value: unknown, message: string): Problem => ({
    ...makeProblem(['rows', row], rule, value, message),
    row,
    column,
  });
  const bound = new Map<string, Binding>();
  const unnamed = new Set<number>();
  headerRow.cells.forEach((cell, index) => {
    const header = cellText(cell).trim();
    if (header === '') {
      unnamed.add(index);
      return;
    }
    const name = normalise(header);
    if ((COMPUTED_RISK_COLUMNS as readonly string[]).includes(name)) return;
    if (!(RISK_COLUMNS as readonly string[]).includes(name)) {
      problems.push(headerProblem(header, 'unknown_column', header, `unknown column "${header}": expected ${RISK_COLUMNS.join(', ')}`));
      return;
    }
    const column = name as RiskColumn;
    const previous = bound.get(column);
    if (previous) {
      problems.push(
        headerProblem(header, 'duplicate_column', header, `column "${header}" repeats column ${columnLetter(previous.index)} ("${previous.header}")`),
      );
      return;
    }
    const binding = { index, header, column, field: FIELD_OF[column] };
    bound.set(column, binding);
    bindings.push(binding);
  });
  for (const column of REQUIRED_RISK_COLUMNS)
    if (!bound.has(column)) problems.push(headerProblem(column, 'missing_column', column, `the required column "${column}" is missing`));
  // Data under no header would be silently lost: refuse it, naming the spreadsheet column, once per column.
  const width = headerRow.cells.length;
  const reported = new Set<number>();
  for (const dataRow of dataRows)
    dataRow.cells.forEach((cell, index) => {
      if ((index < width && !unnamed.has(index)) || reported.has(index) || isBlank(cell)) return;
      reported.add(index);
      const letter = columnLetter(index);
      problems.push({
        ...makeProblem(['rows', dataRow.number], 'unnamed_column', cellText(cell), `column ${letter} holds data but has no header`),
        row: dataRow.number,
        column: letter,
      });
    });
  return { bindings, problems };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; rule: string; message: string };

/** A level by its number or its label in the matrix (English, French or reference label, any case). */
function parseLevel(cell: CellValue, levels: RiskMatrix['likelihood']): Parsed<number> {
  const allowed = levels.map((level) => `${level.value} (${level.label})`).join(', ');
  const wrong: Parsed<number> = { ok: false, rule: 'not_in_matrix', message: `must be one of ${allowed}` };
  if (typeof cell === 'number') return Number.isInteger(cell) && cell >= 1 && cell <= levels.length ? { ok: true, value: cell } : wrong;
  const text = cell.trim();
  if (/^\d+$/.test(text)) return parseLevel(Number(text), levels);
  const key = text.toLowerCase();
  const found = levels.find((level) => [level.label, level.names?.en, level.names?.fr].some((label) => label?.toLowerCase() === key));
  return found ? { ok: true, value: found.value } : wrong;
}

/** `2027-03-31`, or the midnight timestamp a spreadsheet date cell becomes. */
function parseDate(cell: CellValue): string {
  const text = cellText(cell).trim();
  const midnight = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?Z$/.exec(text);
  return midnight ? midnight[1] : text;
}

function splitList(text: string, separator: string | RegExp): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const EFFECT = /^(?:L\s*(\d+))?\s*[,/;]?\s*(?:I\s*(\d+))?$/i;

class RowReader extends RowProblems {
  constructor(
    row: TableRow,
    private readonly byField: Map<string, Binding>,
  ) {
    super(row);
  }

  binding(field: string): Binding | undefined {
    return this.byField.get(field);
  }

  text(field: string): string | undefined {
    const binding = this.byField.get(field);
    if (!binding) return undefined;
    const value = cellText(this.row.cells[binding.index] ?? '');
    return value.trim() === '' ? undefined : value;
  }

  cell(field: string): CellValue {
    const binding = this.byField.get(field);
    return binding ? (this.row.cells[binding.index] ?? '') : '';
  }

  report(field: string, relative: ReadonlyArray<PropertyKey>, rule: string, message: string, value?: unknown): void {
    const binding = this.byField.get(field);
    this.add(binding, relative, rule, message, value ?? (binding ? cellText(this.cell(field)) : ''));
  }
}

function readTreatments(reader: RowReader, text: string): unknown[] {
  return splitList(text, /\r\n|\n|\r/).map((line, index) => {
    // The description comes last and keeps everything after the sixth "|", bars and spacing included.
    const bars: number[] = [];
    for (let at = line.indexOf('|'); at >= 0 && bars.length < 6; at = line.indexOf('|', at + 1)) bars.push(at);
    if (bars.length < 6) {
      reader.report('treatments', ['treatments', index], 'treatment_syntax', `treatment ${index + 1} "${line}": expected ${TREATMENT_SYNTAX}`, line);
      return undefined;
    }
    const [id, type, status, due, owner, effectText] = bars.map((end, i) => line.slice(i === 0 ? 0 : bars[i - 1] + 1, end).trim());
    const description = line.slice(bars[5] + 1).trim();
    const treatment: Record<string, unknown> = { id, type, description };
    if (status !== '') treatment.status = status;
    if (due !== '') treatment.due = parseDate(due);
    if (owner !== '') treatment.owner = owner;
    if (effectText !== '') {
      const effect = EFFECT.exec(effectText);
      if (!effect || (effect[1] === undefined && effect[2] === undefined))
        reader.report(
          'treatments',
          ['treatments', index, 'expectedEffect'],
          'effect_syntax',
          `treatment ${index + 1}: the effect "${effectText}" should read like "L2 I3", "L2" or "I3"`,
          effectText,
        );
      else
        treatment.expectedEffect = {
          ...(effect[1] !== undefined ? { likelihood: Number(effect[1]) } : {}),
          ...(effect[2] !== undefined ? { impact: Number(effect[2]) } : {}),
        };
    }
    return treatment;
  });
}

function readRow(row: TableRow, byField: Map<string, Binding>, matrix: RiskMatrix): { risk?: Risk; located: Located[]; id?: string } {
  const reader = new RowReader(row, byField);
  const input: Record<string, unknown> = {};
  const required = (field: string): string | undefined => {
    const value = reader.text(field);
    if (value === undefined) reader.report(field, field.split('.'), 'required', 'required: this cell must not be empty');
    return value;
  };
  const id = required('id')?.trim();
  if (id !== undefined) input.id = id;
  const title = required('title')?.trim();
  if (title !== undefined) input.title = title;
  const fr = reader.text('names.fr')?.trim();
  const en = reader.text('names.en')?.trim();
  if (fr !== undefined || en !== undefined) input.names = { ...(fr !== undefined ? { fr } : {}), ...(en !== undefined ? { en } : {}) };
  const threat = required('threat')?.trim();
  if (threat !== undefined) input.threat = threat;
  for (const field of ['cause', 'consequence'] as const) {
    // Free text keeps its spacing and line breaks.
    const value = reader.text(field);
    if (value !== undefined) input[field] = value;
  }
  const owner = reader.text('owner')?.trim();
  if (owner !== undefined) input.owner = owner;

  for (const kind of ['inherent', 'residual'] as const) {
    const rating: Record<string, number> = {};
    for (const axis of ['likelihood', 'impact'] as const) {
      const field = `${kind}.${axis}`;
      if (required(field) === undefined) continue;
      const level = parseLevel(reader.cell(field), matrix[axis]);
      if (level.ok) rating[axis] = level.value;
      else reader.report(field, [kind, axis], level.rule, level.message);
    }
    input[kind] = rating;
  }

  const assets = reader.text('assets');
  if (assets !== undefined)
    input.assets = splitList(assets, ';').map((entry, index) => {
      const at = entry.indexOf(':');
      if (at < 0) {
        reader.report(
          'assets',
          ['assets', index],
          'asset_syntax',
          `asset ${index + 1} "${entry}": write type:id, e.g. "site:paris" (site, activity, application, supplier or pool)`,
          entry,
        );
        return undefined;
      }
      return { type: entry.slice(0, at).trim().toLowerCase(), id: entry.slice(at + 1).trim() };
    });
  const review = reader.text('reviewDate');
  if (review !== undefined) input.reviewDate = parseDate(review);
  const scenarios = reader.text('scenarios');
  if (scenarios !== undefined) input.scenarios = splitList(scenarios, ';');
  const treatments = reader.text('treatments');
  if (treatments !== undefined) input.treatments = readTreatments(reader, treatments);

  const result = Risk.safeParse(input, { reportInput: true });
  if (!result.success) {
    // Cells whose conversion already failed are reported once, by the conversion.
    const reported = [...reader.reported];
    for (const issue of result.error.issues) {
      const relative = formatPath(issue.path);
      if (reported.some((path) => relative === path || relative.startsWith(`${path}.`) || relative.startsWith(`${path}[`))) continue;
      const params = (issue as { params?: { rule?: string } }).params;
      const rule = params?.rule ?? (issue.code === 'invalid_format' ? 'format' : issue.code);
      const list = /^(assets|scenarios|treatments)\[(\d+)\]/.exec(relative);
      const message = list
        ? `${list[1] === 'treatments' ? 'treatment' : 'item'} ${Number(list[2]) + 1}, ${relative.slice(list[0].length).replace(/^\./, '') || 'value'}: ${issue.message}`
        : issue.message;
      const value = 'input' in issue && issue.input !== undefined ? issue.input : undefined;
      reader.report(fieldHead(relative), issue.path, rule, message, value);
    }
  }
  return { risk: result.success && reader.located.length === 0 ? result.data : undefined, located: reader.located, id };
}

/**
 * Reads the register spreadsheet: CSV (`,`, `;` or tab, UTF-8 or Windows-1252) or XLSX (the worksheet "Risks", else
 * the first). The header names the columns of {@link RISK_COLUMNS} in any order and case; the computed columns of an
 * export ({@link COMPUTED_RISK_COLUMNS}) are ignored. Levels are numbers or labels of `matrix`; lists are separated by
 * `;`; assets are `type:id`; treatments are one per line ({@link TREATMENT_SYNTAX}). Every problem of every row is
 * reported with its row, column, rule and value. References to threats, assets and scenarios are checked by the caller.
 */
export async function parseRiskSheet(data: Buffer | Uint8Array, format: TableFormat, matrix: RiskMatrix): Promise<RiskSheetResult> {
  const none = { risks: [], rowOf: [], columns: {} };
  const table = await readTable(data, format, { sheetName: RISK_SHEET_NAME, maxRows: MAX_RISK_ROWS + 1 });
  if (table.problems.length > 0) return { ...none, problems: table.problems };
  if (table.rows.length === 0)
    return { ...none, problems: [makeProblem(['rows'], 'empty_file', '', 'the file is empty: expected a header row, then one row per risk')] };
  if (table.truncated)
    // Reading stopped at the first row past the limit: the value is the number of risk rows found so far.
    return { ...none, problems: [makeProblem(['file'], 'too_many_rows', MAX_RISK_ROWS + 1, `the file has more than ${MAX_RISK_ROWS} risk rows: split it`)] };
  const [headerRow, ...dataRows] = table.rows;
  const header = analyseHeader(headerRow, dataRows);
  if (dataRows.length === 0)
    header.problems.push({ ...makeProblem(['rows'], 'empty_file', '', 'the file has a header but no risk rows below it'), row: headerRow.number + 1 });
  if (header.problems.length > 0) return { ...none, problems: header.problems };

  const byField = new Map(header.bindings.map((binding) => [binding.field, binding]));
  const columns = Object.fromEntries(header.bindings.map((binding) => [binding.field, binding.header]));
  const risks: Risk[] = [];
  const rowOf: number[] = [];
  const problems: Problem[] = [];
  const firstRowOfId = new Map<string, number>();
  const idBinding = byField.get('id');
  for (const row of dataRows) {
    const outcome = readRow(row, byField, matrix);
    if (outcome.id !== undefined) {
      const first = firstRowOfId.get(outcome.id);
      if (first === undefined) firstRowOfId.set(outcome.id, row.number);
      else
        outcome.located.push({
          problem: {
            ...makeProblem(['rows', row.number, 'id'], 'duplicate_id', outcome.id, `id "${outcome.id}" is already used on row ${first}`),
            row: row.number,
            column: idBinding?.header,
          },
          order: idBinding?.index ?? -1,
        });
    }
    if (outcome.located.length === 0 && outcome.risk) {
      risks.push(outcome.risk);
      rowOf.push(row.number);
    }
    outcome.located.sort((a, b) => a.order - b.order);
    for (const { problem } of outcome.located) problems.push(problem);
  }
  return { risks, problems, rowOf, columns };
}

// ---------------------------------------------------------------------------------------------------------------------
// Writing

type OutCell = string | number | null;

function treatmentLine(treatment: Treatment): string {
  const effect = treatment.expectedEffect;
  const effectText = [effect?.likelihood !== undefined ? `L${effect.likelihood}` : '', effect?.impact !== undefined ? `I${effect.impact}` : '']
    .filter(Boolean)
    .join(' ');
  return [treatment.id, treatment.type, treatment.status, treatment.due ?? '', treatment.owner ?? '', effectText, treatment.description].join(' | ');
}

function riskCells(risk: Risk, matrix: RiskMatrix): OutCell[] {
  const list = (items: string[]): OutCell => (items.length > 0 ? items.join('; ') : null);
  const inherent = risk.inherent.likelihood * risk.inherent.impact;
  const residual = risk.residual.likelihood * risk.residual.impact;
  return [
    risk.id,
    risk.title,
    risk.names?.fr ?? null,
    risk.names?.en ?? null,
    risk.threat,
    list(risk.assets.map((asset) => `${asset.type}:${asset.id}`)),
    risk.cause ?? null,
    risk.consequence ?? null,
    risk.owner ?? null,
    risk.inherent.likelihood,
    risk.inherent.impact,
    risk.residual.likelihood,
    risk.residual.impact,
    risk.reviewDate ?? null,
    list(risk.scenarios),
    risk.treatments.length > 0 ? risk.treatments.map(treatmentLine).join('\n') : null,
    inherent,
    bandOf(matrix, inherent).label,
    residual,
    bandOf(matrix, residual).label,
  ];
}

const HEADER = [...RISK_COLUMNS, ...COMPUTED_RISK_COLUMNS];

/** Writes the register; reading the file back gives the same risks. */
export async function writeRiskSheet(risks: readonly Risk[], matrix: RiskMatrix, format: TableFormat): Promise<Buffer> {
  const rows = risks.map((risk) => riskCells(risk, matrix));
  if (format === 'csv') return writeCsv([HEADER, ...rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))]);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(RISK_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  sheet.columns = HEADER.map((name, index) => ({
    header: name,
    width: Math.min(60, Math.max(name.length + 2, 8, ...rows.slice(0, 200).map((row) => String(row[index] ?? '').split('\n')[0].length + 2))),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRows(rows.map((row) => row.map((cell) => (typeof cell === 'string' ? escapeXlsxText(cell) : cell))));
  const treatmentsColumn = sheet.getColumn(RISK_COLUMNS.indexOf('treatments') + 1);
  treatmentsColumn.alignment = { wrapText: true, vertical: 'top' };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HEADER.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
