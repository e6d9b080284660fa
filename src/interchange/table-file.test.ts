// CSV and XLSX tables as spreadsheets produce them: delimiters, escaped formulas, cell kinds, limits.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writeXlsxBomb, writeXlsxParts } from '../../test/support/xlsx-bomb.js';
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

  it.each(['inline', 'worker'] as const)('reads the values shown by XLSX cells of every kind (%s)', async (thread) => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Data');
    sheet.getCell('A1').value = { formula: '1+1', result: 2 };
    sheet.getCell('B1').value = { richText: [{ text: 'bold', font: { bold: true } }, { text: ' plain' }] };
    sheet.getCell('C1').value = { text: 'site', hyperlink: 'https://example.org' };
    sheet.getCell('D1').value = true;
    sheet.getCell('E1').value = new Date(Date.UTC(2024, 0, 31));
    sheet.getCell('F1').value = "'=escaped";
    sheet.getCell('H1').value = 0.1;
    const table = await readTable(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx', { thread });
    expect(table.rows).toEqual([{ number: 1, cells: [2, 'bold plain', 'site', 'TRUE', '2024-01-31T00:00:00.000Z', '=escaped', '', 0.1] }]);
  });

  it('reads large CSV files on a worker thread with the same result, stopping at maxRows', async () => {
    const lines = ['id;name'];
    for (let index = 1; index <= 30_000; index++) lines.push(index % 1000 === 0 ? ';' : `a${index};"=${index}"`);
    const data = Buffer.from(lines.join('\r\n'), 'utf8');
    const inline = await readTable(data, 'csv', { thread: 'inline', maxRows: 20_000 });
    const worker = await readTable(data, 'csv', { thread: 'worker', maxRows: 20_000 });
    expect(worker).toEqual(inline);
    expect(inline.truncated).toBe(true);
    expect(inline.rows).toHaveLength(20_000);
    // Every thousandth line is blank: skipped, still counted in row numbers.
    expect(inline.rows.at(-1)).toEqual({ number: 20_020, cells: ['a20019', '=20019'] });
    expect((await readTable(Buffer.from([0x69, 0x64, 0x0a, 0xe9, 0x74, 0xe9]), 'csv')).rows[1].cells).toEqual(['été']);
  });
});

const WORKBOOK_RELS =
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/other.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>';

/** A workbook written by hand, as other tools than exceljs write them: a namespace prefix, two sheets, every kind of cell. */
function handWritten(sheet: string, options: { strings?: string; declaredSizes?: Record<string, number>; date1904?: boolean } = {}): Buffer {
  const main = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  return writeXlsxParts(
    {
      '_rels/.rels':
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      'xl/workbook.xml': `<x:workbook ${main} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr date1904="${options.date1904 ? 1 : 0}"/><x:sheets><x:sheet name="Notes" sheetId="2" r:id="rId2"/><x:sheet name=" Activities " sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
      'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
      'xl/styles.xml': `<x:styleSheet ${main}><x:numFmts count="1"><x:numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></x:numFmts><x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs><x:cellXfs count="3"><x:xf numFmtId="0"/><x:xf numFmtId="164"/><x:xf numFmtId="14"/></x:cellXfs></x:styleSheet>`,
      'xl/sharedStrings.xml': `<x:sst ${main}>${options.strings ?? '<x:si><x:t>plain</x:t></x:si><x:si><x:r><x:t>ri</x:t></x:r><x:r><x:t xml:space="preserve">ch </x:t></x:r><x:rPh><x:t>ルビ</x:t></x:rPh></x:si><x:si><x:t>\'+33 1</x:t></x:si>'}</x:sst>`,
      'xl/worksheets/sheet1.xml': `<x:worksheet ${main}><x:sheetData>${sheet}</x:sheetData></x:worksheet>`,
      'xl/worksheets/other.xml': `<x:worksheet ${main}><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>notes</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
    },
    options.declaredSizes,
  );
}

const EVERY_KIND =
  '<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="s"><x:v>1</x:v></x:c><x:c r="C2" t="s"><x:v>2</x:v></x:c><x:c r="E2" t="inlineStr"><x:is><x:t>in&amp;line</x:t></x:is></x:c></x:row>' +
  '<x:row r="3"><x:c r="A3" s="3"/><x:c r="B3" t="s"><x:v>0</x:v></x:c><x:c r="C3" s="0"/></x:row>' +
  '<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:t>   </x:t></x:is></x:c></x:row>' +
  '<x:row r="6"><x:c r="A6" s="1"><x:v>45322</x:v></x:c><x:c r="B6" s="2"><x:v>45322.5</x:v></x:c><x:c r="C6"><x:v>1.5E3</x:v></x:c><x:c r="D6" t="b"><x:v>0</x:v></x:c><x:c r="E6" t="e"><x:v>#N/A</x:v></x:c><x:c r="F6" t="d"><x:v>2024-01-31T10:00:00Z</x:v></x:c></x:row>' +
  '<x:row r="7"><x:c r="A7"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="B7" t="str"><x:f>"="&amp;"x"</x:f><x:v>\'=x</x:v></x:c><x:c r="C7" t="b"><x:f>TRUE()</x:f><x:v>1</x:v></x:c><x:c r="D7" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c r="E7"><x:f>NOW()</x:f></x:c><x:c r="F7" s="1"><x:f>TODAY()</x:f><x:v>45322</x:v></x:c></x:row>' +
  '<x:row><x:c t="inlineStr"><x:is><x:t>no</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>refs</x:t></x:is></x:c></x:row>';

describe('readTable on XLSX, as a stream', () => {
  it.each(['inline', 'worker'] as const)(
    'reads the sheet asked for by name, every kind of cell, skipping blank rows but counting them (%s)',
    async (thread) => {
      const file = handWritten(EVERY_KIND);
      const table = await readTable(file, 'xlsx', { sheetName: 'activities', thread });
      expect(table).toEqual({
        rows: [
          { number: 2, cells: ['plain', 'rich ', '+33 1', '', 'in&line'] },
          { number: 3, cells: ['', 'plain'] },
          { number: 6, cells: ['2024-01-31T00:00:00.000Z', '2024-01-31T12:00:00.000Z', 1500, 'FALSE', '#N/A', '2024-01-31T10:00:00.000Z'] },
          { number: 7, cells: [2, '=x', 'TRUE', '#DIV/0!', '', '2024-01-31T00:00:00.000Z'] },
          { number: 8, cells: ['no', 'refs'] },
        ],
        truncated: false,
        problems: [],
      });
      // Without a matching name: the first worksheet of the workbook.
      expect((await readTable(file, 'xlsx', { sheetName: 'Risks', thread })).rows).toEqual([{ number: 1, cells: ['notes'] }]);
    },
  );

  it('reads dates of workbooks that count from 1904', async () => {
    const table = await readTable(handWritten('<x:row r="1"><x:c r="A1" s="1"><x:v>43860</x:v></x:c></x:row>', { date1904: true }), 'xlsx', {
      sheetName: 'Activities',
    });
    expect(table.rows).toEqual([{ number: 1, cells: ['2024-01-31T00:00:00.000Z'] }]);
  });

  it('stops at maxRows without reading further', async () => {
    const rows = Array.from({ length: 100 }, (_, index) => `<x:row r="${index + 1}"><x:c r="A${index + 1}"><x:v>${index}</x:v></x:c></x:row>`).join('');
    // The rest of the worksheet is not XML at all: reading stopped before it.
    const table = await readTable(handWritten(`${rows}<x:row r="101"><x:c r="A101"><x:v>100</x:v></x:c></x:row><<<`), 'xlsx', {
      sheetName: 'Activities',
      maxRows: 100,
    });
    expect(table.truncated).toBe(true);
    expect(table.rows).toHaveLength(100);
    expect(table.problems).toEqual([]);
  });

  it('refuses a workbook by the sizes its ZIP directory declares, before inflating anything', async () => {
    // The worksheet declares 2 GB: had it been inflated, its real content would have been read or refused as damaged.
    const file = handWritten(EVERY_KIND, { declaredSizes: { 'xl/worksheets/sheet1.xml': 2_000_000_000 } });
    const table = await readTable(file, 'xlsx', { sheetName: 'Activities' });
    expect(table.rows).toEqual([]);
    expect(table.problems).toEqual([
      {
        path: 'file',
        rule: 'too_large_uncompressed',
        value: expect.any(Number),
        message: expect.stringMatching(
          /^the workbook holds 1907\.\d MB of XML once uncompressed, of which xl\/worksheets\/sheet1\.xml holds 1907\.3 MB \(\d+ times its compressed size\); the limit is 50\.0 MB/,
        ),
      },
    ]);
    expect(table.problems[0].value).toBeGreaterThan(2_000_000_000);
  });

  it('counts the shared strings against the limit too', async () => {
    const strings = Array.from({ length: 2000 }, (_, index) => `<x:si><x:t>string number ${index}</x:t></x:si>`).join('');
    const file = handWritten('<x:row r="1"><x:c r="A1" t="s"><x:v>1999</x:v></x:c></x:row>', { strings });
    expect((await readTable(file, 'xlsx', { sheetName: 'Activities' })).rows).toEqual([{ number: 1, cells: ['string number 1999'] }]);
    const refused = await readTable(file, 'xlsx', { sheetName: 'Activities', maxUncompressedBytes: 50_000 });
    expect(refused.problems).toMatchObject([{ path: 'file', rule: 'too_large_uncompressed', message: expect.stringContaining('xl/sharedStrings.xml holds') }]);
  });

  it.each(['inline', 'worker'] as const)('counts the bytes really inflated: a part larger than it declares is refused as forged (%s)', async (thread) => {
    const bomb = await writeXlsxBomb({ rows: 2000, columns: 20, declaredSheetSize: 100_000 });
    const table = await readTable(bomb.file, 'xlsx', { thread });
    expect(table).toEqual({
      rows: [],
      truncated: false,
      problems: [
        {
          path: 'file',
          rule: 'unreadable_file',
          value: '',
          message: expect.stringContaining('xl/worksheets/sheet1.xml inflates to more than the 100000 bytes its ZIP directory declares'),
        },
      ],
    });
  });

  it.each(['inline', 'worker'] as const)('reports progress in bytes as it reads, up to the total the parts declare (%s)', async (thread) => {
    const bomb = await writeXlsxBomb({ rows: 4000, columns: 20 });
    const reports: Array<[number, number]> = [];
    const table = await readTable(bomb.file, 'xlsx', { thread, onProgress: (done, total) => reports.push([done, total]) });
    expect(table.rows).toHaveLength(4000);
    expect(reports.length).toBeGreaterThan(3);
    const total = reports[0][1];
    expect(total).toBeGreaterThan(bomb.sheetXmlBytes);
    expect(reports.every(([done, reported], index) => reported === total && done <= total && (index === 0 || done >= reports[index - 1][0]))).toBe(true);
    expect(reports.at(-1)).toEqual([total, total]);
  });

  it.each([
    ['a cell beyond column XFD', '<x:row r="1"><x:c r="ZZZZZZZZ1"><x:v>1</x:v></x:c></x:row>', /beyond column XFD/],
    ['a row number beyond 1,048,576', '<x:row r="99999999"><x:c><x:v>1</x:v></x:c></x:row>', /numbered 99999999/],
    ['a shared string that does not exist', '<x:row r="1"><x:c t="s"><x:v>7</x:v></x:c></x:row>', /shared string 7/],
    ['an entity defined by the file', '<x:row r="1"><x:c t="inlineStr"><x:is><x:t>&lol;</x:t></x:is></x:c></x:row>', /not valid XML/],
  ])('refuses %s as unreadable', async (_, sheet, message) => {
    const table = await readTable(handWritten(sheet), 'xlsx', { sheetName: 'Activities' });
    expect(table.problems).toMatchObject([{ path: 'file', rule: 'unreadable_file', message: expect.stringMatching(message) }]);
  });

  it('refuses archives that are damaged, encrypted or not XLSX at all', async () => {
    const file = handWritten(EVERY_KIND);
    for (const broken of [file.subarray(0, file.length - 10), file.subarray(0, 100), Buffer.from('PK\u0003\u0004 and then nothing')]) {
      expect((await readTable(broken, 'xlsx')).problems).toMatchObject([{ path: 'file', rule: 'unreadable_file' }]);
    }
    const encrypted = Buffer.from(file);
    encrypted.writeUInt16LE(encrypted.readUInt16LE(6) | 1, 6);
    const directory = encrypted.readUInt32LE(encrypted.length - 22 + 16);
    encrypted.writeUInt16LE(encrypted.readUInt16LE(directory + 8) | 1, directory + 8);
    expect((await readTable(encrypted, 'xlsx')).problems).toMatchObject([{ rule: 'unreadable_file', message: expect.stringContaining('encrypted') }]);
  });
});
