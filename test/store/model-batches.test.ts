// Model writes of one organisation arriving together go in shared transactions (one lock, one version, one audit
// append): each is validated against the model the writes before it left, a refusal fails alone and leaves nothing,
// every acknowledged write is in the database and in the audit trail, and the cached model never outlives a change
// made elsewhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RempartError } from '../../src/errors.js';
import type { Activity } from '../../src/model/organisation.js';
import { SYSTEM, actAs } from '../../src/operations/actor.js';
import { listAudit, verifyChain } from '../../src/operations/audit.js';
import { loadDemo } from '../../src/operations/demo.js';
import { cachedCollections, versionKey } from '../../src/operations/model-cache.js';
import { createEntity, deleteEntity, exportModel, importModel, replaceEntity } from '../../src/operations/model-writer.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { ModelRepository } from '../../src/store/model-repository.js';
import { createTestDatabase } from '../support/database.js';

const ORG = 'batched';
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
  await actAs(SYSTEM, () => loadDemo(handle.db, ORG));
});
afterAll(async () => handle?.close());

const version = async () => (await new ModelRepository(handle.db).getOrganisation(ORG))!.modelVersion;
const stored = async () => new ModelRepository(handle.db).loadModel(ORG);
const errorCode = (reason: unknown) => (reason instanceof RempartError ? reason.code : String(reason));

describe('batched model writes', () => {
  it('commits every accepted write of a burst, refuses the bad ones alone, and records each in one intact chain', async () => {
    const activities = (await stored()).activities as Activity[];
    const auditBefore = (await listAudit(handle.db, ORG, { limit: 500 })).items.length;
    const versionBefore = await version();
    const burst = activities
      .slice(0, 20)
      .map((activity, index) =>
        actAs({ actor: { type: 'user', id: null, label: `writer ${index}` }, source: '127.0.0.1' }, () =>
          replaceEntity(handle.db, ORG, 'activities', activity.id, { ...activity, description: `burst ${index}` }),
        ),
      );
    // In the same burst: a reference to nothing, and an id that is not there.
    const dangling = replaceEntity(handle.db, ORG, 'activities', activities[20].id, { ...activities[20], applications: ['no-such-application'] });
    const missing = replaceEntity(handle.db, ORG, 'activities', 'no-such-activity', { ...activities[21], id: 'no-such-activity' });
    const settled = await Promise.allSettled([...burst, dangling, missing]);

    expect(settled.slice(0, 20).map((outcome) => outcome.status)).toEqual(Array(20).fill('fulfilled'));
    expect(settled.slice(20).map((outcome) => (outcome.status === 'rejected' ? errorCode(outcome.reason) : 'fulfilled'))).toEqual([
      'invalid_reference',
      'not_found',
    ]);
    const after = (await stored()).activities as Activity[];
    expect(after.slice(0, 20).map((activity) => activity.description)).toEqual(activities.slice(0, 20).map((_, index) => `burst ${index}`));
    expect(after[20]).toEqual(activities[20]);
    // Fewer versions than writes: the writes that waited went together.
    const moved = (await version()) - versionBefore;
    expect(moved).toBeGreaterThanOrEqual(1);
    expect(moved).toBeLessThan(20);

    const audit = (await listAudit(handle.db, ORG, { limit: 500 })).items;
    expect(audit.length - auditBefore).toBe(20);
    const labels = audit.slice(0, 20).map((entry) => entry.actor.label);
    expect(new Set(labels)).toEqual(new Set(Array.from({ length: 20 }, (_, index) => `writer ${index}`)));
    expect((await verifyChain(handle.db, ORG)).ok).toBe(true);
  });

  it("sends a batch's writes in grouped statements that end where the same writes one by one would", async () => {
    const model = await stored();
    const template = { ...(model.activities[0] as Activity), dependsOn: [] as string[] };
    const burst = (suffix: string) => [
      () => createEntity(handle.db, ORG, 'activities', { ...template, id: `mixed-a${suffix}`, name: 'A' }),
      () => createEntity(handle.db, ORG, 'activities', { ...template, id: `mixed-b${suffix}`, name: 'B' }),
      () => replaceEntity(handle.db, ORG, 'activities', `mixed-a${suffix}`, { ...template, id: `mixed-a${suffix}`, name: 'A twice' }),
      // A rename, then the old id taken again, then deleted and created once more: order matters at every step.
      () => replaceEntity(handle.db, ORG, 'activities', `mixed-b${suffix}`, { ...template, id: `mixed-c${suffix}`, name: 'B renamed C' }),
      () => replaceEntity(handle.db, ORG, 'activities', `mixed-c${suffix}`, { ...template, id: `mixed-d${suffix}`, name: 'C renamed D' }),
      () => createEntity(handle.db, ORG, 'activities', { ...template, id: `mixed-b${suffix}`, name: 'B again' }),
      () => deleteEntity(handle.db, ORG, 'activities', `mixed-a${suffix}`),
      () => createEntity(handle.db, ORG, 'activities', { ...template, id: `mixed-a${suffix}`, name: 'A reborn' }),
      () => createEntity(handle.db, ORG, 'activities', { ...template, id: `mixed-b${suffix}`, name: 'refused: B exists' }),
    ];
    const versionBefore = await version();
    const together = await Promise.allSettled(burst('-1').map((write) => write()));
    expect((await version()) - versionBefore).toBeLessThan(8);
    const oneByOne: string[] = [];
    for (const write of burst('-2'))
      oneByOne.push(
        await write().then(
          () => 'fulfilled',
          (error: unknown) => errorCode(error),
        ),
      );
    expect(together.map((outcome) => (outcome.status === 'rejected' ? errorCode(outcome.reason) : 'fulfilled'))).toEqual(oneByOne);
    expect(oneByOne.at(-1)).toBe('duplicate_id');
    const after = (await stored()).activities as Activity[];
    const shape = (suffix: string) => after.filter((a) => a.id.endsWith(suffix)).map((a) => `${a.id.replace(suffix, '')}=${a.name}`);
    expect(shape('-1')).toEqual(['mixed-d=C renamed D', 'mixed-b=B again', 'mixed-a=A reborn']);
    expect(shape('-1')).toEqual(shape('-2'));
    expect(after).toEqual((await exportModel(handle.db, ORG)).activities);
    expect((await verifyChain(handle.db, ORG)).ok).toBe(true);
  });

  it('validates each write of a batch against the model the refused ones did not change', async () => {
    const model = await stored();
    const site = model.sites[0].id;
    const activity = model.activities[0] as Activity;
    // The site is in use: its deletion is refused, so the activity created next to it in the same burst may name it.
    const settled = await Promise.allSettled([
      createEntity(handle.db, ORG, 'activities', { ...activity, id: 'warm-up', dependsOn: [] }),
      deleteEntity(handle.db, ORG, 'sites', site),
      createEntity(handle.db, ORG, 'activities', { ...activity, id: 'names-the-site', dependsOn: [], staff: [{ site, headcount: 2, remote: 0, access: [] }] }),
    ]);
    expect(settled.map((outcome) => (outcome.status === 'rejected' ? errorCode(outcome.reason) : 'fulfilled'))).toEqual(['fulfilled', 'in_use', 'fulfilled']);
    const after = await stored();
    expect(after.sites.map((s) => s.id)).toContain(site);
    expect(after.activities.map((a) => a.id)).toEqual(expect.arrayContaining(['warm-up', 'names-the-site']));
    expect((await verifyChain(handle.db, ORG)).ok).toBe(true);
  });

  it('reads the model again after a change made by another path, never a stale cached one', async () => {
    const model = await exportModel(handle.db, ORG);
    const first = model.activities[0] as Activity;
    await replaceEntity(handle.db, ORG, 'activities', first.id, { ...first, description: 'cached' });
    // A whole-model import (as another process would write) moves the version on without this process's cache.
    const renamed = { ...model, activities: model.activities.map((a) => (a.id === first.id ? { ...a, name: 'Renamed by the import' } : a)) };
    await actAs(SYSTEM, () => importModel(handle.db, ORG, renamed));
    const second = model.activities[1] as Activity;
    await replaceEntity(handle.db, ORG, 'activities', second.id, { ...second, description: 'after the import' });
    const after = (await stored()).activities as Activity[];
    expect(after.find((a) => a.id === first.id)!.name).toBe('Renamed by the import');
    expect(after.find((a) => a.id === second.id)!.description).toBe('after the import');
    // What this process keeps for the next write is what a fresh read gives, in the same order.
    const org = (await new ModelRepository(handle.db).getOrganisation(ORG))!;
    expect(cachedCollections(handle.db, ORG, versionKey(org))).toEqual(await stored());
  });
});

describe('the people directory keeps what it names', () => {
  it('refuses to delete or rename a site or an activity people name, and an import that drops one', async () => {
    const model = await exportModel(handle.db, ORG);
    const people = await handle.db.selectFrom('people').select(['id', 'site', 'activities']).where('org_id', '=', ORG).orderBy('id').execute();
    expect(people.length).toBeGreaterThan(1000);
    // An activity no risk names (risks are refused first), whose dependants are let go: only the directory names it.
    const repository = new ModelRepository(handle.db);
    let activity = '';
    for (const candidate of new Set(people.flatMap((person) => person.activities)))
      if ((await repository.risksNamingAsset(ORG, 'activity', candidate)).length === 0) {
        activity = candidate;
        break;
      }
    expect(activity).not.toBe('');
    const dependants = model.activities.filter((a) => (a.dependsOn ?? []).includes(activity));
    for (const dependant of dependants)
      await replaceEntity(handle.db, ORG, 'activities', dependant.id, {
        ...(dependant as Activity),
        dependsOn: (dependant.dependsOn ?? []).filter((d) => d !== activity),
      });
    const deletion = await deleteEntity(handle.db, ORG, 'activities', activity).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(deletion).toBeInstanceOf(RempartError);
    expect((deletion as RempartError).code).toBe('in_use');
    expect((deletion as RempartError).details[0]).toMatchObject({ rule: 'unknown_reference', value: activity });
    expect((deletion as RempartError).details[0].path).toMatch(/^people\[.+\]\.activities$/);

    // A site nothing in the model uses, where one person of the directory works.
    const site = 'annex';
    await createEntity(handle.db, ORG, 'sites', { id: site, name: 'Annex' } as never);
    await handle.db.updateTable('people').set({ site }).where('org_id', '=', ORG).where('id', '=', people[0].id).execute();
    const siteDeletion = await deleteEntity(handle.db, ORG, 'sites', site).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((siteDeletion as RempartError).details.map((d) => d.path)).toEqual([`people[${people[0].id}].site`]);
    const withoutSite = { ...(await exportModel(handle.db, ORG)), sites: (await exportModel(handle.db, ORG)).sites.filter((s) => s.id !== site) };
    const imported = await actAs(SYSTEM, () => importModel(handle.db, ORG, withoutSite)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((imported as RempartError).code).toBe('in_use');
    expect((await stored()).sites.map((s) => s.id)).toContain(site);
  });
});
