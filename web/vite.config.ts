// Builds the web application into dist/web, served by the Rempart server (src/server/static.ts).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
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
  },
});
