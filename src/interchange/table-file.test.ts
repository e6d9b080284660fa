// CSV and XLSX tables as spreadsheets produce them: delimiters, escaped formulas, cell kinds, limits.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, readTable, writeCsv } from './table-file.js';

describe('detectDelimiter', () => {
  it.each([
    ['id,name,mtpd\n1;2;3;4;5', ','],
    ['id;name;mtpd\n1,2,3,4,5', ';'],
    ['id\tname\tmtpd', '\t'],
    ['"a;b;c",d,e', ','],
    ['\r\n\r\nid;name', ';'],
    ['id', ','],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe('readTable', () => {
  it('gives back what writeCsv wrote, formulas defused on the way out and restored on the way in', async () => {
    const rows = [
      ['a', '=1+1', '-x', '@home', '+33 1 23', "'=kept quote"],
      ['é, "quoted"', 'two\nlines', '', ' spaced ', "it's", ''],
    ];
    for (const delimiter of [',', ';'] as const) {
      const written = writeCsv(rows, delimiter);
      expect(written.toString('utf8')).toContain(`'=1+1`);
      const table = await readTable(written, 'csv');
      expect(table.rows.map((row) => row.cells)).toEqual(rows);
    }
  });

  it('reports broken CSV quoting, with the line of text in the message', async () => {
    const table = await readTable(Buffer.from('id,name\r\na,"unclosed\r\nb,c\r\n'), 'csv');
    expect(table.problems).toMatchObject([{ path: 'file', rule: 'csv_syntax' }]);
    expect(table.problems[0].message).toMatch(/quote.*line \d/i);
  });

  it('stops at maxRows and says so', async () => {
    const data = Buffer.from('h\n1\n\n2\n3\n');
    expect(await readTable(data, 'csv', { maxRows: 3 })).toEqual({
      rows: [
        { number: 1, cells: ['h'] },
        { number: 2, cells: ['1'] },
        { number: 4, cells: ['2'] },
      ],
      truncated: true,
      problems: [],
    });
    expect((await readTable(data, 'csv', { maxRows: 4 })).truncated).toBe(false);
  });

  it('reads the values shown by XLSX cells of every kind', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Data');
    sheet.getCell('A1').value = { formula: '1+1', result: 2 };
    sheet.getCell('B1').value = { richText: [{ text: 'bold', font: { bold: true } }, { text: ' plain' }] };
    sheet.getCell('C1').value = { text: 'site', hyperlink: 'https://example.org' };
    sheet.getCell('D1').value = true;
    sheet.getCell('E1').value = new Date(Date.UTC(2024, 0, 31));
    sheet.getCell('F1').value = "'=escaped";
    sheet.getCell('H1').value = 0.1;
    const table = await readTable(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx');
    expect(table.rows).toEqual([{ number: 1, cells: [2, 'bold plain', 'site', 'TRUE', '2024-01-31T00:00:00.000Z', '=escaped', '', 0.1] }]);
  });
});
