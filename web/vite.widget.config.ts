// Builds the embeddable widget (web/widget) into dist/widget/widget.js: one classic script, no dependency, served by
// the Rempart server at /widget.js. scripts/check-widget.mjs holds it to its size budget.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  build: {
    outDir: here('../dist/widget'),
    emptyOutDir: true,
    target: 'es2020',
    lib: { entry: here('widget/widget.ts'), formats: ['iife'], name: 'RempartWidget', fileName: () => 'widget.js' },
  },
});
