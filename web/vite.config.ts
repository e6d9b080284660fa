// Builds the web application into dist/web, served by the Rempart server (src/server/static.ts).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
// @ts-expect-error -- a plain ES module script of the build, without type declarations.
import { compressFolder } from '../scripts/compress-web.mjs';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Brotli and gzip copies of the built files, served precompressed by src/server/static.ts. */
function precompress(): Plugin {
  return {
    name: 'rempart-precompress',
    apply: 'build',
    closeBundle() {
      const { count, raw, brotli } = compressFolder(here('../dist/web')) as { count: number; raw: number; brotli: number };
      this.info(`precompressed ${count} files: ${(raw / 1000).toFixed(1)} kB → ${(brotli / 1000).toFixed(1)} kB (brotli)`);
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react(), precompress()],
  resolve: {
    // The model, engine and error shapes live in src/: the web imports them instead of re-declaring them.
    alias: { '@shared': here('../src') },
  },
  server: {
    port: 5173,
    proxy: { '/api': process.env.REMPART_API ?? 'http://127.0.0.1:4310' },
    fs: { allow: [here('..')] },
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // scripts/check-bundle.mjs reads the manifest to measure the initial JavaScript.
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // The libraries every page uses (React, Mantine, the router, queries, translations, zod) go in one chunk, cached
        // for a year: split by usage they made ~30 files for the first page, each a request before it could render.
        // The charts (ECharts) stay with the pages that draw them.
        codeSplitting: {
          groups: [{ name: 'vendor', test: (id: string) => /[\\/]node_modules[\\/]/.test(id) && !/[\\/]node_modules[\\/](echarts|zrender)[\\/]/.test(id) }],
        },
      },
    },
  },
});
