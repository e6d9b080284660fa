// Reads the rows of one XLSX worksheet as a stream: ZIP directory checked first, each part inflated and parsed chunk by chunk, bytes and rows counted.
import { posix } from 'node:path';
import { SaxesParser } from 'saxes';
import {
  fileProblem,
  isBlank,
  megabytes,
  MAX_UNCOMPRESSED_BYTES,
  PROGRESS_STEP,
  unescapeFormula,
  type CellValue,
  type ReadTableOptions,
  type ReadTableResult,
  type TableRow,
} from './table-cells.js';
import { inflateEntry, looksLikeZip, readZipDirectory, ZipEntryTooLargeError, ZipFormatError, type ZipEntry } from './zip-directory.js';

/** Excel's own bounds: a cell reference beyond them is damage or an attack, never data. */
const MAX_COLUMNS = 16_384;
const MAX_ROW_NUMBER = 1_048_576;

/** Built-in number formats that exceljs reads as dates (ids 14–22 and 45–47 of ECMA-376 §18.8.30). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';

/** A file that is damaged or not the XLSX it claims to be: refused as `unreadable_file`. */
class UnreadableError extends Error {}

/** A part that does not fit what is left of the budget, found before inflating it. */
class TooLargeSignal extends Error {
  constructor(
    readonly bytes: number,
    readonly entry: ZipEntry,
  ) {
    super('too large');
  }
}

/** Thrown from a parsing handler to stop reading once enough is known. */
class StopReading extends Error {}

/** The element name without its namespace prefix (`x:row` → `row`). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The attribute whose local name is `name` (`r:id`, `id`). */
function attribute(attributes: Record<string, string>, name: string): string | undefined {
  if (name in attributes) return attributes[name];
  for (const key of Object.keys(attributes)) if (local(key) === name) return attributes[key];
  return undefined;
}

interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void;
  close(name: string): void;
  text(text: string): void;
}

/** What reading one workbook may still inflate, shared by all its parts. */
interface Budget {
  limit: number;
  used: number;
  /** Set once the parts to read are known: their declared bytes in all, and whom to tell. */
  total?: number;
  onProgress?: (done: number, total: number) => void;
  reported?: number;
}

/** Inflates one part as a stream and feeds it to a SAX parser; handlers may throw `StopReading`. */
async function parsePart(buffer: Buffer, entry: ZipEntry, budget: Budget, handlers: XmlHandlers): Promise<void> {
  const parser = new SaxesParser({ position: false });
  parser.on('opentag', (node) => handlers.open(local(node.name), node.attributes as Record<string, string>));
  parser.on('closetag', (node) => handlers.close(local(node.name)));
  parser.on('text', handlers.text);
  parser.on('cdata', handlers.text);
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of inflateEntry(buffer, entry, budget.limit - budget.used)) {
      budget.used += chunk.length;
      if (budget.onProgress && budget.total !== undefined && budget.used - (budget.reported ?? 0) >= PROGRESS_STEP) {
        budget.reported = budget.used;
        budget.onProgress(budget.used, budget.total);
      }
      parser.write(decoder.decode(chunk, { stream: true }));
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof StopReading || error instanceof ZipEntryTooLargeError || error instanceof ZipFormatError || error instanceof UnreadableError)
      throw error;
    // saxes names the XML rule broken; the part name says where.
    throw new UnreadableError(`${entry.name} is not valid XML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface Relationship {
  type: string;
  target: string;
}

/** The relationships of a part (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`), targets resolved to archive paths. */
async function readRelationships(buffer: Buffer, entries: Map<string, ZipEntry>, part: string, budget: Budget): Promise<Map<string, Relationship>> {
  const relationships = new Map<string, Relationship>();
  const folder = posix.dirname(part);
  const entry = entries.get(posix.join(folder, '_rels', `${posix.basename(part)}.rels`));
  if (!entry) return relationships;
  await parsePart(buffer, entry, budget, {
    open(name, attributes) {
      if (name !== 'Relationship' || attributes.TargetMode === 'External') return;
      const target = attributes.Target ?? '';
      const path = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(folder, target));
      relationships.set(attributes.Id ?? '', { type: attributes.Type ?? '', target: path });
    },
    close() {},
    text() {},
  });
  return relationships;
}

function relationshipOfType(relationships: Map<string, Relationship>, type: string): string | undefined {
  for (const relationship of relationships.values()) if (relationship.type === REL + type || relationship.type.endsWith(`/${type}`)) return relationship.target;
  return undefined;
}

interface SheetRef {
  name: string;
  relationshipId: string | undefined;
  position: number;
}

async function readWorkbook(buffer: Buffer, entry: ZipEntry, budget: Budget): Promise<{ sheets: SheetRef[]; date1904: boolean }> {
  const sheets: SheetRef[] = [];
  let date1904 = false;
  await parsePart(buffer, entry, budget, {
    open(name, attributes) {
      if (name === 'sheet') sheets.push({ name: attributes.name ?? '', relationshipId: attribute(attributes, 'id'), position: sheets.length });
      else if (name === 'workbookPr') date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
    },
    close() {},
    text() {},
  });
  return { sheets, date1904 };
}

/** exceljs's test for a date format: after removing `[…]` and `"…"`, any of `ymdhMsb`. */
function isDateFormat(code: string): boolean {
  return /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** For each cell style (index of `s`), whether its number format shows a date. */
async function readDateStyles(buffer: Buffer, entry: ZipEntry, budget: Budget): Promise<boolean[]> {
  const formats = new Map<number, string>();
  const styleFormats: number[] = [];
  let inNumFmts = false;
  let inCellXfs = false;
  await parsePart(buffer, entry, budget, {
    open(name, attributes) {
      if (name === 'numFmts') inNumFmts = true;
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'numFmt' && inNumFmts) formats.set(Number(attributes.numFmtId), (attributes.formatCode ?? '').replace(/\\(.)/g, '$1'));
      else if (name === 'xf' && inCellXfs) styleFormats.push(Number(attributes.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'numFmts') inNumFmts = false;
      else if (name === 'cellXfs') inCellXfs = false;
    },
    text() {},
  });
  return styleFormats.map((id) => {
    const custom = formats.get(id);
    return custom !== undefined ? isDateFormat(custom) : BUILT_IN_DATE_FORMATS.has(id);
  });
}

/** The shared strings as plain text: runs of rich text joined, phonetic guides (`rPh`) left out. */
async function readSharedStrings(buffer: Buffer, entry: ZipEntry, budget: Budget): Promise<string[]> {
  const strings: string[] = [];
  let parts: string[] = [];
  let inText = false;
  let phonetic = 0;
  await parsePart(buffer, entry, budget, {
    open(name) {
      if (name === 'si') parts = [];
      else if (name === 't') inText = phonetic === 0;
      else if (name === 'rPh') phonetic++;
    },
    close(name) {
      if (name === 'si') strings.push(parts.join(''));
      else if (name === 't') inText = false;
      else if (name === 'rPh') phonetic--;
    },
    text(text) {
      if (inText) parts.push(text);
    },
  });
  return strings;
}

/** `AB12` → 27 (0-based column of AB); -1 when the reference has no column letters. */
function columnOf(reference: string): number {
  let column = 0;
  let index = 0;
  for (; index < reference.length; index++) {
    const code = reference.charCodeAt(index);
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64);
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96);
    else break;
    if (column > MAX_COLUMNS) throw new UnreadableError(`cell ${reference.slice(0, 20)} lies beyond column XFD, the last one Excel has`);
  }
  return index === 0 ? -1 : column - 1;
}

function excelDate(serial: number, date1904: boolean): string | undefined {
  const date = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

interface SheetContext {
  strings: string[];
  dateStyles: boolean[];
  date1904: boolean;
  maxRows: number;
}

/** Streams the worksheet's rows into `rows`; stops (with `truncated`) at the first non-blank row past `maxRows`. */
async function readSheet(buffer: Buffer, entry: ZipEntry, budget: Budget, context: SheetContext): Promise<ReadTableResult> {
  const { strings, dateStyles, date1904, maxRows } = context;
  const rows: TableRow[] = [];
  let truncated = false;

  let rowNumber = 0;
  let cells: CellValue[] = [];
  let column = -1;
  let type = '';
  let style = 0;
  let formula = false;
  let value: string | undefined;
  let inline: string[] | undefined;
  let capture: 'v' | 't' | undefined;
  let inInline = false;
  let phonetic = 0;

  const number = (text: string): CellValue => {
    const parsed = parseFloat(text);
    if (Number.isNaN(parsed)) return text;
    if (dateStyles[style]) return excelDate(parsed, date1904) ?? parsed;
    return parsed;
  };
  /** The cell as exceljs's `xlsxCell` gave it; `undefined` for a cell that holds no value at all. */
  const cellValue = (): CellValue | undefined => {
    if (formula) {
      if (!value) return '';
      if (type === 'str') return unescapeFormula(value);
      if (type === 'b') return parseInt(value, 10) !== 0 ? 'TRUE' : 'FALSE';
      if (type === 'e') return value;
      return number(value);
    }
    if (type === 'inlineStr') return inline === undefined ? undefined : unescapeFormula(inline.join(''));
    if (value === undefined) return undefined;
    switch (type) {
      case 's': {
        const shared = strings[parseInt(value, 10)];
        if (shared === undefined) throw new UnreadableError(`row ${rowNumber} refers to shared string ${value.slice(0, 20)}, which the workbook does not have`);
        return unescapeFormula(shared);
      }
      case 'str':
        return unescapeFormula(value);
      case 'b':
        return parseInt(value, 10) !== 0 ? 'TRUE' : 'FALSE';
      case 'e':
        return value;
      case 'd': {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : date.toISOString();
      }
      default:
        return number(value);
    }
  };

  try {
    await parsePart(buffer, entry, budget, {
      open(name, attributes) {
        switch (name) {
          case 'row': {
            const declared = attributes.r === undefined ? rowNumber + 1 : parseInt(attributes.r, 10);
            if (!(declared >= 1 && declared <= MAX_ROW_NUMBER))
              throw new UnreadableError(`a row is numbered ${String(attributes.r).slice(0, 20)}, outside Excel's 1 to ${MAX_ROW_NUMBER}`);
            rowNumber = declared;
            cells = [];
            column = -1;
            break;
          }
          case 'c': {
            const declared = attributes.r === undefined ? -1 : columnOf(attributes.r);
            column = declared >= 0 ? declared : column + 1;
            if (column >= MAX_COLUMNS) throw new UnreadableError(`row ${rowNumber} has a cell beyond column XFD, the last one Excel has`);
            type = attributes.t ?? 'n';
            style = attributes.s === undefined ? 0 : parseInt(attributes.s, 10);
            formula = false;
            value = undefined;
            inline = undefined;
            break;
          }
          case 'f':
            formula = true;
            break;
          case 'v':
            capture = 'v';
            break;
          case 'is':
            inInline = true;
            inline = [];
            break;
          case 'rPh':
            phonetic++;
            break;
          case 't':
            if (inInline && phonetic === 0) capture = 't';
            break;
        }
      },
      close(name) {
        switch (name) {
          case 'v':
          case 't':
            capture = undefined;
            break;
          case 'is':
            inInline = false;
            break;
          case 'rPh':
            phonetic--;
            break;
          case 'c': {
            const cell = cellValue();
            // A cell with a style but no value is not kept, as in exceljs's `row.values`: rows end at their last value.
            if (cell === undefined) break;
            while (cells.length < column) cells.push('');
            cells[column] = cell;
            break;
          }
          case 'row': {
            if (cells.every(isBlank)) break;
            if (rows.length >= maxRows) {
              truncated = true;
              throw new StopReading();
            }
            rows.push({ number: rowNumber, cells });
            break;
          }
        }
      },
      text(text) {
        if (capture === 'v') value = value === undefined ? text : value + text;
        else if (capture === 't') inline!.push(text);
      },
    });
  } catch (error) {
    if (!(error instanceof StopReading)) throw error;
  }
  return { rows, truncated, problems: [] };
}

function tooLarge(bytes: number, biggest: ZipEntry | undefined, limit: number): ReadTableResult {
  const ratio = biggest && biggest.compressedSize > 0 ? ` (${Math.round(biggest.uncompressedSize / biggest.compressedSize)} times its compressed size)` : '';
  const where = biggest ? `, of which ${biggest.name} holds ${megabytes(biggest.uncompressedSize)}${ratio}` : '';
  return fileProblem(
    'too_large_uncompressed',
    bytes,
    `the workbook holds ${megabytes(bytes)} of XML once uncompressed${where}; the limit is ${megabytes(limit)}: remove unused rows and columns, or split the file`,
  );
}

/** What reading a workbook needs, found from its directory and its small parts, before any data is inflated. */
interface XlsxPlan {
  entries: Map<string, ZipEntry>;
  budget: Budget;
  sheet: ZipEntry;
  strings: ZipEntry | undefined;
  styles: ZipEntry | undefined;
  date1904: boolean;
}

/** The outcome of looking at a workbook: a plan, a result already (refused, or no worksheet), or `metadata_too_large` when `metadataCap` stopped looking. */
type Inspection = { plan: XlsxPlan } | { result: ReadTableResult } | { metadataTooLarge: true };

const unreadable = (message: string): ReadTableResult => fileProblem('unreadable_file', '', `the XLSX workbook cannot be read: ${message}`);

/**
 * Reads the ZIP directory and the small parts that locate the data (relationships, workbook), then checks the
 * sizes the data parts declare (worksheet, shared strings, styles) against the limit: a bomb is refused here,
 * before anything large is inflated. Parts declaring more than `metadataCap` bytes are not read (`metadataTooLarge`).
 */
async function inspect(buffer: Buffer, options: ReadTableOptions, metadataCap: number): Promise<Inspection> {
  const limit = options.maxUncompressedBytes ?? MAX_UNCOMPRESSED_BYTES;
  if (!looksLikeZip(buffer))
    return { result: fileProblem('unreadable_file', '', 'this is not an XLSX workbook (save it from Excel as "Excel Workbook (.xlsx)", or import it as CSV)') };
  const budget: Budget = { limit, used: 0 };
  try {
    const entries = readZipDirectory(buffer);
    // Each small part must fit what is left of the budget before it is inflated.
    const readable = (entry: ZipEntry | undefined): boolean => {
      if (entry && budget.used + entry.uncompressedSize > limit) throw new TooLargeSignal(budget.used + entry.uncompressedSize, entry);
      return !entry || entry.uncompressedSize <= metadataCap;
    };
    const rootRels = entries.get('_rels/.rels');
    if (!readable(rootRels)) return { metadataTooLarge: true };
    const root = await readRelationships(buffer, entries, '', budget);
    const workbookPath = relationshipOfType(root, 'officeDocument') ?? 'xl/workbook.xml';
    const workbookEntry = entries.get(workbookPath);
    if (!workbookEntry) return { result: unreadable(`its workbook part (${workbookPath}) is missing`) };
    if (!readable(workbookEntry)) return { metadataTooLarge: true };
    const workbook = await readWorkbook(buffer, workbookEntry, budget);
    const folder = posix.dirname(workbookPath);
    if (!readable(entries.get(posix.join(folder, '_rels', `${posix.basename(workbookPath)}.rels`)))) return { metadataTooLarge: true };
    const relationships = await readRelationships(buffer, entries, workbookPath, budget);

    const worksheets = workbook.sheets.filter((sheet) => {
      const relationship = sheet.relationshipId === undefined ? undefined : relationships.get(sheet.relationshipId);
      return relationship === undefined || relationship.type.endsWith('/worksheet');
    });
    const wanted = options.sheetName?.toLowerCase();
    const sheet = (wanted !== undefined ? worksheets.find((candidate) => candidate.name.trim().toLowerCase() === wanted) : undefined) ?? worksheets[0];
    if (!sheet) return { result: { rows: [], truncated: false, problems: [] } };
    const sheetPath =
      (sheet.relationshipId !== undefined ? relationships.get(sheet.relationshipId)?.target : undefined) ??
      `${folder}/worksheets/sheet${sheet.position + 1}.xml`;
    const sheetEntry = entries.get(sheetPath);
    if (!sheetEntry) return { result: unreadable(`its worksheet "${sheet.name}" (${sheetPath}) is missing`) };
    const styles = entries.get(relationshipOfType(relationships, 'styles') ?? `${folder}/styles.xml`);
    const strings = entries.get(relationshipOfType(relationships, 'sharedStrings') ?? `${folder}/sharedStrings.xml`);

    // The parts that hold the data, by the sizes they declare, before inflating any of them.
    const needed = [sheetEntry, strings, styles].filter((entry): entry is ZipEntry => entry !== undefined);
    const total = budget.used + needed.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    if (total > limit) {
      const biggest = needed.reduce((max, entry) => (entry.uncompressedSize > max.uncompressedSize ? entry : max));
      return { result: tooLarge(total, biggest, limit) };
    }
    return { plan: { entries, budget, sheet: sheetEntry, strings, styles, date1904: workbook.date1904 } };
  } catch (error) {
    return { result: failure(error, budget) };
  }
}

function failure(error: unknown, budget: Budget): ReadTableResult {
  if (error instanceof TooLargeSignal) return tooLarge(error.bytes, error.entry, budget.limit);
  if (error instanceof ZipEntryTooLargeError) return tooLarge(budget.used, undefined, budget.limit);
  if (error instanceof ZipFormatError || error instanceof UnreadableError) return unreadable(error.message);
  throw error;
}

/**
 * Checks an XLSX workbook without reading its data, reading on this thread only the small parts (at most
 * `metadataCap` bytes each) that locate it: a refusal (too large, damaged) or an empty result to return as it is,
 * or the number of bytes of XML that reading it will inflate (`Infinity` when the small parts were too large to look at here).
 */
export async function checkXlsx(buffer: Buffer, options: ReadTableOptions, metadataCap: number): Promise<{ result: ReadTableResult } | { bytes: number }> {
  const inspection = await inspect(buffer, options, metadataCap);
  if ('result' in inspection) return inspection;
  if ('metadataTooLarge' in inspection) return { bytes: Infinity };
  const { budget, sheet, strings, styles } = inspection.plan;
  return { bytes: budget.used + sheet.uncompressedSize + (strings?.uncompressedSize ?? 0) + (styles?.uncompressedSize ?? 0) };
}

/**
 * Reads the rows of one worksheet of an XLSX workbook held in `buffer`, never holding the workbook nor its
 * inflated XML: the parts needed (workbook, relationships, styles, shared strings, the worksheet) are checked
 * against `maxUncompressedBytes` by their declared sizes before any is inflated, then inflated and parsed chunk by
 * chunk, the real bytes counted (a part that inflates beyond its declared size is refused), and the worksheet read
 * row by row up to `maxRows` non-blank rows.
 */
export async function readXlsxRows(buffer: Buffer, options: ReadTableOptions): Promise<ReadTableResult> {
  const inspection = await inspect(buffer, options, Infinity);
  if ('result' in inspection) return inspection.result;
  if ('metadataTooLarge' in inspection) throw new Error('unreachable: no cap on metadata');
  const { budget, sheet, strings, styles, date1904 } = inspection.plan;
  budget.total = budget.used + sheet.uncompressedSize + (strings?.uncompressedSize ?? 0) + (styles?.uncompressedSize ?? 0);
  budget.onProgress = options.onProgress;
  try {
    const dateStyles = styles ? await readDateStyles(buffer, styles, budget) : [];
    const sharedStrings = strings ? await readSharedStrings(buffer, strings, budget) : [];
    const result = await readSheet(buffer, sheet, budget, { strings: sharedStrings, dateStyles, date1904, maxRows: options.maxRows ?? Infinity });
    options.onProgress?.(result.truncated ? budget.used : budget.total, budget.total);
    return result;
  } catch (error) {
    return failure(error, budget);
  }
}
