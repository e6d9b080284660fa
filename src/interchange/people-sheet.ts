// The people directory as a spreadsheet (CSV or XLSX, one row per person): reading with problems named by row, column,
// rule and value, and writing a file that reads back to the same people.
import ExcelJS from 'exceljs';
import { problem as makeProblem, problemsFromZod, type Problem } from '../model/problem.js';
import { MOBILE_MESSAGE, PersonInput, personOf, type Person } from '../model/person.js';
import { cellText, escapeXlsxText, isBlank, readTable, writeCsv, type CellValue, type TableFormat, type TableRow } from './table-file.js';

/** Worksheet holding the directory; read first when present, whatever its position. */
export const PEOPLE_SHEET_NAME = 'People';
/** Most people one file may hold: a large employer's whole staff, far below what would strain a request. */
export const MAX_PEOPLE_ROWS = 100_000;
/** Problems reported for one file at most; a last one says how many more there were. */
export const MAX_SHEET_PROBLEMS = 500;

/** The columns read and written, in the order they are written. */
export const PEOPLE_COLUMNS = ['id', 'name', 'email', 'mobile', 'language', 'site', 'activities', 'remote_capable'] as const;
export type PeopleColumn = (typeof PEOPLE_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly PeopleColumn[] = ['id', 'name', 'language'];

const FIELD_OF: Record<PeopleColumn, keyof Person> = {
  id: 'id',
  name: 'name',
  email: 'email',
  mobile: 'mobile',
  language: 'language',
  site: 'site',
  activities: 'activities',
  remote_capable: 'remoteCapable',
};

/** Headers HR exports and French spreadsheets use for the same columns (compared without accents or case). */
const ALIASES: Record<string, PeopleColumn> = {
  staff_number: 'id',
  matricule: 'id',
  nom: 'name',
  full_name: 'name',
  e_mail: 'email',
  mail: 'email',
  courriel: 'email',
  mobile_phone: 'mobile',
  portable: 'mobile',
  telephone_mobile: 'mobile',
  langue: 'language',
  lang: 'language',
  activites: 'activities',
  activity: 'activities',
  remote: 'remote_capable',
  remotecapable: 'remote_capable',
  teletravail: 'remote_capable',
};

/**
 * Columns Rempart refuses to keep, whatever else the file holds: a notification needs none of them, and a directory
 * of personal data keeps only what its purpose needs (GDPR art. 5(1)(c)).
 */
const NOT_KEPT =
  /^(address|adresse|street|rue|postcode|postal_code|zip|code_postal|city|ville|birth|date_of_birth|birth_date|birthdate|dob|date_de_naissance|naissance|age|gender|sexe|genre|nationality|nationalite|social_security|ssn|numero_de_securite_sociale|health|sante)/;

const LANGUAGE_WORDS: Record<string, 'fr' | 'en'> = { fr: 'fr', french: 'fr', francais: 'fr', en: 'en', english: 'en', anglais: 'en' };
const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 'oui', 'o', 'vrai', 'x']);
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', 'non', 'faux']);

/** The model's ids a file may refer to; without them, references are not checked. */
export interface PeopleReferences {
  sites: ReadonlySet<string>;
  activities: ReadonlySet<string>;
}

export interface PeopleSheetResult {
  /** Rows that passed every check. Import only when `problems` is empty. */
  people: Person[];
  /** Every problem, ordered by row then column, each with `row` and, for a cell, `column`. */
  problems: Problem[];
  /** `rowOf[i]` is the spreadsheet row of `people[i]`. */
  rowOf: number[];
  /** Person field (`remoteCapable`) → header as written in the file (`Télétravail`). */
  columns: Partial<Record<keyof Person, string>>;
}

function plainHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_');
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

interface Binding {
  index: number;
  header: string;
  column: PeopleColumn;
}

function analyseHeader(headerRow: TableRow, dataRows: TableRow[]): { bindings: Binding[]; problems: Problem[] } {
  const row = headerRow.number;
  const problems: Problem[] = [];
  const at = (column: string, rule: string, value: unknown, message: string): Problem => ({ ...makeProblem(['rows', row], rule, value, message), row, column });
  const bound = new Map<PeopleColumn, Binding>();
  const unnamed = new Set<number>();
  headerRow.cells.forEach((cell, index) => {
    const header = cellText(cell).trim();
    if (header === '') {
      unnamed.add(index);
      return;
    }
    const plain = plainHeader(header);
    const column = (PEOPLE_COLUMNS as readonly string[]).includes(plain) ? (plain as PeopleColumn) : ALIASES[plain];
    if (!column) {
      problems.push(
        NOT_KEPT.test(plain)
          ? at(
              header,
              'not_kept',
              header,
              `column "${header}": Rempart keeps no addresses, birth dates or other personal data a notification does not need; remove the column`,
            )
          : at(header, 'unknown_column', header, `unknown column "${header}": expected ${PEOPLE_COLUMNS.join(', ')}`),
      );
      return;
    }
    const previous = bound.get(column);
    if (previous) {
      problems.push(at(header, 'duplicate_column', header, `column "${header}" repeats column ${columnLetter(previous.index)} ("${previous.header}")`));
      return;
    }
    bound.set(column, { index, header, column });
  });
  for (const column of REQUIRED_COLUMNS)
    if (!bound.has(column)) problems.push(at(column, 'missing_column', column, `the required column "${column}" is missing`));
  if (!bound.has('email') && !bound.has('mobile'))
    problems.push(at('email', 'missing_column', 'email', 'the file needs an "email" or a "mobile" column: a person must be reachable'));
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
  return { bindings: [...bound.values()].sort((a, b) => a.index - b.index), problems };
}

interface Located {
  problem: Problem;
  order: number;
}

class RowReader {
  readonly located: Located[] = [];
  /** Fields already reported by a conversion: the schema's complaint about them would repeat it. */
  readonly reported = new Set<string>();
  constructor(
    readonly row: TableRow,
    private readonly byColumn: Map<PeopleColumn, Binding>,
  ) {}

  cell(column: PeopleColumn): CellValue {
    const binding = this.byColumn.get(column);
    return binding ? (this.row.cells[binding.index] ?? '') : '';
  }

  text(column: PeopleColumn): string | undefined {
    const value = cellText(this.cell(column)).trim();
    return value === '' ? undefined : value;
  }

  report(column: PeopleColumn, relative: ReadonlyArray<PropertyKey>, rule: string, message: string, value: unknown): void {
    const binding = this.byColumn.get(column);
    this.reported.add(FIELD_OF[column]);
    this.located.push({
      problem: { ...makeProblem(['rows', this.row.number, ...relative], rule, value, message), row: this.row.number, column: binding?.header ?? column },
      order: binding?.index ?? -1,
    });
  }
}

const COLUMN_OF_FIELD = Object.fromEntries(Object.entries(FIELD_OF).map(([column, field]) => [field, column])) as Record<string, PeopleColumn>;

function readRow(reader: RowReader, references: PeopleReferences | undefined): Person | undefined {
  const input: Record<string, unknown> = {};
  for (const column of ['id', 'name', 'email', 'site'] as const) {
    const value = reader.text(column);
    if (value !== undefined) input[FIELD_OF[column]] = value;
  }
  if (input.id === undefined)
    reader.report('id', ['id'], 'required', 'required: a stable id per person, such as a staff number (export the directory to see the ids it has)', '');
  if (input.name === undefined) reader.report('name', ['name'], 'required', 'required: this cell must not be empty', '');
  const mobileCell = reader.cell('mobile');
  if (typeof mobileCell === 'number')
    // Excel turns +33612345678 typed in a cell into the number 33612345678; adding the + back would also turn a
    // national 0612345678 (stored as 612345678) into a wrong foreign number, so the cell is refused.
    reader.report(
      'mobile',
      ['mobile'],
      'e164',
      `${MOBILE_MESSAGE}; the spreadsheet stored this cell as a number, which drops the "+": format the column as text`,
      mobileCell,
    );
  else if (!isBlank(mobileCell)) input.mobile = mobileCell.trim();
  const language = reader.text('language');
  if (language !== undefined) input.language = LANGUAGE_WORDS[plainHeader(language)] ?? language;
  else reader.report('language', ['language'], 'required', 'required: fr or en', '');
  const activities = reader.text('activities');
  input.activities =
    activities === undefined
      ? []
      : activities
          .split(/[;,\r\n]+/)
          .map((item) => item.trim())
          .filter((item) => item !== '');
  const remote = reader.text('remote_capable');
  if (remote === undefined) input.remoteCapable = false;
  else if (TRUE_WORDS.has(remote.toLowerCase())) input.remoteCapable = true;
  else if (FALSE_WORDS.has(remote.toLowerCase())) input.remoteCapable = false;
  else reader.report('remote_capable', ['remoteCapable'], 'boolean', 'must be yes or no (also oui/non, true/false, 1/0)', remote);

  const parsed = PersonInput.safeParse(input, { reportInput: true });
  // A problem per cell: a conversion that already failed, or a missing mobile that the spreadsheet mangled, is not
  // reported again by the schema.
  const reported = new Set(reader.reported);
  if (!parsed.success)
    for (const found of problemsFromZod(parsed.error, input)) {
      const field = found.path.split(/[.[]/)[0];
      if (reported.has(field) || (found.rule === 'contact_required' && reported.has('mobile'))) continue;
      const column = COLUMN_OF_FIELD[field] ?? 'id';
      const message = field === 'language' && found.rule === 'invalid_value' ? 'must be fr or en' : found.message;
      const value = field === 'email' && found.rule === 'contact_required' ? '' : found.value;
      reader.report(column, found.path.split('.'), found.rule, message, value);
    }
  // The model's references are checked on every row, so that one round of corrections fixes the whole file.
  if (references) {
    const site = input.site as string | undefined;
    if (site !== undefined && !reader.reported.has('site') && !references.sites.has(site))
      reader.report('site', ['site'], 'unknown_reference', `no site "${site}" in the organisation's model`, site);
    if (!reader.reported.has('activities'))
      (input.activities as string[]).forEach((activity, index) => {
        if (!references.activities.has(activity))
          reader.report('activities', ['activities', index], 'unknown_reference', `no activity "${activity}" in the organisation's model`, activity);
      });
  }
  return parsed.success && reader.located.length === 0 ? personOf(parsed.data.id!, parsed.data) : undefined;
}

/**
 * Reads the directory spreadsheet: CSV (`,`, `;` or tab; UTF-8 or Windows-1252) or XLSX (the worksheet "People",
 * else the first), as a stream with at most {@link MAX_PEOPLE_ROWS} rows. The header names the columns of
 * {@link PEOPLE_COLUMNS} (or their usual French and HR names) in any order and case; columns of data Rempart does not
 * keep (addresses, birth dates…) and unknown columns are refused. With `references`, sites and activities must be the
 * model's. Every problem names its row, column, rule and value.
 */
export async function parsePeopleSheet(data: Buffer | Uint8Array, format: TableFormat, references?: PeopleReferences): Promise<PeopleSheetResult> {
  const none = { people: [], rowOf: [], columns: {} };
  const table = await readTable(data, format, { sheetName: PEOPLE_SHEET_NAME, maxRows: MAX_PEOPLE_ROWS + 1 });
  if (table.problems.length > 0) return { ...none, problems: table.problems };
  if (table.rows.length === 0)
    return { ...none, problems: [makeProblem(['rows'], 'empty_file', '', 'the file is empty: expected a header row, then one row per person')] };
  if (table.truncated)
    return {
      ...none,
      problems: [
        makeProblem(['file'], 'too_many_rows', MAX_PEOPLE_ROWS + 1, `the file has more than ${MAX_PEOPLE_ROWS} people rows: split it and import with upsert`),
      ],
    };
  const [headerRow, ...dataRows] = table.rows;
  const header = analyseHeader(headerRow, dataRows);
  if (dataRows.length === 0)
    header.problems.push({ ...makeProblem(['rows'], 'empty_file', '', 'the file has a header but no people rows below it'), row: headerRow.number + 1 });
  if (header.problems.length > 0) return { ...none, problems: header.problems };

  const byColumn = new Map(header.bindings.map((binding) => [binding.column, binding]));
  const columns = Object.fromEntries(header.bindings.map((binding) => [FIELD_OF[binding.column], binding.header]));
  const people: Person[] = [];
  const rowOf: number[] = [];
  const problems: Problem[] = [];
  let more = 0;
  const firstRowOf = { id: new Map<string, number>(), email: new Map<string, number>() };
  for (const row of dataRows) {
    const reader = new RowReader(row, byColumn);
    const person = readRow(reader, references);
    for (const field of ['id', 'email'] as const) {
      // Rows refused for another reason count too: the second of two rows is named now, not after the first is fixed.
      const value = field === 'id' ? (person?.id ?? reader.text('id')) : (person?.email ?? reader.text('email')?.toLowerCase());
      if (!value) continue;
      const key = field === 'email' ? value.toLowerCase() : value;
      const first = firstRowOf[field].get(key);
      if (first === undefined) firstRowOf[field].set(key, row.number);
      else reader.report(field, [field], `duplicate_${field}`, `${field === 'id' ? 'id' : 'e-mail address'} "${value}" is already used on row ${first}`, value);
    }
    if (reader.located.length === 0 && person) {
      people.push(person);
      rowOf.push(row.number);
    }
    reader.located.sort((a, b) => a.order - b.order);
    for (const { problem } of reader.located) {
      if (problems.length < MAX_SHEET_PROBLEMS) problems.push(problem);
      else more++;
    }
  }
  if (more > 0) problems.push(makeProblem(['rows'], 'too_many_problems', more, `${more} more problem(s) not listed: correct these first`));
  return { people, problems, rowOf, columns };
}

/** The cells of one person, as written and read back. */
function personCells(person: Person): string[] {
  return [
    person.id,
    person.name,
    person.email ?? '',
    person.mobile ?? '',
    person.language,
    person.site ?? '',
    person.activities.join('; '),
    person.remoteCapable ? 'yes' : 'no',
  ];
}

/**
 * Writes the directory. CSV: UTF-8 with a BOM and CRLF (see `writeCsv`), `,` by default or `;` for French spreadsheet
 * software; XLSX: one worksheet "People" whose cells are all text, so that a mobile number keeps its `+`.
 */
export async function writePeopleSheet(people: readonly Person[], format: TableFormat, separator: ',' | ';' = ','): Promise<Buffer> {
  const rows = people.map(personCells);
  if (format === 'csv') return writeCsv([[...PEOPLE_COLUMNS], ...rows], separator);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(PEOPLE_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  sheet.columns = PEOPLE_COLUMNS.map((name, index) => ({
    header: name,
    width: Math.min(60, Math.max(name.length + 2, 8, ...rows.slice(0, 200).map((row) => row[index].length + 2))),
    // Text format: a number typed later into the mobile column keeps its "+" and leading zeros.
    style: { numFmt: '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRows(rows.map((row) => row.map(escapeXlsxText)));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: PEOPLE_COLUMNS.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
