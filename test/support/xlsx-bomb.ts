// Writes large XLSX workbooks as a stream (XML generated row by row, deflated on the fly): the "spreadsheet bomb" of the tests and benchmark.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

export interface XlsxBombOptions {
  rows: number;
  columns: number;
  /** Worksheet name (default `Data`). */
  sheetName?: string;
  /** Writes this uncompressed size for the worksheet in the ZIP headers instead of the real one: a forged, lying archive. */
  declaredSheetSize?: number;
  /** Deflate level (default 6, as Excel and exceljs write). */
  level?: number;
}

export interface XlsxBomb {
  file: Buffer;
  /** Bytes of worksheet XML once inflated. */
  sheetXmlBytes: number;
}

interface Part {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
}

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const xml = (text: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${text}`, 'utf8');

function smallPart(name: string, content: Buffer): Part {
  return { name, data: deflateRawSync(content), crc: crc32(content), size: content.length };
}

/**
 * The worksheet XML, 1,000 rows per chunk; cells are short inline strings, a third with 4 random bits: about as compressible as the
 * 21.7 MB file of 455 MB of XML that froze the server. */
function* sheetXml(rows: number, columns: number, count: { bytes: number; crc: number }): Generator<Buffer> {
  const letters = Array.from({ length: columns }, (_, index) => columnName(index));
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed >>> 15;
  };
  const emit = (text: string): Buffer => {
    const chunk = Buffer.from(text, 'utf8');
    count.bytes += chunk.length;
    count.crc = crc32(chunk, count.crc);
    return chunk;
  };
  yield emit(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
  );
  for (let first = 1; first <= rows; first += 1000) {
    let text = '';
    for (let row = first; row < first + 1000 && row <= rows; row++) {
      text += `<row r="${row}" spans="1:${columns}">`;
      for (let column = 0; column < columns; column++)
        text += `<c r="${letters[column]}${row}" t="inlineStr"><is><t>value ${column % 3 === 0 ? (random() & 0xf).toString(16) : 'x'}</t></is></c>`;
      text += '</row>';
    }
    yield emit(text);
  }
  yield emit('</sheetData></worksheet>');
}

/** Builds the workbook in memory, the worksheet streamed through deflate: memory holds the compressed file only. */
export async function writeXlsxBomb(options: XlsxBombOptions): Promise<XlsxBomb> {
  const sheetName = options.sheetName ?? 'Data';
  const parts: Part[] = [
    smallPart(
      '[Content_Types].xml',
      xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
      ),
    ),
    smallPart(
      '_rels/.rels',
      xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ),
    ),
    smallPart(
      'xl/workbook.xml',
      xml(
        `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    ),
    smallPart(
      'xl/_rels/workbook.xml.rels',
      xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
    ),
  ];
  const count = { bytes: 0, crc: 0 };
  const compressed: Buffer[] = [];
  await pipeline(
    Readable.from(sheetXml(options.rows, options.columns, count)),
    createDeflateRaw({ level: options.level ?? 6 }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) compressed.push(chunk);
    },
  );
  parts.push({ name: 'xl/worksheets/sheet1.xml', data: Buffer.concat(compressed), crc: count.crc, size: options.declaredSheetSize ?? count.bytes });
  return { file: zip(parts), sheetXmlBytes: count.bytes };
}

/**
 * An XLSX (a ZIP archive of deflated parts) made of these XML texts, for workbooks exceljs would not write:
 * `declaredSizes` forges the uncompressed size the archive states for a part.
 */
export function writeXlsxParts(files: Record<string, string>, declaredSizes: Record<string, number> = {}): Buffer {
  return zip(
    Object.entries(files).map(([name, text]) => {
      const part = smallPart(name, Buffer.from(text, 'utf8'));
      return { ...part, size: declaredSizes[name] ?? part.size };
    }),
  );
}

/** A ZIP archive of deflated parts (no ZIP64: every part and the archive stay under 4 GB). */
function zip(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(part.crc, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(part.crc, 16);
    entry.writeUInt32LE(part.data.length, 20);
    entry.writeUInt32LE(part.size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, part.data);
    central.push(entry, name);
    offset += local.length + name.length + part.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

/** A copy of `file` whose ZIP headers declare `size` bytes for the worksheet, whatever it really inflates to. */
export function forgeSheetSize(file: Buffer, size: number): Buffer {
  const copy = Buffer.from(file);
  const end = copy.length - 22;
  let offset = copy.readUInt32LE(end + 16);
  for (let index = 0; index < copy.readUInt16LE(end + 10); index++) {
    const nameLength = copy.readUInt16LE(offset + 28);
    const name = copy.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (name === 'xl/worksheets/sheet1.xml') {
      copy.writeUInt32LE(size, offset + 24);
      copy.writeUInt32LE(size, copy.readUInt32LE(offset + 42) + 22);
    }
    offset += 46 + nameLength + copy.readUInt16LE(offset + 30) + copy.readUInt16LE(offset + 32);
  }
  return copy;
}
