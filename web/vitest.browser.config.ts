// Browser journeys: the real server and Debian's chromium driven by playwright-core (npm run test:browser).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['web/tests/**/*.browser.test.ts'],
    // The server of each file starts from the compiled build (built first when stale).
    globalSetup: ['test/support/compiled-cli.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One server and one browser per file; files run one after the other on this small machine.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
