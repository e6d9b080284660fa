// The shipped data (demo organisation, scenario library) passes every check of scripts/check-data.ts.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('validates the demo organisation and the scenario library', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-data.ts'], { encoding: 'utf8' });
  expect(result.stderr + result.stdout).toMatch(/data OK: \d+ activities, 1\d{3} staff/);
  expect(result.status).toBe(0);
});
