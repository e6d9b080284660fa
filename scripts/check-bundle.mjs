#!/usr/bin/env node
// Fails the web build when the initial JavaScript (entry chunk + its static imports, gzipped) exceeds the budget.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 300 * 1000; // 300 kB, as Vite counts them
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'web');
const manifestPath = join(outDir, '.vite', 'manifest.json');

if (!existsSync(manifestPath)) {
  console.error(`check-bundle: ${manifestPath} is missing; run "vite build --config web/vite.config.ts" first (build.manifest must stay on).`);
  process.exit(1);
}

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length === 0) {
  console.error('check-bundle: the manifest has no entry chunk.');
  process.exit(1);
}

// The initial JavaScript: each entry and, recursively, what it imports statically (dynamic imports load later).
const initial = new Map();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.set(chunk.file, key);
  for (const imported of chunk.imports ?? []) visit(imported);
};
for (const [key] of entries) visit(key);

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
let raw = 0;
let gzipped = 0;
const rows = [];
for (const file of initial.keys()) {
  if (!file.endsWith('.js')) continue;
  const content = readFileSync(join(outDir, file));
  const size = gzipSync(content, { level: 9 }).length;
  raw += content.length;
  gzipped += size;
  rows.push([file, content.length, size]);
}
rows.sort((a, b) => b[2] - a[2]);
console.log('check-bundle: initial JavaScript (entry + static imports)');
for (const [file, size, gz] of rows) console.log(`  ${file.padEnd(48)} ${kb(size).padStart(10)}  gzip ${kb(gz).padStart(9)}`);
console.log(`check-bundle: total ${kb(raw)}, gzipped ${kb(gzipped)} (budget ${kb(BUDGET_BYTES)})`);

if (gzipped > BUDGET_BYTES) {
  console.error(
    `check-bundle: FAILED: the initial JavaScript is ${kb(gzipped)} gzipped, over the ${kb(BUDGET_BYTES)} budget. ` +
      'Load the heavy module lazily (React.lazy for pages, dynamic import() for charts and libraries).',
  );
  process.exit(1);
}
