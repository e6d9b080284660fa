// Reads a ZIP archive held in memory without trusting it: its central directory first, then one entry at a time, inflated as a stream and counted.
import { createInflateRaw } from 'node:zlib';

/** One file of the archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflate (the only two an XLSX uses). */
  method: number;
  flags: number;
  compressedSize: number;
  /** As declared: an archive can lie, so `inflateEntry` counts the real bytes. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The archive is damaged, forged or uses a feature an XLSX never needs. */
export class ZipFormatError extends Error {}

/** An entry inflated to more bytes than it is allowed to. */
export class ZipEntryTooLargeError extends Error {
  constructor(
    readonly entry: string,
    /** Bytes inflated when reading stopped. */
    readonly inflated: number,
    readonly limit: number,
  ) {
    super(`${entry} inflates to more than ${limit} bytes`);
  }
}

/** More parts than any workbook has: a directory of a million tiny entries is refused before it costs anything. */
export const MAX_ZIP_ENTRIES = 10_000;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a ZIP64 size or offset is out of range');
  return Number(value);
}

function need(buffer: Buffer, offset: number, length: number, what: string): void {
  if (offset < 0 || offset + length > buffer.length) throw new ZipFormatError(`the ZIP ${what} lies outside the file (truncated or damaged)`);
}

/** True when the bytes start like a ZIP archive, as every XLSX does. */
export function looksLikeZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer.readUInt32LE(0) === LOCAL;
}

/**
 * The entries of the archive by name, read from its central directory only: nothing is inflated. Throws
 * `ZipFormatError` when the directory is missing, truncated, encrypted or larger than {@link MAX_ZIP_ENTRIES}.
 */
export function readZipDirectory(buffer: Buffer): Map<string, ZipEntry> {
  // The end-of-central-directory record is the last 22 bytes, followed by a comment of at most 65,535 bytes.
  let eocd = -1;
  for (let offset = buffer.length - 22; offset >= Math.max(0, buffer.length - 22 - 0xffff); offset--) {
    if (buffer.readUInt32LE(offset) === EOCD && offset + 22 + buffer.readUInt16LE(offset + 20) <= buffer.length) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('the ZIP directory is missing (the file is truncated or is not a ZIP archive)');
  let count = buffer.readUInt16LE(eocd + 10);
  let size = buffer.readUInt32LE(eocd + 12);
  let start = buffer.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || start === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || buffer.readUInt32LE(locator) !== ZIP64_LOCATOR) throw new ZipFormatError('the ZIP64 directory locator is missing');
    const record = u64(buffer, locator + 8);
    need(buffer, record, 56, 'ZIP64 directory record');
    if (buffer.readUInt32LE(record) !== ZIP64_EOCD) throw new ZipFormatError('the ZIP64 directory record is damaged');
    count = u64(buffer, record + 32);
    size = u64(buffer, record + 40);
    start = u64(buffer, record + 48);
  }
  if (count > MAX_ZIP_ENTRIES) throw new ZipFormatError(`the archive holds ${count} files, more than the ${MAX_ZIP_ENTRIES} a workbook may have`);
  need(buffer, start, size, 'central directory');

  const entries = new Map<string, ZipEntry>();
  let offset = start;
  for (let index = 0; index < count; index++) {
    need(buffer, offset, 46, 'central directory');
    if (buffer.readUInt32LE(offset) !== CENTRAL) throw new ZipFormatError('the ZIP central directory is damaged');
    const flags = buffer.readUInt16LE(offset + 8);
    const method = buffer.readUInt16LE(offset + 10);
    let compressedSize = buffer.readUInt32LE(offset + 20);
    let uncompressedSize = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    let localHeaderOffset = buffer.readUInt32LE(offset + 42);
    need(buffer, offset + 46, nameLength + extraLength + commentLength, 'central directory');
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    // ZIP64: the sizes and offset that do not fit 32 bits are in extra field 0x0001, in this order.
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      let extra = offset + 46 + nameLength;
      const end = extra + extraLength;
      let found = false;
      while (extra + 4 <= end) {
        const id = buffer.readUInt16LE(extra);
        const length = buffer.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          const take = (): number => {
            if (field + 8 > extra + 4 + length) throw new ZipFormatError(`the ZIP64 sizes of ${name} are damaged`);
            const value = u64(buffer, field);
            field += 8;
            return value;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
          found = true;
          break;
        }
        extra += 4 + length;
      }
      if (!found) throw new ZipFormatError(`the ZIP64 sizes of ${name} are missing`);
    }
    if (flags & 0x1) throw new ZipFormatError(`${name} is encrypted`);
    entries.set(name, { name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The compressed bytes of an entry (a view of `buffer`, no copy). */
function entryData(buffer: Buffer, entry: ZipEntry): Buffer {
  need(buffer, entry.localHeaderOffset, 30, `header of ${entry.name}`);
  if (buffer.readUInt32LE(entry.localHeaderOffset) !== LOCAL) throw new ZipFormatError(`the ZIP header of ${entry.name} is damaged`);
  // The local header's name and extra field may differ in length from the central directory's.
  const start = entry.localHeaderOffset + 30 + buffer.readUInt16LE(entry.localHeaderOffset + 26) + buffer.readUInt16LE(entry.localHeaderOffset + 28);
  need(buffer, start, entry.compressedSize, `data of ${entry.name}`);
  return buffer.subarray(start, start + entry.compressedSize);
}

/** Inflated chunks at most this large, so that the reader works in small steps. */
const CHUNK = 64 * 1024;

/**
 * The inflated bytes of an entry, chunk by chunk, never more than `limit` in all nor more than the entry declares:
 * the first chunk past either stops inflating and throws (`ZipEntryTooLargeError` past the limit, `ZipFormatError`
 * past the declared size or short of it). Stopping early (`break`) stops inflating too.
 */
export async function* inflateEntry(buffer: Buffer, entry: ZipEntry, limit: number): AsyncGenerator<Buffer> {
  const data = entryData(buffer, entry);
  let total = 0;
  const count = (chunk: Buffer): void => {
    total += chunk.length;
    if (total > limit) throw new ZipEntryTooLargeError(entry.name, total, limit);
    if (total > entry.uncompressedSize)
      throw new ZipFormatError(
        `${entry.name} inflates to more than the ${entry.uncompressedSize} bytes its ZIP directory declares (the file is damaged or forged)`,
      );
  };
  if (entry.method === 0) {
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      const chunk = data.subarray(offset, offset + CHUNK);
      count(chunk);
      yield chunk;
    }
  } else if (entry.method === 8) {
    // The input is already in memory; the inflater's own back-pressure keeps at most a few chunks of output waiting.
    const inflater = createInflateRaw({ chunkSize: CHUNK });
    try {
      inflater.end(data);
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        count(chunk);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof ZipEntryTooLargeError || error instanceof ZipFormatError) throw error;
      throw new ZipFormatError(`${entry.name} cannot be inflated: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      inflater.destroy();
    }
  } else throw new ZipFormatError(`${entry.name} uses ZIP compression method ${entry.method}, which spreadsheets do not use`);
  if (total !== entry.uncompressedSize)
    throw new ZipFormatError(
      `${entry.name} inflates to ${total} bytes, not the ${entry.uncompressedSize} its ZIP directory declares (the file is damaged or forged)`,
    );
}
