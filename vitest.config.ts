import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The web app imports the engine and model as @shared (web/vite.config.ts): its tests need the same alias.
  resolve: { alias: { '@shared': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/support/compiled-cli.ts', 'test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites share one machine of 2 cores and start embedded databases: keep parallelism modest.
    maxWorkers: 2,
  },
});
