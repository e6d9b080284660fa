// `rempart plans list` and `rempart incidents list` in-process on the test database (embedded, or PostgreSQL with
// DATABASE_URL): a table for people, JSON shaped as the API's lists for scripts, a refused --status naming it, and
// an unknown organisation refused by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCrisisCommands } from '../../src/cli/crisis-commands.js';
import { PlanView } from '../../src/model/contract/plans.js';
import { IncidentView } from '../../src/model/contract/incidents.js';
import { loadDemo } from '../../src/operations/demo.js';
import { declareIncident } from '../../src/operations/incidents.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { runCommandsInProcess } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
const actor = { id: null, label: 'cli test', roles: ['owner'] as const, names: [] };

beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemo(database.db, 'demo');
  await declareIncident(
    database.db,
    'demo',
    { title: 'Lyon flooded', severity: 'critical', sites: ['lyon'], activities: [], applications: [], suppliers: [], exercise: false },
    actor,
  );
  await declareIncident(
    database.db,
    'demo',
    { title: 'Drill', severity: 'minor', sites: [], activities: ['payroll'], applications: [], suppliers: [], exercise: true },
    actor,
  );
}, 60_000);
afterAll(async () => {
  await database?.close();
});

const rempart = (...args: string[]) => runCommandsInProcess(registerCrisisCommands, database, args);

describe('rempart plans list', () => {
  it('prints the demo’s four approved plans as a table', async () => {
    const { stdout } = await rempart('plans', 'list', '--org', 'demo');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+VERSION\s+APPROVED\s+VALIDATION\s+REVIEW BY\s+TITLE$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['key-supplier', 'pandemic', 'ransomware', 'site-loss']);
    expect(lines.find((line) => line.startsWith('pandemic'))).toMatch(/^pandemic\s+approved\s+1\s+1\s+.*Pandemic: mass telework$/);
  });

  it('prints JSON shaped as the API’s plans, filtered by status', async () => {
    const { stdout } = await rempart('plans', 'list', '--org', 'demo', '--json');
    const body = JSON.parse(stdout) as { items: unknown[]; total: number };
    expect(body.total).toBe(4);
    for (const item of body.items) expect(PlanView.safeParse(item).success).toBe(true);
    const drafts = JSON.parse((await rempart('plans', 'list', '--org', 'demo', '--status', 'draft', '--json')).stdout);
    expect(drafts).toEqual({ items: [], total: 0 });
    expect((await rempart('plans', 'list', '--org', 'demo', '--status', 'draft')).stdout).toBe('No plan in demo.\n');
  });

  it('refuses an unknown status and an unknown organisation by name', async () => {
    await expect(rempart('plans', 'list', '--org', 'demo', '--status', 'published')).rejects.toMatchObject({
      details: [{ path: '--status', rule: 'enum', value: 'published' }],
    });
    await expect(rempart('plans', 'list', '--org', "x' or 1=1")).rejects.toThrow(/x' or 1=1/);
  });
});

describe('rempart incidents list', () => {
  it('prints incidents newest first, exercises marked', async () => {
    const { stdout } = await rempart('incidents', 'list', '--org', 'demo');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+START\s+SEVERITY\s+STATE\s+TASKS\s+TITLE$/);
    expect(lines[1]).toMatch(/minor\s+open\s+0\/0\s+\[EXERCISE\] Drill$/);
    expect(lines[2]).toMatch(/critical\s+open\s+0\/0\s+Lyon flooded$/);
  });

  it('prints JSON shaped as the API’s incidents, and filters by state', async () => {
    const body = JSON.parse((await rempart('incidents', 'list', '--org', 'demo', '--json')).stdout) as { items: Array<{ title: string }>; total: number };
    expect(body.total).toBe(2);
    for (const item of body.items) expect(IncidentView.safeParse(item).success).toBe(true);
    expect(body.items.map((item) => item.title)).toEqual(['Drill', 'Lyon flooded']);
    expect((await rempart('incidents', 'list', '--org', 'demo', '--status', 'closed')).stdout).toBe('No incident in demo.\n');
    await expect(rempart('incidents', 'list', '--org', 'demo', '--status', 'shut')).rejects.toMatchObject({ details: [{ path: '--status', value: 'shut' }] });
  });
});
