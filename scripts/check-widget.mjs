#!/usr/bin/env node
// Fails the build when the embeddable widget (dist/widget/widget.js), gzipped, exceeds its budget: it loads on other
// organisations' pages, often on phones.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 30 * 1000;
const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'widget', 'widget.js');
if (!existsSync(file)) {
  console.error(`check-widget: ${file} is missing; run "vite build --config web/vite.widget.config.ts" first.`);
  process.exit(1);
}
const content = readFileSync(file);
const gzipped = gzipSync(content, { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
console.log(`check-widget: widget.js ${kb(content.length)}, gzipped ${kb(gzipped)} (budget ${kb(BUDGET_BYTES)})`);
if (gzipped > BUDGET_BYTES) {
  console.error(`check-widget: the widget is over its budget by ${kb(gzipped - BUDGET_BYTES)}.`);
  process.exit(1);
}
