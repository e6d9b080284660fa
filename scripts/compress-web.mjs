// Precompresses the built web application (dist/web): next to each text file worth it, `file.br` (brotli, best
// quality) and `file.gz` (gzip, level 9), which the server sends as they are to browsers that accept them
// (@fastify/static's preCompressed). Compressing once at build time costs nothing per request and allows the
// slowest, smallest settings. Run by the Vite build (web/vite.config.ts); also `node scripts/compress-web.mjs [DIR]`.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
/** Below this a compressed copy saves less than the headers it costs. */
const MIN_BYTES = 1024;

function files(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(folder, entry.name)) : [join(folder, entry.name)]));
}

/** Writes the .br and .gz copies; returns the bytes before and after (brotli) for the build's report. */
export function compressFolder(folder) {
  let raw = 0;
  let brotli = 0;
  let count = 0;
  for (const file of files(folder)) {
    if (!COMPRESSIBLE.test(file) || statSync(file).size < MIN_BYTES) continue;
    const data = readFileSync(file);
    const br = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    const gz = gzipSync(data, { level: 9 });
    // A copy larger than the file (already compressed data) would only waste bytes on the wire.
    if (br.length < data.length) writeFileSync(`${file}.br`, br);
    if (gz.length < data.length) writeFileSync(`${file}.gz`, gz);
    raw += data.length;
    brotli += Math.min(br.length, data.length);
    count++;
  }
  return { count, raw, brotli };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const folder = process.argv[2] ?? fileURLToPath(new URL('../dist/web', import.meta.url));
  const { count, raw, brotli } = compressFolder(folder);
  console.log(`compress-web: ${count} files, ${(raw / 1000).toFixed(1)} kB → ${(brotli / 1000).toFixed(1)} kB with brotli`);
}
