// The demo organisation's staff as people, on the real database: as many per activity and per site as the model's staff
// entries say, reachable only at reserved addresses and numbers, the same at every load, and quick to load.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E164 } from '../../src/model/person.js';
import { loadDemo, readDemoModel } from '../../src/operations/demo.js';
import { DEMO_EMAIL_DOMAIN, DEMO_MOBILE_PREFIX, demoPeople, loadDemoPeople } from '../../src/operations/people.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await loadDemo(database.db, 'demo');
});
afterAll(async () => {
  await database?.close();
});

describe('the demo staff', () => {
  it('has as many people per activity and per site as the model’s staff headcounts (1,204 in all)', async () => {
    const model = await readDemoModel();
    const perActivity = new Map<string, number>();
    const perSite = new Map<string, number>();
    const remotePerActivity = new Map<string, number>();
    for (const activity of model.activities)
      for (const entry of activity.staff) {
        perActivity.set(activity.id, (perActivity.get(activity.id) ?? 0) + entry.headcount);
        perSite.set(entry.site, (perSite.get(entry.site) ?? 0) + entry.headcount);
        remotePerActivity.set(activity.id, (remotePerActivity.get(activity.id) ?? 0) + Math.round(entry.headcount * entry.remote));
      }
    const byActivity = await sql<{ activity: string; people: string; remote: string }>`
      select a.activity, count(*) as people, count(*) filter (where remote_capable) as remote
      from people, unnest(activities) as a(activity) where org_id = 'demo' group by a.activity`.execute(database.db);
    expect(new Map(byActivity.rows.map((row) => [row.activity, Number(row.people)]))).toEqual(new Map([...perActivity].filter(([, count]) => count > 0)));
    expect(new Map(byActivity.rows.map((row) => [row.activity, Number(row.remote)]))).toEqual(
      new Map([...remotePerActivity].filter(([id]) => (perActivity.get(id) ?? 0) > 0)),
    );
    const bySite = await sql<{ site: string; people: string }>`
      select site, count(*) as people from people where org_id = 'demo' group by site`.execute(database.db);
    expect(new Map(bySite.rows.map((row) => [row.site, Number(row.people)]))).toEqual(perSite);
    expect([...perSite.values()].reduce((a, b) => a + b, 0)).toBe(1204);
  });

  it('reaches nobody real: addresses under the demo domain, each once; mobiles in the range reserved for fiction', async () => {
    const rows = await database.db.selectFrom('people').select(['email', 'mobile', 'language', 'name']).where('org_id', '=', 'demo').execute();
    expect(rows).toHaveLength(1204);
    expect(new Set(rows.map((row) => row.email)).size).toBe(1204);
    expect(new Set(rows.map((row) => row.mobile)).size).toBe(1204);
    for (const row of rows) {
      expect(row.email).toMatch(new RegExp(`^[a-z-]+\\.[a-z-]+\\d*@${DEMO_EMAIL_DOMAIN.replaceAll('.', '\\.')}$`));
      expect(row.mobile).toMatch(E164);
      expect(row.mobile!.startsWith(DEMO_MOBILE_PREFIX)).toBe(true);
    }
    // French and English names, each person written to in the language of their name.
    const english = rows.filter((row) => row.language === 'en').length;
    expect(english).toBeGreaterThan(100);
    expect(english).toBeLessThan(600);
    expect(rows.some((row) => /[éèëïç]/.test(row.name))).toBe(true);
  });

  it('is the same at every load (seeded), and loading it again leaves one directory, not two', async () => {
    const model = await readDemoModel();
    expect(demoPeople(model)).toEqual(demoPeople(model));
    expect(demoPeople(model, 1)).not.toEqual(demoPeople(model));
    await loadDemoPeople(database.db, 'demo');
    const stored = await database.db.selectFrom('people').select(['id', 'name', 'email', 'site']).where('org_id', '=', 'demo').orderBy('id').execute();
    expect(stored.map((row) => row.name)).toEqual(
      demoPeople(model)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((person) => person.name),
    );
  });

  it('adds little to loading the demo: the directory loads in well under half a second', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      expect(await loadDemoPeople(database.db, 'demo')).toEqual({ people: 1204 });
      times.push(performance.now() - started);
    }
    const median = times.sort((a, b) => a - b)[1];
    console.log(`demo people: ${times.map(Math.round).join(', ')} ms`);
    expect(median).toBeLessThan(500);
    // Each load is one audit entry, not one per person.
    const entries = await database.db.selectFrom('audit_log').select('action').where('org_id', '=', 'demo').where('entity_type', '=', 'people').execute();
    expect(entries.length).toBe(5);
    expect(entries.every((entry) => entry.action === 'load_demo')).toBe(true);
  });
});
