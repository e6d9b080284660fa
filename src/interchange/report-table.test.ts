// Result spreadsheets as the reader's software opens them: separator, decimal mark, BOM, typed XLSX numbers.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { defaultSeparator, writeReport } from './report-table.js';

const table = {
  sheet: 'Monte Carlo',
  columns: ['Activité', 'Probabilité', 'Heures'],
  rows: [
    ['Paie', 0.25, 1344.5],
    ['Clôture; mensuelle', 1, null],
  ],
};

describe('report tables', () => {
  it('writes French CSV with semicolons, decimal commas and a BOM, English with commas and points', async () => {
    expect(defaultSeparator('fr')).toBe(';');
    expect(defaultSeparator('en')).toBe(',');
    const fr = (await writeReport(table, 'csv', ';')).toString('utf8');
    expect(fr).toBe('\uFEFFActivité;Probabilité;Heures\r\nPaie;0,25;1344,5\r\n"Clôture; mensuelle";1;\r\n');
    const en = (await writeReport(table, 'csv', ',')).toString('utf8');
    expect(en).toBe('\uFEFFActivité,Probabilité,Heures\r\nPaie,0.25,1344.5\r\nClôture; mensuelle,1,\r\n');
  });

  it('writes XLSX with a bold header and numbers as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await writeReport(table, 'xlsx', ';')) as never);
    const sheet = workbook.getWorksheet('Monte Carlo')!;
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getCell('B2').value).toBe(0.25);
    expect(sheet.getCell('A3').value).toBe('Clôture; mensuelle');
    expect(sheet.getCell('C3').value).toBeNull();
  });
});
