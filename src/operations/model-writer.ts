// Named commands that change an organisation's model, each in one transaction that keeps the model whole.
import type { Kysely, Transaction } from 'kysely';
import { integrityProblems, itemProblems } from '../engine/integrity.js';
import { RempartError } from '../errors.js';
import { COLLECTIONS, DEFAULT_BIA, type BiaSettings, type Collection, type EntityOf, type OrganisationModel } from '../model/organisation.js';
import type { Problem } from '../model/problem.js';
import { AccountRepository } from '../store/account-repository.js';
import { ModelRepository, type OrganisationRecord } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit, recordAuditBatch, type AuditEvent } from './audit.js';
import { actAs, currentActing, type ActingContext } from './actor.js';
import { cachedCollections, copyOf, forgetCollections, rememberCollections, versionKey, type ModelCollections } from './model-cache.js';

type StoredModel = Omit<OrganisationModel, 'organisation' | 'bia'> & { bia: BiaSettings };

const SINGULAR: Record<Collection, string> = {
  sites: 'site',
  pools: 'pool',
  applications: 'application',
  suppliers: 'supplier',
  activities: 'activity',
  strategies: 'strategy',
};

export function notFound(what: string, id: string): RempartError {
  return new RempartError('not_found', `No ${what} with id "${id}".`, [{ path: 'id', rule: 'exists', value: id, message: `no ${what} "${id}"` }]);
}

/** A change to record once the work is done (see `recordAudit`). */
type Audited<T> = { result: T; audit: { action: string; entityType: string; entityId: string | null; before?: unknown; after?: unknown } };

/**
 * Locks the organisation and moves its version on, and gives the model as it was before: from this process's cache
 * when no one wrote since (the version before the bump is the cached one), else read from the database.
 */
async function lockModelForChange(db: Kysely<Database>, repository: ModelRepository, orgId: string): Promise<{ org: OrganisationRecord; model: StoredModel }> {
  const org = await repository.lockForModelChange(orgId);
  if (!org) throw notFound('organisation', orgId);
  const collections = cachedCollections(db, orgId, versionKey(org, org.modelVersion - 1)) ?? (await repository.loadModel(orgId));
  return { org, model: { ...collections, bia: org.bia } };
}

/**
 * Runs a model write with the organisation locked and its version moved on, then records it in the audit trail, in one
 * transaction. `work` gets the model as it was before (from this process's cache when no one wrote since, so the lock
 * is not held while every collection is read) and changes it in place to what it writes; once committed, that becomes
 * the cached model of the new version.
 */
async function withLockedOrganisation<T>(
  db: Kysely<Database>,
  orgId: string,
  work: (repository: ModelRepository, org: OrganisationRecord, model: StoredModel) => Promise<Audited<T>>,
): Promise<T> {
  let written: { key: string; collections: ModelCollections } | undefined;
  const result = await db.transaction().execute(async (trx) => {
    const repository = new ModelRepository(trx);
    const { org, model } = await lockModelForChange(db, repository, orgId);
    const { result, audit } = await work(repository, org, model);
    await recordAudit(trx, { org: orgId, ...audit });
    written = { key: versionKey(org), collections: model };
    return result;
  });
  if (written) rememberCollections(db, orgId, written.key, written.collections);
  return result;
}

type BatchedWork<T> = (repository: ModelRepository, org: OrganisationRecord, model: StoredModel, writes: EntityWrites) => Promise<Audited<T>>;

interface QueuedWrite {
  work: BatchedWork<unknown>;
  acting: ActingContext;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** The most writes one transaction takes: a batch holds the organisation's lock while it validates each in turn. */
const BATCH_LIMIT = 100;

/** Per database and organisation: the writes waiting for the transaction in flight to end. */
const queues = new WeakMap<Kysely<Database>, Map<string, QueuedWrite[]>>();

/**
 * Single-record model writes of one organisation, grouped: while one transaction holds the organisation's lock, the
 * writes arriving meanwhile wait, then go together in the next one (one lock, one version, one audit append), each
 * validated against the model as the writes before it left it. A write refused for its own reasons (a RempartError)
 * leaves the model as it found it and fails alone; the others commit. A database failure fails the whole batch, so
 * every acknowledged write is committed. With no concurrency, a write goes alone, at once.
 */
function batchedModelWrite<T>(db: Kysely<Database>, orgId: string, work: BatchedWork<T>): Promise<T> {
  let byOrg = queues.get(db);
  if (!byOrg) queues.set(db, (byOrg = new Map()));
  const waiting = byOrg.get(orgId);
  return new Promise<T>((resolve, reject) => {
    const write: QueuedWrite = { work, acting: currentActing(), resolve: resolve as (result: unknown) => void, reject };
    if (waiting) waiting.push(write);
    else {
      byOrg.set(orgId, []);
      void runBatches(db, byOrg, orgId, [write]);
    }
  });
}

async function runBatches(db: Kysely<Database>, byOrg: Map<string, QueuedWrite[]>, orgId: string, first: QueuedWrite[]): Promise<void> {
  let batch = first;
  while (batch.length > 0) {
    // The embedded database answers within microtasks, so a transaction never lets the event loop read the requests
    // already waiting on their sockets: without one turn of the loop here, every write went alone (10 concurrent
    // writers gave batches of one and 174 writes/s). On PostgreSQL the turn costs microseconds.
    await new Promise((resolve) => setImmediate(resolve));
    batch.push(...byOrg.get(orgId)!.splice(0, BATCH_LIMIT - batch.length));
    await runBatch(db, orgId, batch);
    const waiting = byOrg.get(orgId)!;
    batch = waiting.splice(0, BATCH_LIMIT);
  }
  byOrg.delete(orgId);
}

async function runBatch(db: Kysely<Database>, orgId: string, batch: QueuedWrite[]): Promise<void> {
  const outcomes: Array<{ ok: true; result: unknown } | { ok: false; error: unknown }> = [];
  let written: { key: string; collections: ModelCollections } | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      outcomes.length = 0;
      const repository = new ModelRepository(trx);
      const { org, model } = await lockModelForChange(db, repository, orgId);
      const audits: AuditEvent[] = [];
      const writes = new EntityWrites();
      for (const write of batch) {
        const before = copyOf(model);
        const held = writes.size;
        try {
          const { result, audit } = await actAs(write.acting, () => write.work(repository, org, model, writes));
          audits.push({ org: orgId, ...audit, acting: write.acting });
          outcomes.push({ ok: true, result });
        } catch (error) {
          // Refusals come before a write reaches the database (entity writes wait for the end of the batch, and the
          // checks that read other tables only read): the model in memory and the held writes are put back. Anything
          // else is the database's failure and ends the batch.
          if (!(error instanceof RempartError)) throw error;
          Object.assign(model, before);
          writes.dropAfter(held);
          outcomes.push({ ok: false, error });
        }
      }
      if (audits.length === 0) throw new NothingWritten();
      await writes.flush(repository, orgId);
      await recordAuditBatch(trx, audits);
      written = { key: versionKey(org), collections: model };
    });
  } catch (error) {
    if (!(error instanceof NothingWritten)) {
      for (const write of batch) write.reject(error);
      return;
    }
  }
  if (written) rememberCollections(db, orgId, written.key, written.collections);
  for (const [index, write] of batch.entries()) {
    const outcome = outcomes[index];
    if (outcome.ok) write.resolve(outcome.result);
    else write.reject(outcome.error);
  }
}

/** Every write of a batch was refused: the transaction rolls back (no version moves on, nothing is audited). */
class NothingWritten extends Error {}

type HeldWrite =
  | { kind: 'insert' | 'replace'; collection: Collection; id: string; entity: { id: string; name?: string } }
  | { kind: 'rename'; collection: Collection; id: string; entity: { id: string; name?: string } }
  | { kind: 'delete'; collection: Collection; id: string };

/**
 * The entity writes of a batch, held until every write in it is validated, then sent in as few statements as their
 * order allows: ten activities replaced together are one UPDATE, not ten round trips. Consecutive writes of one kind
 * to one collection go together as long as no item appears twice; a change of id goes alone, so that no statement
 * both frees and takes an id.
 */
class EntityWrites {
  private readonly held: HeldWrite[] = [];

  get size(): number {
    return this.held.length;
  }

  insert(collection: Collection, entity: { id: string; name?: string }): void {
    this.held.push({ kind: 'insert', collection, id: entity.id, entity });
  }

  replace(collection: Collection, id: string, entity: { id: string; name?: string }): void {
    this.held.push({ kind: entity.id === id ? 'replace' : 'rename', collection, id, entity });
  }

  delete(collection: Collection, id: string): void {
    this.held.push({ kind: 'delete', collection, id });
  }

  /** Forgets the writes held after the first `count` (those of a write that was refused). */
  dropAfter(count: number): void {
    this.held.length = count;
  }

  async flush(repository: ModelRepository, orgId: string): Promise<void> {
    let run: HeldWrite[] = [];
    for (const write of this.held) {
      const joins =
        run.length > 0 &&
        write.kind !== 'rename' &&
        run[0].kind === write.kind &&
        run[0].collection === write.collection &&
        !run.some((other) => other.id === write.id);
      if (!joins) {
        await send(repository, orgId, run);
        run = [];
      }
      run.push(write);
    }
    await send(repository, orgId, run);
  }
}

async function send(repository: ModelRepository, orgId: string, run: readonly HeldWrite[]): Promise<void> {
  if (run.length === 0) return;
  const [first] = run;
  if (first.kind === 'delete')
    await repository.deleteEntities(
      orgId,
      first.collection,
      run.map((write) => write.id),
    );
  else if (first.kind === 'rename') await repository.replaceEntity(orgId, first.collection, first.id, first.entity);
  else {
    const entities = run.map((write) => (write as { entity: { id: string; name?: string } }).entity);
    if (first.kind === 'insert') await repository.insertEntities(orgId, first.collection, entities);
    else await repository.replaceEntities(orgId, first.collection, entities);
  }
}

/** What the audit trail keeps of an organisation's own settings. */
function organisationSnapshot(org: { id: string; name: string; names?: object; description?: string; currency?: string; bia?: BiaSettings }) {
  return { id: org.id, name: org.name, names: org.names, description: org.description, currency: org.currency, bia: org.bia };
}

/** Who becomes the first owner of a new organisation: the person creating it. */
export interface FirstOwner {
  userId: string;
  displayName: string;
}

function duplicateOrganisation(id: string): RempartError {
  return new RempartError('duplicate_id', `An organisation with id "${id}" already exists.`, [
    { path: 'id', rule: 'unique', value: id, message: 'already used' },
  ]);
}

/**
 * The id of a deleted organisation stays taken: its audit trail outlives it under that id, and a newcomer
 * reusing the id would read the former tenant's trail.
 */
async function refuseRetiredId(trx: Transaction<Database>, id: string): Promise<void> {
  const trail = await trx.selectFrom('audit_heads').select('chain').where('chain', '=', id).executeTakeFirst();
  if (trail)
    throw new RempartError('duplicate_id', `The id "${id}" belonged to an organisation that was deleted; its audit trail keeps it: choose another id.`, [
      { path: 'id', rule: 'retired', value: id, message: 'used before' },
    ]);
}

/** Creates an organisation; with `owner`, the person creating it becomes its owner in the same transaction. */
export async function createOrganisation(
  db: Kysely<Database>,
  input: { id: string; name: string; names?: { en?: string; fr?: string }; description?: string; currency?: string; bia?: BiaSettings },
  owner?: FirstOwner,
): Promise<OrganisationRecord> {
  try {
    return await db.transaction().execute(async (trx) => {
      const repository = new ModelRepository(trx);
      await refuseRetiredId(trx, input.id);
      await repository.insertOrganisation(input);
      if (owner) await new AccountRepository(trx).insertMembership(input.id, owner.userId, 'owner', owner.displayName);
      const created = (await repository.getOrganisation(input.id))!;
      await recordAudit(trx, {
        org: input.id,
        action: 'create',
        entityType: 'organisation',
        entityId: input.id,
        after: { ...organisationSnapshot(created), owner: owner?.userId ?? null },
      });
      return created;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw duplicateOrganisation(input.id);
    throw error;
  }
}

/** Deletes an organisation and all its data; its audit trail stays, ending with this deletion. */
export async function deleteOrganisation(db: Kysely<Database>, orgId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repository = new ModelRepository(trx);
    const org = await repository.lockOrganisation(orgId);
    if (!org) throw notFound('organisation', orgId);
    await repository.deleteOrganisation(orgId);
    await recordAudit(trx, { org: orgId, action: 'delete', entityType: 'organisation', entityId: orgId, before: organisationSnapshot(org) });
  });
  forgetCollections(db, orgId);
}

/** Changes name and BIA settings; refuses settings that existing impact ratings do not fit. */
export async function updateOrganisation(
  db: Kysely<Database>,
  orgId: string,
  input: { name: string; names?: { en?: string; fr?: string }; description?: string; currency?: string; bia?: BiaSettings },
): Promise<OrganisationRecord> {
  return withLockedOrganisation(db, orgId, async (repository, org, model) => {
    const bia = input.bia ?? org.bia;
    if (input.bia) {
      const problems = integrityProblems({ ...model, bia }).filter((p) => p.path.includes('.impacts'));
      if (problems.length > 0)
        throw new RempartError(
          'invalid_reference',
          `These BIA settings do not fit ${problems.length} existing impact rating(s); change the ratings first or keep the categories, time points and scale they use.`,
          problems,
        );
    }
    await repository.updateOrganisation(orgId, { ...input, bia });
    const after = (await repository.getOrganisation(orgId))!;
    return {
      result: after,
      audit: { action: 'update', entityType: 'organisation', entityId: orgId, before: organisationSnapshot(org), after: organisationSnapshot(after) },
    };
  });
}

/** A written entity, with the BIA settings it was validated against (what presenting it needs, without another read). */
export interface Written<T> {
  entity: T;
  bia: BiaSettings;
}

export async function createEntity<C extends Collection>(
  db: Kysely<Database>,
  orgId: string,
  collection: C,
  entity: EntityOf<C>,
): Promise<Written<EntityOf<C>>> {
  return batchedModelWrite(db, orgId, async (_repository, org, model, writes) => {
    const items = model[collection] as Array<{ id: string }>;
    if (items.some((item) => item.id === entity.id))
      throw new RempartError('duplicate_id', `The organisation already has a ${SINGULAR[collection]} with id "${entity.id}".`, [
        { path: 'id', rule: 'unique', value: entity.id, message: 'already used' },
      ]);
    items.push(entity);
    refuseProblems(itemProblems(model, collection, items.length - 1), collection, items.length - 1);
    writes.insert(collection, entity);
    return { result: { entity, bia: org.bia }, audit: { action: 'create', entityType: SINGULAR[collection], entityId: entity.id, after: entity } };
  });
}

export async function replaceEntity<C extends Collection>(
  db: Kysely<Database>,
  orgId: string,
  collection: C,
  id: string,
  entity: EntityOf<C>,
): Promise<Written<EntityOf<C>>> {
  return batchedModelWrite(db, orgId, async (repository, org, model, writes) => {
    const items = model[collection] as Array<{ id: string }>;
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw notFound(SINGULAR[collection], id);
    if (entity.id !== id && items.some((item) => item.id === entity.id))
      throw new RempartError('duplicate_id', `The organisation already has a ${SINGULAR[collection]} with id "${entity.id}".`, [
        { path: 'id', rule: 'unique', value: entity.id, message: 'already used' },
      ]);
    const before = items[index];
    items[index] = entity;
    refuseProblems(entity.id === id ? itemProblems(model, collection, index) : integrityProblems(model), collection, index);
    if (entity.id !== id) {
      await refuseRiskReferences(repository, orgId, collection, id);
      await refusePeopleReferences(repository, orgId, collection, id);
    }
    writes.replace(collection, id, entity);
    return { result: { entity, bia: org.bia }, audit: { action: 'update', entityType: SINGULAR[collection], entityId: id, before, after: entity } };
  });
}

export async function deleteEntity(db: Kysely<Database>, orgId: string, collection: Collection, id: string): Promise<void> {
  await batchedModelWrite(db, orgId, async (repository, _org, model, writes) => {
    const items = model[collection] as Array<{ id: string }>;
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw notFound(SINGULAR[collection], id);
    const [before] = items.splice(index, 1);
    const dangling = integrityProblems(model).filter((p) => p.rule === 'unknown_reference' && p.value === id);
    if (dangling.length > 0)
      throw new RempartError(
        'in_use',
        `The ${SINGULAR[collection]} "${id}" is still used in ${dangling.length} place(s); remove those references first.`,
        dangling.map((p) => ({ ...p, message: `${referrer(model, p.path)} refers to ${SINGULAR[collection]} "${id}"` })),
      );
    await refuseRiskReferences(repository, orgId, collection, id);
    await refusePeopleReferences(repository, orgId, collection, id);
    writes.delete(collection, id);
    return { result: undefined, audit: { action: 'delete', entityType: SINGULAR[collection], entityId: id, before } };
  });
}

/** `activities[3].applications[0]` → `activity "claims-fnol"`, so a refusal names the item, not its position. */
function referrer(model: StoredModel, path: string): string {
  const match = /^(\w+)\[(\d+)\]/.exec(path);
  const collection = match?.[1] as Collection | undefined;
  const item = collection && COLLECTIONS.includes(collection) ? (model[collection] as Array<{ id: string }>)[Number(match![2])] : undefined;
  return item && collection ? `${SINGULAR[collection]} "${item.id}"` : path;
}

/** Risks name the assets they affect: an asset still named by a risk cannot disappear or change its id. */
async function refuseRiskReferences(repository: ModelRepository, orgId: string, collection: Collection, id: string): Promise<void> {
  if (collection === 'strategies') return;
  const risks = await repository.risksNamingAsset(orgId, SINGULAR[collection], id);
  if (risks.length > 0)
    throw new RempartError(
      'in_use',
      `The ${SINGULAR[collection]} "${id}" is an asset of ${risks.length} risk(s); change those risks first.`,
      risks.map((risk) => ({
        path: `risks[${risk}].assets`,
        rule: 'unknown_reference',
        value: id,
        message: `risk ${risk} names ${SINGULAR[collection]} "${id}"`,
      })),
    );
}

/**
 * The people directory names sites and activities: one still named there cannot disappear or change its id (the
 * directory is its own table, so the model's integrity check does not see it).
 */
async function refusePeopleReferences(repository: ModelRepository, orgId: string, collection: Collection, id: string): Promise<void> {
  if (collection !== 'sites' && collection !== 'activities') return;
  const kind = collection === 'sites' ? 'site' : 'activity';
  const people = await repository.peopleNaming(orgId, kind, id);
  if (people.total > 0)
    throw new RempartError(
      'in_use',
      `The ${SINGULAR[collection]} "${id}" is named by ${people.total} person(s) of the people directory; move them first.`,
      people.ids.map((person) => ({
        path: `people[${person}].${kind === 'site' ? 'site' : 'activities'}`,
        rule: 'unknown_reference',
        value: id,
        message: `person ${person} names ${SINGULAR[collection]} "${id}"`,
      })),
    );
}

/**
 * A write that leaves the model inconsistent is refused. Problems in the written item are bad
 * input (400); problems it causes elsewhere (a rename that orphans references) are conflicts (409).
 */
function refuseProblems(problems: Problem[], collection: Collection, index: number): void {
  if (problems.length === 0) return;
  const own = `${collection}[${index}]`;
  const mine = problems.filter((p) => p.path === own || p.path.startsWith(`${own}.`) || p.path.startsWith(`${own}[`));
  if (mine.length > 0)
    throw new RempartError(
      'invalid_reference',
      `The ${SINGULAR[collection]} refers to items that do not exist.`,
      mine.map((p) => ({ ...p, path: p.path.slice(own.length).replace(/^\./, '') || 'id' })),
    );
  throw new RempartError('in_use', `This change would leave ${problems.length} reference(s) pointing at nothing.`, problems);
}

export interface ImportSummary {
  organisation: string;
  created: boolean;
  counts: Record<Collection, number>;
  modelVersion: number;
}

/**
 * Replaces an organisation's model with a validated document (creating the organisation if needed).
 * All or nothing: a document with any problem writes nothing.
 */
export async function importModel(
  db: Kysely<Database>,
  orgId: string,
  model: OrganisationModel,
  options: { newOwner?: FirstOwner } = {},
): Promise<ImportSummary> {
  const bia = model.bia ?? DEFAULT_BIA;
  const problems = integrityProblems({ ...model, bia });
  if (problems.length > 0) throw new RempartError('invalid_reference', `The model has ${problems.length} problem(s); nothing was imported.`, problems);

  const summary = await db.transaction().execute(async (trx) => {
    const repository = new ModelRepository(trx);
    const org = await repository.lockOrganisation(orgId);
    const created = !org;
    // The caller was allowed to create this organisation, not to replace someone else's that appeared meanwhile.
    if (org && options.newOwner) throw duplicateOrganisation(orgId);
    const info = {
      name: model.organisation?.name ?? org?.name ?? orgId,
      names: model.organisation?.names,
      description: model.organisation?.description,
      currency: model.organisation?.currency,
    };
    const before = org ? { counts: await repository.countEntities(orgId), modelVersion: org.modelVersion } : null;
    if (!org) {
      await refuseRetiredId(trx, orgId);
      try {
        await repository.insertOrganisation({ id: orgId, ...info, bia });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw duplicateOrganisation(orgId);
        throw error;
      }
      if (options.newOwner) await new AccountRepository(trx).insertMembership(orgId, options.newOwner.userId, 'owner', options.newOwner.displayName);
    } else {
      // A model that drops an asset the risk register names would leave risks pointing at nothing.
      const kept = new Map(COLLECTIONS.map((c) => [SINGULAR[c], new Set((model[c] as Array<{ id: string }>).map((item) => item.id))]));
      const orphaned = (await repository.riskAssets(orgId)).filter((asset) => !kept.get(asset.type)?.has(asset.id));
      if (orphaned.length > 0)
        throw new RempartError(
          'in_use',
          `The new model drops ${orphaned.length} asset(s) that risks name; change those risks first. Nothing was imported.`,
          orphaned.map((a) => ({
            path: `risks[${a.risk}].assets`,
            rule: 'unknown_reference',
            value: a.id,
            message: `risk ${a.risk} names ${a.type} "${a.id}"`,
          })),
        );
      const keptSites = model.sites.map((site) => site.id);
      const keptActivities = model.activities.map((activity) => activity.id);
      const stranded = await repository.peopleNamingOutside(orgId, keptSites, keptActivities);
      if (stranded.length > 0)
        throw new RempartError(
          'in_use',
          `The new model drops sites or activities that people of the directory name; move them first. Nothing was imported.`,
          stranded.map((person) => {
            const site = person.site !== null && !keptSites.includes(person.site);
            const value = site ? person.site! : person.activities.find((activity) => !keptActivities.includes(activity))!;
            return {
              path: `people[${person.id}].${site ? 'site' : 'activities'}`,
              rule: 'unknown_reference',
              value,
              message: `person ${person.id} names ${site ? 'site' : 'activity'} "${value}"`,
            };
          }),
        );
      await repository.updateOrganisation(orgId, { ...info, bia: model.bia ?? org.bia });
      await repository.deleteAllEntities(orgId);
    }
    for (const collection of COLLECTIONS) await repository.bulkInsert(orgId, collection, model[collection] as never);
    const modelVersion = await repository.bumpModelVersion(orgId);
    const counts = Object.fromEntries(COLLECTIONS.map((c) => [c, model[c].length])) as Record<Collection, number>;
    // A whole model can weigh megabytes: the trail keeps what changed in size; the export at that version has the rest.
    await recordAudit(trx, {
      org: orgId,
      action: 'import',
      entityType: 'model',
      entityId: orgId,
      before,
      after: { counts, modelVersion, organisationCreated: created, owner: options.newOwner?.userId ?? undefined },
    });
    return { organisation: orgId, created, counts, modelVersion };
  });
  // Outside the transaction (VACUUM cannot run in one); the import is already committed, so a failure here loses nothing.
  await new ModelRepository(db).refreshStatistics().catch(() => {});
  return summary;
}

/** The organisation's model as an interchange document (import of it gives the same model back). */
export async function exportModel(db: Kysely<Database>, orgId: string): Promise<OrganisationModel> {
  const repository = new ModelRepository(db);
  const org = await repository.getOrganisation(orgId);
  if (!org) throw notFound('organisation', orgId);
  // The collections of this version, from this process's cache when it has them (the board, the availability and the
  // projection of an incident read the model on every request). Read after the version, they are never older than it.
  const key = versionKey(org);
  let collections = cachedCollections(db, orgId, key);
  if (!collections) {
    collections = await repository.loadModel(orgId);
    rememberCollections(db, orgId, key, collections);
  }
  // A copy: callers may change what they get, and the cache's entities are shared.
  const model = structuredClone(collections);
  return {
    organisation: {
      id: org.id,
      name: org.name,
      ...(org.names ? { names: org.names } : {}),
      ...(org.description !== undefined ? { description: org.description } : {}),
      currency: org.currency,
    },
    bia: org.bia,
    ...model,
  };
}

/**
 * Adds or replaces activities by id (the BIA spreadsheet), leaving the others as they are.
 * All or nothing: one unknown reference anywhere and nothing is written.
 */
export async function upsertActivities(
  db: Kysely<Database>,
  orgId: string,
  activities: ReadonlyArray<EntityOf<'activities'>>,
  locate: (problem: Problem) => Problem = (p) => p,
): Promise<{ created: number; updated: number; modelVersion: number }> {
  return withLockedOrganisation(db, orgId, async (repository, org, model) => {
    const existingIds = model.activities.map((activity) => activity.id);
    const existing = new Map(model.activities.map((activity, index) => [activity.id, index]));
    const incomingIndex = new Map<number, number>();
    let created = 0;
    for (const [index, activity] of activities.entries()) {
      const at = existing.get(activity.id);
      if (at === undefined) {
        incomingIndex.set(model.activities.length, index);
        existing.set(activity.id, model.activities.length);
        model.activities.push(activity);
        created++;
      } else {
        incomingIndex.set(at, index);
        model.activities[at] = activity;
      }
    }
    const problems = integrityProblems(model).map((p) => {
      // Problems are found on the merged model; report them against the file's rows.
      const match = /^activities\[(\d+)\](.*)$/.exec(p.path);
      const incoming = match ? incomingIndex.get(Number(match[1])) : undefined;
      return incoming === undefined ? p : locate({ ...p, path: `activities[${incoming}]${match![2]}` });
    });
    if (problems.length > 0) throw new RempartError('invalid_reference', `The file has ${problems.length} problem(s); nothing was imported.`, problems);
    await repository.upsertEntities(orgId, 'activities', activities);
    const modelVersion = org.modelVersion;
    const before = new Set(existingIds);
    return {
      result: { created, updated: activities.length - created, modelVersion },
      audit: {
        action: 'import',
        entityType: 'activities',
        entityId: null,
        after: {
          created: activities.filter((a) => !before.has(a.id)).map((a) => a.id),
          replaced: activities.filter((a) => before.has(a.id)).map((a) => a.id),
          modelVersion,
        },
      },
    };
  });
}
