// The knowledge base as a spreadsheet (CSV or XLSX, one row per article): reading with problems named by row, column,
// rule and value, and writing a file that reads back to the same articles.
import ExcelJS from 'exceljs';
import { KbImportArticle, type KbArticle } from '../model/kb.js';
import { problemsFromZod, type Problem } from '../model/problem.js';
import { cellText, escapeXlsxText, readTable, writeCsv, type CellValue, type TableFormat } from './table-file.js';

export const KB_SHEET_NAME = 'Articles';
/** The columns read and written, in the order they are written. */
export const KB_COLUMNS = ['id', 'lang', 'question', 'variants', 'answer', 'source', 'url', 'published', 'review_by', 'audience', 'tags'] as const;
type KbColumn = (typeof KB_COLUMNS)[number];
const REQUIRED: readonly KbColumn[] = ['id', 'lang', 'question', 'answer', 'source', 'published', 'audience'];
const FIELD_OF: Record<KbColumn, string> = {
  id: 'id',
  lang: 'lang',
  question: 'question',
  variants: 'variants',
  answer: 'answer',
  source: 'source',
  url: 'url',
  published: 'published',
  review_by: 'reviewBy',
  audience: 'audience',
  tags: 'tags',
};
const ALIASES: Record<string, KbColumn> = {
  reviewby: 'review_by',
  review: 'review_by',
  language: 'lang',
  langue: 'lang',
  reponse: 'answer',
  a_revoir: 'review_by',
};
const MAX_ROWS = 20_000;
const MAX_PROBLEMS = 500;

const headerKey = (cell: CellValue) =>
  cellText(cell)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/g, '_');

/** A date cell: text as written, or an Excel serial day number. */
function dateText(cell: CellValue): string {
  if (typeof cell === 'number') return new Date(Date.UTC(1899, 11, 30) + Math.round(cell) * 86_400_000).toISOString().slice(0, 10);
  return cellText(cell).trim();
}

/** Reads a spreadsheet of articles; every problem names its row (header = 1), column, rule and value. */
export async function parseKbSheet(data: Buffer | Uint8Array, format: TableFormat): Promise<{ articles: KbImportArticle[]; problems: Problem[] }> {
  const table = await readTable(data, format, { sheetName: KB_SHEET_NAME, maxRows: MAX_ROWS + 1 });
  if (table.problems.length > 0) return { articles: [], problems: table.problems };
  if (table.truncated)
    return { articles: [], problems: [{ path: 'file', rule: 'too_many_rows', value: MAX_ROWS + 1, message: `at most ${MAX_ROWS} articles a file` }] };
  const [header, ...rows] = table.rows;
  if (!header || rows.length === 0)
    return { articles: [], problems: [{ path: 'rows', rule: 'empty_file', value: '', message: 'expected a header row, then one row per article' }] };
  const columns = new Map<KbColumn, number>();
  const problems: Problem[] = [];
  header.cells.forEach((cell, index) => {
    const key = headerKey(cell);
    if (key === '') return;
    const column = (KB_COLUMNS as readonly string[]).includes(key) ? (key as KbColumn) : ALIASES[key];
    if (!column)
      problems.push({
        path: `rows[${header.number}]`,
        rule: 'unknown_column',
        value: cellText(cell),
        message: `one of: ${KB_COLUMNS.join(', ')}`,
        row: header.number,
      });
    else if (columns.has(column))
      problems.push({ path: `rows[${header.number}]`, rule: 'duplicate_column', value: cellText(cell), message: 'each column once', row: header.number });
    else columns.set(column, index);
  });
  for (const column of REQUIRED)
    if (!columns.has(column))
      problems.push({ path: `rows[${header.number}]`, rule: 'missing_column', value: column, message: `a "${column}" column`, row: header.number });
  if (problems.length > 0) return { articles: [], problems };

  const articles: KbImportArticle[] = [];
  const firstRow = new Map<string, number>();
  for (const row of rows) {
    const raw: Record<string, unknown> = {};
    for (const [column, index] of columns) {
      const cell = row.cells[index] ?? '';
      const text = column === 'published' || column === 'review_by' ? dateText(cell) : cellText(cell).trim();
      if (column === 'variants')
        raw.variants = text
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean);
      else if (column === 'tags')
        raw.tags = text
          .split(';')
          .map((tag) => tag.trim())
          .filter(Boolean);
      else if (text !== '') raw[FIELD_OF[column]] = text;
      else if (column === 'url' || column === 'review_by') raw[FIELD_OF[column]] = null;
    }
    const parsed = KbImportArticle.safeParse(raw, { reportInput: true });
    const rowProblems: Problem[] = parsed.success ? [] : problemsFromZod(parsed.error, raw);
    if (parsed.success) {
      const first = firstRow.get(parsed.data.id);
      if (first !== undefined) rowProblems.push({ path: 'id', rule: 'duplicate_id', value: parsed.data.id, message: `already the id of row ${first}` });
      else firstRow.set(parsed.data.id, row.number);
    }
    for (const problem of rowProblems) {
      const field = problem.path.split(/[.[]/)[0];
      const column = KB_COLUMNS.find((name) => FIELD_OF[name] === field);
      if (problems.length < MAX_PROBLEMS) problems.push({ ...problem, path: `rows[${row.number}].${problem.path}`, row: row.number, column });
    }
    if (parsed.success && rowProblems.length === 0) articles.push(parsed.data);
  }
  return { articles, problems };
}

function cells(article: KbArticle): string[] {
  return [
    article.id,
    article.lang,
    article.question,
    article.variants.join('\n'),
    article.answer,
    article.source,
    article.url ?? '',
    article.published,
    article.reviewBy ?? '',
    article.audience,
    article.tags.join('; '),
  ];
}

/** Writes the articles: CSV (UTF-8 with a BOM) or an XLSX worksheet "Articles" of text cells. */
export async function writeKbSheet(articles: readonly KbArticle[], format: TableFormat, separator: ',' | ';' = ','): Promise<Buffer> {
  const rows = articles.map(cells);
  if (format === 'csv') return writeCsv([[...KB_COLUMNS], ...rows], separator);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(KB_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
  sheet.columns = KB_COLUMNS.map((name) => ({ header: name, width: name === 'answer' || name === 'question' ? 60 : 18, style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRows(rows.map((row) => row.map(escapeXlsxText)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
