// The activity spreadsheet of a BIA campaign (CSV or XLSX, one row per activity): reading with row-numbered problems, writing, template.
import ExcelJS from 'exceljs';
import { formatDuration, parseDuration } from '../model/duration.js';
import { Activity, type BiaSettings } from '../model/organisation.js';
import { formatPath, problem as makeProblem, ruleOfIssue, type Problem } from '../model/problem.js';
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

/** Name of the worksheet that holds the table; read first when present, whatever its position. */
export const ACTIVITY_SHEET_NAME = 'Activities';
/** Name of the worksheet that explains the columns, in English and French. */
export const INSTRUCTIONS_SHEET_NAME = 'Instructions';
/** Most activity rows one file may hold. */
export const MAX_ACTIVITY_ROWS = 50_000;

/** The fixed columns, in the order they are written; impact columns `<categoryId>@<time point>` follow. */
export const ACTIVITY_COLUMNS = [
  'id',
  'name',
  'name_fr',
  'name_en',
  'owner',
  'description',
  'products',
  'mtpd',
  'rto',
  'rpo',
  'mbco',
  'applications',
  'suppliers',
  'depends_on',
  'staff',
  // Prose in each language (issue 17), after the columns older files have, so that their positions stay.
  'owner_title_fr',
  'owner_title_en',
  'description_fr',
  'description_en',
  'products_fr',
  'products_en',
  // Issue 15, after the columns older files have.
  'downtime_cost_per_hour',
] as const;
export type ActivityColumn = (typeof ACTIVITY_COLUMNS)[number];

/** Columns without which no row can become an activity. */
export const REQUIRED_ACTIVITY_COLUMNS: readonly ActivityColumn[] = ['id', 'name', 'mtpd', 'rto', 'mbco'];

/** Where each column lands in an activity, as a problem path. */
const FIELD_OF: Record<ActivityColumn, string> = {
  id: 'id',
  name: 'name',
  name_fr: 'names.fr',
  name_en: 'names.en',
  owner: 'owner',
  owner_title_fr: 'ownerTitles.fr',
  owner_title_en: 'ownerTitles.en',
  description: 'description',
  description_fr: 'descriptions.fr',
  description_en: 'descriptions.en',
  products: 'products',
  products_fr: 'productNames.fr',
  products_en: 'productNames.en',
  mtpd: 'mtpd',
  rto: 'rto',
  rpo: 'rpo',
  mbco: 'mbco',
  applications: 'applications',
  suppliers: 'suppliers',
  depends_on: 'dependsOn',
  staff: 'staff',
  downtime_cost_per_hour: 'downtimeCostPerHour',
};
const COLUMN_OF_FIELD: Record<string, string> = Object.fromEntries(Object.entries(FIELD_OF).map(([column, field]) => [field, column]));

/** The header of the impact column for a category at a time point: `financial@1d`. */
export function impactColumnName(categoryId: string, hours: number): string {
  return `${categoryId}@${formatDuration(hours)}`;
}

/** All headers for these BIA settings, in the order they are written. */
export function activitySheetHeader(bia: BiaSettings): string[] {
  return [...ACTIVITY_COLUMNS, ...bia.categories.flatMap((category) => bia.timePoints.map((hours) => impactColumnName(category.id, hours)))];
}

/** What `parseActivitySheet` found. */
export interface ActivitySheetResult {
  /** The rows that passed every check, as activities. Import only when `problems` is empty: nothing half-imported. */
  activities: Activity[];
  /** Every problem of every row, ordered by row then column, each with `row` and (when it concerns a cell) `column`. */
  problems: Problem[];
  /** `rowOf[i]` is the spreadsheet row of `activities[i]`: see `locateActivityProblem`. */
  rowOf: number[];
  /** Activity field (`mtpd`, `dependsOn`, `names.fr`, `impacts.financial[2]`) → the header as written in the file. */
  columns: Record<string, string>;
  /**
   * The rows refused for their values, as far as they could be read (`id`, the reference lists, `staff` entries), so
   * that their references are checked in the same pass: see `sheetReferenceProblems`.
   */
  refused: Array<{ row: number; draft: Record<string, unknown> }>;
}

type ImpactBinding = { kind: 'impact'; index: number; header: string; category: string; point: number; field: string };
type Binding = { kind: 'base'; index: number; header: string; column: ActivityColumn; field: string } | ImpactBinding;

/** `staff[0].site` → `staff`, `names.fr` → `names.fr`, `impacts.financial[2]` → `impacts.financial[2]`: the part a column holds. */
function fieldHead(relative: string): string {
  const match = /^((?:names|ownerTitles|descriptions|productNames)\.(?:fr|en)|impacts\.[^[\]]+\[\d+\]|[A-Za-z]+)/.exec(relative);
  return match ? match[1] : relative;
}

/**
 * Rewrites a problem found on the parsed activities (`activities[3].applications[1]`, as the caller's checks against the
 * stored model produce) into the spreadsheet's terms: `rows[5].applications[1]`, `row: 5`, `column: 'applications'`.
 * Pass `columns` from the parse result to name columns exactly as the file wrote them (and to place impact problems).
 * Problems about anything else are returned unchanged.
 */
export function locateActivityProblem(problem: Problem, rowOf: number[], columns?: Record<string, string>): Problem {
  const match = /^activities\[(\d+)\](?:\.(.+))?$/.exec(problem.path);
  if (!match) return problem;
  const row = rowOf[Number(match[1])];
  if (row === undefined) return problem;
  const relative = match[2];
  if (!relative) return { ...problem, path: `rows[${row}]`, row };
  const head = fieldHead(relative);
  const column = columns?.[head] ?? COLUMN_OF_FIELD[head];
  return { ...problem, path: `rows[${row}].${relative}`, row, ...(column !== undefined ? { column } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading cells

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
// French spreadsheets write decimals with a comma; "1,000" could be an English thousand, so three decimals are refused.
const DECIMAL_COMMA = /^([+-]?\d+),(\d+)((?:e[+-]?\d+)?)$/i;

type Parsed<T> = { ok: true; value: T } | { ok: false; rule: string; message: string };

function parseNumberText(text: string): Parsed<number> {
  let source = text.trim();
  const comma = DECIMAL_COMMA.exec(source);
  if (comma) {
    if (comma[2].length === 3 && !/^[+-]?0$/.test(comma[1]))
      return {
        ok: false,
        rule: 'ambiguous_number',
        message: `"${source}" could be a thousand separator or a decimal comma: write ${comma[1]}${comma[2]} or ${comma[1]}.${comma[2]}`,
      };
    source = `${comma[1]}.${comma[2]}${comma[3]}`;
  }
  if (!NUMBER_TEXT.test(source)) return { ok: false, rule: 'not_a_number', message: 'must be a number' };
  return { ok: true, value: Number(source) };
}

function parseNumber(cell: CellValue): Parsed<number> {
  return typeof cell === 'number' ? { ok: true, value: cell } : parseNumberText(cell);
}

/** `0.8`, `0,8`, `80%` or `80 %` → 0.8. */
function parseFraction(cell: CellValue): Parsed<number> {
  if (typeof cell === 'number') return { ok: true, value: cell };
  const text = cell.trim();
  const percent = text.endsWith('%');
  const parsed = parseNumberText(percent ? text.slice(0, -1) : text);
  if (!parsed.ok) return parsed.rule === 'not_a_number' ? { ...parsed, message: 'must be a share such as 0.5 or 50%' } : parsed;
  // 33.3 / 100 is 0.33299999999999996 in binary floating point: round to what the user wrote.
  return percent ? { ok: true, value: Number((parsed.value / 100).toPrecision(15)) } : parsed;
}

const DURATION_MESSAGE = 'must be hours (48) or a duration such as "90m", "4h", "3d" or "2w"';

/** `48`, `1,5`, `4h`, `3D`, `2w`, `90m` → hours. */
function parseHours(cell: CellValue): Parsed<number> {
  let hours: number | undefined;
  if (typeof cell === 'number') hours = cell;
  else {
    const number = parseNumberText(cell);
    if (number.ok) hours = number.value;
    else if (number.rule === 'ambiguous_number') return number;
    else
      hours = parseDuration(
        cell
          .trim()
          .toLowerCase()
          .replace(/^(\d+),(\d+)/, '$1.$2'),
      );
  }
  if (hours === undefined || !Number.isFinite(hours)) return { ok: false, rule: 'not_a_duration', message: DURATION_MESSAGE };
  if (hours < 0) return { ok: false, rule: 'too_small', message: 'must be 0 hours or more' };
  return { ok: true, value: hours };
}

function splitList(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const STAFF_SYNTAX = 'site:headcount:remote:pool1|pool2, e.g. "paris:120:0.8:vpn|vdi" (entries separated by ";", pools may be left out)';

// ---------------------------------------------------------------------------------------------------------------------
// The header

interface Header {
  bindings: Binding[];
  problems: Problem[];
}

function normaliseBase(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function analyseHeader(headerRow: TableRow, dataRows: TableRow[], bia: BiaSettings): Header {
  const bindings: Binding[] = [];
  const problems: Problem[] = [];
  const row = headerRow.number;
  const headerProblem = (column: string, rule: string, value: unknown, message: string): Problem => ({
    ...makeProblem(['rows', row], rule, value, message),
    row,
    column,
  });
  const bound = new Map<string, Binding>();
  const expected = `expected ${ACTIVITY_COLUMNS.join(', ')} or <category>@<time point> such as ${impactColumnName(bia.categories[0].id, bia.timePoints[0])}`;
  const unnamed = new Set<number>();

  headerRow.cells.forEach((cell, index) => {
    const header = cellText(cell).trim();
    if (header === '') {
      unnamed.add(index);
      return;
    }
    let binding: Binding | undefined;
    const base = normaliseBase(header);
    if ((ACTIVITY_COLUMNS as readonly string[]).includes(base)) {
      const column = base as ActivityColumn;
      binding = { kind: 'base', index, header, column, field: FIELD_OF[column] };
    } else if (header.includes('@')) {
      const at = header.indexOf('@');
      const categoryText = header.slice(0, at).trim();
      const pointText = header.slice(at + 1).trim();
      const category =
        bia.categories.find((candidate) => candidate.id === categoryText) ??
        bia.categories.find((candidate) => candidate.id.toLowerCase() === categoryText.toLowerCase());
      const hours = parseHours(pointText);
      const point = hours.ok ? bia.timePoints.indexOf(hours.value) : -1;
      if (!category) {
        problems.push(
          headerProblem(
            header,
            'unknown_column',
            header,
            `unknown impact category "${categoryText}": expected one of ${bia.categories.map((c) => c.id).join(', ')}`,
          ),
        );
        return;
      }
      if (point < 0) {
        problems.push(
          headerProblem(
            header,
            'unknown_column',
            header,
            `"${pointText}" is not one of the BIA time points: ${bia.timePoints.map((h) => formatDuration(h)).join(', ')}`,
          ),
        );
        return;
      }
      binding = { kind: 'impact', index, header, category: category.id, point, field: formatPath(['impacts', category.id, point]) };
    }
    if (!binding) {
      problems.push(headerProblem(header, 'unknown_column', header, `unknown column "${header}": ${expected}`));
      return;
    }
    const previous = bound.get(binding.field);
    if (previous) {
      problems.push(
        headerProblem(header, 'duplicate_column', header, `column "${header}" repeats column ${columnLetter(previous.index)} ("${previous.header}")`),
      );
      return;
    }
    bound.set(binding.field, binding);
    bindings.push(binding);
  });

  for (const column of REQUIRED_ACTIVITY_COLUMNS) {
    if (!bound.has(FIELD_OF[column])) problems.push(headerProblem(column, 'missing_column', column, `the required column "${column}" is missing`));
  }

  // Data under no header would be silently lost: refuse it, naming the spreadsheet column, once per column.
  const width = headerRow.cells.length;
  const reported = new Set<number>();
  for (const dataRow of dataRows) {
    for (let index = 0; index < dataRow.cells.length; index++) {
      if ((index < width && !unnamed.has(index)) || reported.has(index) || isBlank(dataRow.cells[index])) continue;
      reported.add(index);
      const letter = columnLetter(index);
      problems.push({
        ...makeProblem(['rows', dataRow.number], 'unnamed_column', cellText(dataRow.cells[index]), `column ${letter} holds data but has no header`),
        row: dataRow.number,
        column: letter,
      });
    }
  }
  return { bindings, problems };
}

// ---------------------------------------------------------------------------------------------------------------------
// The rows

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

  cell(binding: Binding): CellValue {
    return this.row.cells[binding.index] ?? '';
  }

  report(binding: Binding | undefined, relative: ReadonlyArray<PropertyKey>, rule: string, message: string): void {
    this.add(binding, relative, rule, message, binding ? cellText(this.cell(binding)) : '');
  }
}

/** Zod's messages are written for developers: say the same for people, and name the list item at fault. */
function friendlierMessage(
  relative: string,
  rule: string,
  issue: { message: string; origin?: unknown; maximum?: unknown; minimum?: unknown },
  cell: string,
): string {
  let message = issue.message;
  if (/^staff\[\d+\]\.headcount$/.test(relative) && rule === 'too_small') message = 'must be 0 or more';
  else if (issue.origin === 'string' && rule === 'too_small') message = 'must not be empty';
  const item = /^(staff|products|applications|suppliers|dependsOn)\[(\d+)\](?:\.(\w+))?/.exec(relative);
  if (!item) return message;
  const index = Number(item[2]);
  const text = splitList(cell, ';')[index] ?? '';
  return `${item[1] === 'staff' ? 'staff entry' : 'item'} ${index + 1} "${text}"${item[3] ? `, ${item[3]}` : ''}: ${message}`;
}

function readStaff(reader: RowReader, binding: Binding, text: string): unknown[] {
  return splitList(text, ';').map((entry, index) => {
    const parts = entry.split(':').map((part) => part.trim());
    if (parts.length < 3 || parts.length > 4) {
      reader.report(binding, ['staff', index], 'staff_syntax', `staff entry ${index + 1} "${entry}": expected ${STAFF_SYNTAX}`);
      return undefined;
    }
    const [site, headcountText, remoteText, accessText = ''] = parts;
    const headcount = parseNumberText(headcountText);
    if (!headcount.ok)
      reader.report(binding, ['staff', index, 'headcount'], headcount.rule, `staff entry ${index + 1} "${entry}", headcount: ${headcount.message}`);
    const remote = parseFraction(remoteText);
    if (!remote.ok) reader.report(binding, ['staff', index, 'remote'], remote.rule, `staff entry ${index + 1} "${entry}", remote: ${remote.message}`);
    return {
      site,
      headcount: headcount.ok ? headcount.value : undefined,
      remote: remote.ok ? remote.value : undefined,
      access: splitList(accessText, '|'),
    };
  });
}

interface RowOutcome {
  activity?: Activity;
  located: Located[];
  id?: string;
  /** The row's cells as converted before the schema check. */
  draft: Record<string, unknown>;
}

function readRow(row: TableRow, byField: Map<string, Binding>, impactBindings: ImpactBinding[], bia: BiaSettings, scale: Map<number, string>): RowOutcome {
  const reader = new RowReader(row, byField);
  const input: Record<string, unknown> = {};
  const text = (field: string): string | undefined => {
    const binding = reader.binding(field);
    if (!binding) return undefined;
    const value = cellText(reader.cell(binding));
    return value.trim() === '' ? undefined : value;
  };
  const required = (field: string): string | undefined => {
    const value = text(field);
    if (value === undefined) reader.report(reader.binding(field), [field], 'required', 'required: this cell must not be empty');
    return value;
  };

  const id = required('id')?.trim();
  if (id !== undefined) input.id = id;
  const name = required('name')?.trim();
  if (name !== undefined) input.name = name;
  const fr = text('names.fr')?.trim();
  const en = text('names.en')?.trim();
  if (fr !== undefined || en !== undefined) input.names = { ...(fr !== undefined ? { fr } : {}), ...(en !== undefined ? { en } : {}) };
  const owner = text('owner')?.trim();
  if (owner !== undefined) input.owner = owner;
  // Descriptions keep their spacing and line breaks: they are free text.
  const description = text('description');
  if (description !== undefined) input.description = description;
  // The French and English variants of prose (issue 17): a sheet that round-trips keeps them.
  const pair = (field: string, read: (value: string) => unknown) => {
    const values = Object.fromEntries(
      (['fr', 'en'] as const).flatMap((language) => {
        const value = text(`${field}.${language}`);
        return value === undefined ? [] : [[language, read(value)]];
      }),
    );
    if (Object.keys(values).length > 0) input[field] = values;
  };
  pair('ownerTitles', (value) => value.trim());
  pair('descriptions', (value) => value);
  pair('productNames', (value) => splitList(value, ';'));
  for (const field of ['products', 'applications', 'suppliers', 'dependsOn']) {
    const value = text(field);
    if (value !== undefined) input[field] = splitList(value, ';');
  }

  for (const field of ['mtpd', 'rto', 'rpo']) {
    const binding = reader.binding(field);
    const value = field === 'rpo' ? text(field) : required(field);
    if (!binding || value === undefined) continue;
    const hours = parseHours(reader.cell(binding));
    if (hours.ok) input[field] = hours.value;
    else reader.report(binding, [field], hours.rule, hours.message);
  }

  const mbcoBinding = reader.binding('mbco');
  if (mbcoBinding && required('mbco') !== undefined) {
    const mbco = parseFraction(reader.cell(mbcoBinding));
    if (mbco.ok) input.mbco = mbco.value;
    else reader.report(mbcoBinding, ['mbco'], mbco.rule, mbco.message);
  }

  const costBinding = reader.binding('downtimeCostPerHour');
  if (costBinding && text('downtimeCostPerHour') !== undefined) {
    const cost = parseNumber(reader.cell(costBinding));
    if (cost.ok) input.downtimeCostPerHour = cost.value;
    else
      reader.report(costBinding, ['downtimeCostPerHour'], cost.rule, cost.rule === 'not_a_number' ? 'must be an amount such as 1500 or 1500.50' : cost.message);
  }

  const staffBinding = reader.binding('staff');
  const staff = text('staff');
  if (staffBinding && staff !== undefined) input.staff = readStaff(reader, staffBinding, staff);

  const impacts: Record<string, (number | null)[]> = {};
  for (const binding of impactBindings) {
    const cell = reader.cell(binding);
    if (isBlank(cell)) continue;
    const rating = parseNumber(cell);
    if (!rating.ok || !scale.has(rating.value)) {
      const allowed = [...scale].map(([value, label]) => `${value} (${label})`).join(', ');
      reader.report(binding, ['impacts', binding.category, binding.point], 'not_in_scale', `rating must be one of ${allowed}, or empty when not rated`);
      continue;
    }
    impacts[binding.category] ??= bia.timePoints.map(() => null);
    impacts[binding.category][binding.point] = rating.value;
  }
  // A category with no rating at all is stored as absent, as for an activity created without ratings.
  if (Object.keys(impacts).length > 0) input.impacts = impacts;

  const result = Activity.safeParse(input, { reportInput: true });
  if (!result.success) {
    // The schema sees no value where conversion already failed: those cells are reported once, by the conversion.
    const reported = [...reader.reported];
    for (const issue of result.error.issues) {
      const relative = formatPath(issue.path);
      if (reported.some((path) => relative === path || relative.startsWith(`${path}.`) || relative.startsWith(`${path}[`))) continue;
      // The rule and its message as the API and the CLI name them for the same value (one message per rule).
      const { rule, message } = ruleOfIssue(issue, issue.input);
      const binding = reader.binding(fieldHead(relative));
      const cell = binding ? cellText(reader.cell(binding)) : '';
      reader.report(binding, issue.path, rule, friendlierMessage(relative, rule, { ...(issue as Parameters<typeof friendlierMessage>[2]), message }, cell));
    }
  }
  return {
    activity: result.success && reader.located.length === 0 ? result.data : undefined,
    located: reader.located,
    id,
    draft: input,
  };
}

/**
 * Reads the activity spreadsheet: a CSV file (`,`, `;` or tab separated, UTF-8 with or without BOM, or Windows-1252)
 * or an XLSX workbook (the worksheet named "Activities", else the first one). The header row names the columns, in any
 * order and case: {@link ACTIVITY_COLUMNS} and one `<categoryId>@<time point>` column per rating of `bia`.
 *
 * Every row is checked against the `Activity` schema and every problem of every row is reported, with the row number
 * the spreadsheet shows (the header is row 1 when it is the first line), the column as written, the rule and the cell
 * text. Problems with the header itself (missing, unknown or repeated columns) are reported alone, since every row
 * would otherwise repeat them. References to other entities are not checked here: see `locateActivityProblem`.
 */
export async function parseActivitySheet(data: Buffer | Uint8Array, format: TableFormat, bia: BiaSettings): Promise<ActivitySheetResult> {
  const none = { activities: [], rowOf: [], columns: {}, refused: [] };
  const table = await readTable(data, format, { sheetName: ACTIVITY_SHEET_NAME, maxRows: MAX_ACTIVITY_ROWS + 1 });
  if (table.problems.length > 0) return { ...none, problems: table.problems };
  if (table.rows.length === 0)
    return { ...none, problems: [makeProblem(['rows'], 'empty_file', '', 'the file is empty: expected a header row, then one row per activity')] };
  if (table.truncated)
    return {
      ...none,
      // Reading stopped at the first row past the limit: the value is the number of activity rows found so far.
      problems: [
        makeProblem(['file'], 'too_many_rows', MAX_ACTIVITY_ROWS + 1, `the file has more than ${MAX_ACTIVITY_ROWS} activity rows: split it into several files`),
      ],
    };

  const [headerRow, ...dataRows] = table.rows;
  const header = analyseHeader(headerRow, dataRows, bia);
  if (dataRows.length === 0)
    header.problems.push({ ...makeProblem(['rows'], 'empty_file', '', 'the file has a header but no activity rows below it'), row: headerRow.number + 1 });
  if (header.problems.length > 0) return { ...none, problems: header.problems };

  const byField = new Map(header.bindings.map((binding) => [binding.field, binding]));
  const impactBindings = header.bindings.filter((binding): binding is ImpactBinding => binding.kind === 'impact');
  const scale = new Map(bia.scale.map((level) => [level.value, level.label]));
  const columns = Object.fromEntries(header.bindings.map((binding) => [binding.field, binding.header]));
  const idBinding = byField.get('id');

  const activities: Activity[] = [];
  const rowOf: number[] = [];
  const problems: Problem[] = [];
  const refused: ActivitySheetResult['refused'] = [];
  const firstRowOfId = new Map<string, number>();
  for (const row of dataRows) {
    const outcome = readRow(row, byField, impactBindings, bia, scale);
    const located = outcome.located;
    if (outcome.id !== undefined) {
      const first = firstRowOfId.get(outcome.id);
      if (first === undefined) firstRowOfId.set(outcome.id, row.number);
      else
        located.push({
          problem: {
            ...makeProblem(['rows', row.number, 'id'], 'duplicate_id', outcome.id, `id "${outcome.id}" is already used on row ${first}`),
            row: row.number,
            column: idBinding?.header,
          },
          order: idBinding?.index ?? -1,
        });
    }
    if (located.length === 0 && outcome.activity) {
      activities.push(outcome.activity);
      rowOf.push(row.number);
    } else refused.push({ row: row.number, draft: outcome.draft });
    located.sort((a, b) => a.order - b.order);
    for (const { problem } of located) problems.push(problem);
  }
  return { activities, problems, rowOf, columns, refused };
}

// ---------------------------------------------------------------------------------------------------------------------
// Writing

/** Options for writing; the default suits English spreadsheets. */
export interface ActivitySheetWriteOptions {
  /**
   * CSV only: `;` suits French Excel, which then also expects decimal commas (written as `0,5` so that Excel does not
   * turn `1.5` into the 1st of May). Default `,`.
   */
  delimiter?: ',' | ';';
}

type OutCell = string | number | null;

function numberText(value: number, decimalComma: boolean): string {
  const text = String(value);
  if (!decimalComma) return text;
  const comma = text.replace('.', ',');
  // Three decimals after a non-zero integer read as a thousand separator: keep the point there.
  return DECIMAL_COMMA.test(comma) && parseNumberText(comma).ok ? comma : text;
}

function staffText(activity: Activity, decimalComma: boolean): string {
  return activity.staff
    .map((entry) => {
      const parts = [entry.site, numberText(entry.headcount, decimalComma), numberText(entry.remote, decimalComma)];
      if (entry.access.length > 0) parts.push(entry.access.join('|'));
      return parts.join(':');
    })
    .join('; ');
}

/**
 * One row of cells, numbers kept as numbers for XLSX. Ratings of categories or time points that `bia` no longer has
 * cannot be written: the sheet follows the settings.
 */
function activityCells(activity: Activity, bia: BiaSettings, decimalComma: boolean): OutCell[] {
  const list = (items: string[]): OutCell => (items.length > 0 ? items.join('; ') : null);
  const cells: OutCell[] = [
    activity.id,
    activity.name,
    activity.names?.fr ?? null,
    activity.names?.en ?? null,
    activity.owner ?? null,
    activity.description ?? null,
    list(activity.products),
    formatDuration(activity.mtpd),
    formatDuration(activity.rto),
    activity.rpo === undefined ? null : formatDuration(activity.rpo),
    activity.mbco,
    list(activity.applications),
    list(activity.suppliers),
    list(activity.dependsOn),
    activity.staff.length > 0 ? staffText(activity, decimalComma) : null,
    activity.ownerTitles?.fr ?? null,
    activity.ownerTitles?.en ?? null,
    activity.descriptions?.fr ?? null,
    activity.descriptions?.en ?? null,
    activity.productNames?.fr ? list(activity.productNames.fr) : null,
    activity.productNames?.en ? list(activity.productNames.en) : null,
    activity.downtimeCostPerHour ?? null,
  ];
  for (const category of bia.categories) {
    const ratings = activity.impacts[category.id];
    bia.timePoints.forEach((_, point) => cells.push(ratings?.[point] ?? null));
  }
  return cells;
}

function csvCells(cells: OutCell[], decimalComma: boolean): string[] {
  return cells.map((cell) => (cell === null ? '' : typeof cell === 'number' ? numberText(cell, decimalComma) : cell));
}

function toCsv(activities: Activity[], bia: BiaSettings, options: ActivitySheetWriteOptions): Buffer {
  const delimiter = options.delimiter ?? ',';
  const decimalComma = delimiter === ';';
  return writeCsv([activitySheetHeader(bia), ...activities.map((activity) => csvCells(activityCells(activity, bia, decimalComma), decimalComma))], delimiter);
}

function displayWidth(cell: OutCell | undefined): number {
  if (cell === null || cell === undefined) return 0;
  const text = String(cell);
  const newline = text.indexOf('\n');
  return newline >= 0 ? newline : text.length;
}

function addActivitiesSheet(workbook: ExcelJS.Workbook, activities: Activity[], bia: BiaSettings): void {
  const header = activitySheetHeader(bia);
  const rows = activities.map((activity) => activityCells(activity, bia, false).map((cell) => (typeof cell === 'string' ? escapeXlsxText(cell) : cell)));
  const sheet = workbook.addWorksheet(ACTIVITY_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  // Widths from the first rows are enough to look right and keep large exports fast.
  const sample = rows.slice(0, 200);
  sheet.columns = header.map((name, index) => ({
    header: name,
    width: Math.min(index === 5 ? 60 : 40, Math.max(name.length + 2, 8, ...sample.map((row) => displayWidth(row[index]) + 2))),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRows(rows);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
  const first = ACTIVITY_COLUMNS.length + 1;
  if (header.length >= first) {
    // A drop-down of the scale on the rating cells, with room below the data for new activities.
    const lastRow = Math.max(activities.length + 1, 500);
    // exceljs types only per-cell validations; its worksheet model takes a range in one entry, which stays fast for large sheets.
    (sheet as unknown as { dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void } }).dataValidations.add(
      `${columnLetter(first - 1)}2:${columnLetter(header.length - 1)}${lastRow}`,
      {
        type: 'list',
        allowBlank: true,
        formulae: [`"${bia.scale.map((level) => level.value).join(',')}"`],
        showErrorMessage: true,
        errorTitle: 'Rating / Note',
        error: `Choose a rating of the scale (see Instructions). / Choisissez une note de l'échelle (voir Instructions).`,
      },
    );
  }
}

const COLUMN_HELP: Record<ActivityColumn, [en: string, fr: string]> = {
  id: [
    'Identifier of the activity, unique in the organisation: letters, digits, ".", "_" or "-", starting with a letter or digit. Required.',
    "Identifiant de l'activité, unique dans l'organisation : lettres, chiffres, « . », « _ » ou « - », commençant par une lettre ou un chiffre. Obligatoire.",
  ],
  name: ['Reference name. Required.', 'Nom de référence. Obligatoire.'],
  name_fr: ['Name shown in the French interface.', "Nom affiché dans l'interface en français."],
  name_en: ['Name shown in the English interface.', "Nom affiché dans l'interface en anglais."],
  owner: ['Person accountable for the activity.', "Personne responsable de l'activité."],
  owner_title_fr: ['The owner’s job title shown in the French interface.', 'Fonction du responsable affichée dans l’interface en français.'],
  owner_title_en: ['The owner’s job title shown in the English interface.', 'Fonction du responsable affichée dans l’interface en anglais.'],
  description: ['What the activity does (free text).', "Ce que fait l'activité (texte libre)."],
  description_fr: ['The description shown in the French interface.', 'Description affichée dans l’interface en français.'],
  description_en: ['The description shown in the English interface.', 'Description affichée dans l’interface en anglais.'],
  products: ['Products or services it supports, separated by ";".', 'Produits ou services auxquels elle contribue, séparés par « ; ».'],
  products_fr: ['The products in French, separated by ";".', 'Les produits en français, séparés par « ; ».'],
  products_en: ['The products in English, separated by ";".', 'Les produits en anglais, séparés par « ; ».'],
  mtpd: [
    'Maximum tolerable period of disruption: hours (48) or a duration such as 4h, 3d (days), 2w (weeks). Required.',
    "Durée maximale d'interruption acceptable (MTPD) : en heures (48) ou une durée comme 4h, 3d (jours), 2w (semaines). Obligatoire.",
  ],
  rto: [
    'Recovery time objective, in the same units; it must not exceed the MTPD. Required.',
    'Objectif de délai de reprise (RTO), mêmes unités ; il ne doit pas dépasser la MTPD. Obligatoire.',
  ],
  rpo: ['Recovery point objective: how much recent data it can lose, in the same units.', 'Perte de données maximale admissible (RPO), mêmes unités.'],
  mbco: [
    'Minimum business continuity objective: share of normal output acceptable during a disruption, 0.5 or 50%. Required.',
    "Objectif minimal de continuité d'activité (MBCO) : part de l'activité normale acceptable pendant une perturbation, 0,5 ou 50 %. Obligatoire.",
  ],
  applications: ['Ids of the applications it cannot run without, separated by ";".', 'Identifiants des applications indispensables, séparés par « ; ».'],
  suppliers: ['Ids of the suppliers it cannot run without, separated by ";".', 'Identifiants des fournisseurs indispensables, séparés par « ; ».'],
  depends_on: ['Ids of the upstream activities it needs, separated by ";".', 'Identifiants des activités amont dont elle a besoin, séparés par « ; ».'],
  staff: [
    'People who do the activity, per site: site:headcount:remote:pool1|pool2, entries separated by ";" (see below).',
    "Personnel de l'activité par site : site:effectif:télétravail:pool1|pool2, entrées séparées par « ; » (voir plus bas).",
  ],
  downtime_cost_per_hour: [
    'What an hour of disruption costs, in the organisation’s currency (a number, 0 or more); shown beside the costs of strategies.',
    'Coût d’une heure d’interruption, dans la devise de l’organisation (un nombre, 0 ou plus) ; montré à côté du coût des stratégies.',
  ],
};

function hoursLabel(hours: number): [en: string, fr: string] {
  const [count, en, fr] =
    hours > 0 && hours % 168 === 0 ? [hours / 168, 'week', 'semaine'] : hours > 0 && hours % 24 === 0 ? [hours / 24, 'day', 'jour'] : [hours, 'hour', 'heure'];
  // French keeps the singular below two ("1,5 heure").
  return [`${count} ${en}${count === 1 ? '' : 's'}`, `${String(count).replace('.', ',')} ${fr}${count >= 2 ? 's' : ''}`];
}

function addInstructionsSheet(workbook: ExcelJS.Workbook, bia: BiaSettings, example: Activity): void {
  const sheet = workbook.addWorksheet(INSTRUCTIONS_SHEET_NAME);
  sheet.columns = [{ width: 24 }, { width: 60 }, { width: 60 }, { width: 34 }];
  const bold = (row: ExcelJS.Row): void => {
    row.font = { bold: true };
  };
  const title = (en: string, fr: string): void => {
    sheet.addRow([]);
    const row = sheet.addRow([`${en} / ${fr}`]);
    row.font = { bold: true, size: 13 };
  };
  const exampleCells = activityCells(example, bia, false);
  const wrap = (row: ExcelJS.Row): void => {
    row.alignment = { wrapText: true, vertical: 'top' };
  };

  const heading = sheet.addRow(['Activity sheet / Fiche des activités']);
  heading.font = { bold: true, size: 15 };
  wrap(
    sheet.addRow([
      '',
      `One row per activity in the "${ACTIVITY_SHEET_NAME}" sheet, below the header row. Keep the column names; the order does not matter. Empty rows are ignored.`,
      `Une ligne par activité dans la feuille « ${ACTIVITY_SHEET_NAME} », sous la ligne d'en-tête. Gardez les noms de colonnes ; leur ordre est libre. Les lignes vides sont ignorées.`,
    ]),
  );

  title('Columns', 'Colonnes');
  bold(sheet.addRow(['Column / Colonne', 'Meaning', 'Signification', 'Example / Exemple']));
  ACTIVITY_COLUMNS.forEach((column, index) => wrap(sheet.addRow([column, ...COLUMN_HELP[column], exampleCells[index] ?? ''])));
  const firstImpact = impactColumnName(bia.categories[0].id, bia.timePoints[0]);
  wrap(
    sheet.addRow([
      '<category>@<time>',
      `Impact of losing the activity for that long, one column per category and time point (e.g. ${firstImpact}): a rating of the scale below; leave empty when not rated.`,
      `Impact de la perte de l'activité pendant cette durée, une colonne par catégorie et par durée (ex. ${firstImpact}) : une note de l'échelle ci-dessous ; laisser vide si non évalué.`,
      exampleCells[ACTIVITY_COLUMNS.length] ?? '',
    ]),
  );

  title('Staff syntax', 'Syntaxe du personnel');
  const staffRows: [string, string, string][] = [
    ['site', 'Id of the site where they normally work.', 'Identifiant du site où ils travaillent habituellement.'],
    ['headcount', 'Number of people.', 'Nombre de personnes (effectif).'],
    ['remote', 'Share who can do the work from home: 0.8 or 80%.', 'Part pouvant travailler à distance : 0,8 ou 80 %.'],
    [
      'pool1|pool2',
      'Ids of the remote-access pools (VPN, VDI…) they can use, tried in this order, separated by "|". May be left out.',
      "Identifiants des moyens d'accès à distance (VPN, VDI…) utilisables, dans l'ordre, séparés par « | ». Facultatif.",
    ],
  ];
  for (const row of staffRows) wrap(sheet.addRow(row));
  wrap(
    sheet.addRow([
      'Example / Exemple',
      'paris:120:0.8:vpn|vdi; lyon:30:50%:vpn; marseille:10:0 — entries separated by ";".',
      'paris:120:0,8:vpn|vdi; lyon:30:50%:vpn; marseille:10:0 — entrées séparées par « ; ».',
    ]),
  );

  title('Rating scale', 'Échelle de cotation');
  bold(sheet.addRow(['Rating / Note', 'Label', 'Libellé', 'Description']));
  for (const level of bia.scale) {
    const intolerable = level.value >= bia.intolerable ? ' (intolerable / intolérable)' : '';
    wrap(sheet.addRow([level.value, `${level.names?.en ?? level.label}${intolerable}`, level.names?.fr ?? level.label, level.description ?? '']));
  }

  // What each level means per category, so that owners filling the sheet rate a loss as the settings mean it.
  if (bia.criteria && bia.criteria.length > 0) {
    title('Impact criteria', "Critères d'impact");
    bold(sheet.addRow(['Category@rating / Catégorie@note', 'Meaning', 'Signification', 'Loss above / Perte supérieure à']));
    const levels = new Map(bia.scale.map((level, index) => [level.value, index]));
    const categories = new Map(bia.categories.map((category, index) => [category.id, index]));
    const sorted = [...bia.criteria].sort(
      (a, b) => (categories.get(a.category) ?? 0) - (categories.get(b.category) ?? 0) || (levels.get(a.level) ?? 0) - (levels.get(b.level) ?? 0),
    );
    for (const criterion of sorted)
      wrap(
        sheet.addRow([
          `${criterion.category}@${criterion.level}`,
          criterion.descriptions?.en ?? criterion.description ?? '',
          criterion.descriptions?.fr ?? criterion.description ?? '',
          ...(criterion.threshold === undefined ? [] : [criterion.threshold]),
        ]),
      );
  }

  title('Impact categories', "Catégories d'impact");
  bold(sheet.addRow(['Id', 'Category', 'Catégorie']));
  for (const category of bia.categories) sheet.addRow([category.id, category.names?.en ?? category.name, category.names?.fr ?? category.name]);

  title('Time points', 'Durées évaluées');
  bold(sheet.addRow(['Column / Colonne', 'After', 'Après']));
  for (const hours of bia.timePoints) sheet.addRow([`@${formatDuration(hours)}`, ...hoursLabel(hours)]);

  title('Durations', 'Durées');
  wrap(
    sheet.addRow([
      '',
      'Hours as a number (48, 1.5) or with a unit: 90m (minutes), 4h (hours), 3d (days of 24 h), 2w (weeks of 7 days).',
      'Heures en nombre (48, 1,5) ou avec une unité : 90m (minutes), 4h (heures), 3d (jours de 24 h), 2w (semaines de 7 jours).',
    ]),
  );
}

async function toXlsx(activities: Activity[], bia: BiaSettings): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Rempart';
  addActivitiesSheet(workbook, activities, bia);
  addInstructionsSheet(workbook, bia, exampleActivity(bia));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Writes activities in the format `parseActivitySheet` reads, so that `parse(write(x))` gives `x` back. The columns
 * follow `bia`: ratings of categories or time points it does not have are not written, and a category with no rating
 * reads back as absent. List items containing ";" cannot be told apart when read back. XLSX adds an "Instructions"
 * worksheet in English and French.
 */
export async function writeActivitySheet(
  activities: Activity[],
  bia: BiaSettings,
  format: TableFormat,
  options: ActivitySheetWriteOptions = {},
): Promise<Buffer> {
  return format === 'csv' ? toCsv(activities, bia, options) : toXlsx(activities, bia);
}

/** A realistic activity to show how a row is filled in, rated on the organisation's own categories and scale. */
export function exampleActivity(bia: BiaSettings): Activity {
  const values = bia.scale.map((level) => level.value);
  const last = Math.max(1, bia.timePoints.length - 1);
  const impacts: Record<string, (number | null)[]> = {};
  bia.categories.forEach((category, index) => {
    // Impacts grow with time; categories differ a little so that the example does not look mechanical.
    const offset = index % 3 === 2 ? 1 : 0;
    impacts[category.id] = bia.timePoints.map(
      (_, point) => values[Math.max(0, Math.min(values.length - 1, Math.round((point / last) * (values.length - 1)) - offset))],
    );
  });
  return {
    id: 'claims-handling',
    name: 'Claims handling',
    names: { fr: 'Gestion des sinistres', en: 'Claims handling' },
    owner: 'Head of claims',
    description: "Registers, assesses and settles policyholders' claims; pays the repairers.",
    products: ['Motor insurance', 'Home insurance'],
    mtpd: 72,
    rto: 24,
    rpo: 4,
    mbco: 0.5,
    staff: [
      { site: 'paris', headcount: 120, remote: 0.8, access: ['vpn', 'vdi'] },
      { site: 'lyon', headcount: 30, remote: 0.5, access: ['vpn'] },
    ],
    applications: ['claims-system', 'document-management'],
    suppliers: ['loss-adjusters'],
    dependsOn: ['customer-service'],
    impacts,
    downtimeCostPerHour: 4000,
  };
}

/** An empty sheet to fill in: the header and one example row (and, for XLSX, the Instructions worksheet). */
export async function activitySheetTemplate(bia: BiaSettings, format: TableFormat, options: ActivitySheetWriteOptions = {}): Promise<Buffer> {
  return writeActivitySheet([exampleActivity(bia)], bia, format, options);
}
