// A report document as XLSX: a summary sheet (title, key figures, paragraphs), then one sheet per table with typed
// cells (numbers, hours, amounts in the organisation's currency, shares, dates), a frozen header and widths fitted
// to the content. exceljs cannot draw charts: the summary says they are in the PDF.
import ExcelJS from 'exceljs';
import { cellFormatter, currencyPlacement, type CellType, type CellValue, type ReportDocument } from './report-document.js';

/** Characters Excel refuses in a sheet name. */
const SHEET_UNSAFE = /[[\]:*?/\\]/g;

function numberFormats(document: ReportDocument): Partial<Record<CellType, string>> {
  const { symbol, before } = currencyPlacement(document.language, document.currency);
  const quoted = `"${symbol.replace(/"/g, '')}"`;
  return {
    number: '#,##0.##',
    hours: '#,##0.# "h"',
    money: before ? `${quoted}#,##0` : `#,##0 ${quoted}`,
    percent: '0.0%',
    date: document.language === 'fr' ? 'dd/mm/yyyy hh:mm' : 'yyyy-mm-dd hh:mm',
  };
}

/** A cell as a typed value: a number stays a number, a date becomes a date; booleans read as words. */
function typed(value: CellValue, type: CellType, words: (value: CellValue, type: CellType) => string): ExcelJS.CellValue {
  if (value === null) return null;
  if (typeof value === 'boolean') return words(value, 'boolean');
  if (type === 'date' && typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(value)) return `'${value}`;
  return value;
}

export async function reportXlsx(document: ReportDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Rempart';
  workbook.title = document.title;
  workbook.created = new Date(document.generatedAt);
  const formats = numberFormats(document);
  const words = cellFormatter(document.language, document.currency);
  const used = new Set<string>();
  const sheetName = (wanted: string) => {
    const base = wanted.replace(SHEET_UNSAFE, ' ').trim().slice(0, 31) || 'Sheet';
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, 28)} ${n}`;
    used.add(name.toLowerCase());
    return name;
  };

  const summary = workbook.addWorksheet(sheetName(document.summarySheet));
  summary.getColumn(1).width = 40;
  summary.getColumn(2).width = 60;
  summary.addRow([document.title]).font = { bold: true, size: 14 };
  summary.addRow([document.subtitle]);
  const generated = summary.addRow([new Date(document.generatedAt)]);
  generated.getCell(1).numFmt = formats.date!;
  summary.addRow([document.chartsNote]).font = { italic: true, color: { argb: 'FF555555' } };
  for (const block of document.blocks) {
    if (block.type === 'heading') {
      summary.addRow([]);
      summary.addRow([block.text]).font = { bold: true };
    } else if (block.type === 'text') summary.addRow([typed(block.text, 'text', words)]);
    else if (block.type === 'facts')
      for (const item of block.items) {
        const row = summary.addRow([item.label, typed(item.value, item.type, words)]);
        const format = formats[item.type];
        if (format) row.getCell(2).numFmt = format;
        row.getCell(2).alignment = { horizontal: 'left' };
      }
    else if (block.type === 'table') summary.addRow([block.table.title, `→ ${block.table.sheet}`]);
  }

  for (const block of document.blocks) {
    if (block.type !== 'table') continue;
    const { table } = block;
    const sheet = workbook.addWorksheet(sheetName(table.sheet));
    sheet.addRow(table.columns.map((column) => column.label)).font = { bold: true };
    for (const values of table.rows) {
      const row = sheet.addRow(values.map((value, index) => typed(value, table.columns[index].type, words)));
      table.columns.forEach((column, index) => {
        const format = formats[column.type];
        if (format && typeof values[index] !== 'boolean') row.getCell(index + 1).numFmt = format;
      });
    }
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    table.columns.forEach((column, index) => {
      const longest = Math.max(column.label.length, ...table.rows.slice(0, 500).map((row) => words(row[index], column.type).length));
      sheet.getColumn(index + 1).width = Math.min(60, Math.max(10, longest + 2));
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
