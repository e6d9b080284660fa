// The organisation models this process last wrote or read, by organisation and model version. A model write locks the
// organisation and bumps its version; when the version before the bump is the one cached here, the write validates
// against the cached model instead of reading every collection again, which kept the lock for the whole read. Another
// process's write moves the version on, so a stale entry is never used: it simply misses.
import type { Kysely } from 'kysely';
import { COLLECTIONS, type Collection, type OrganisationModel } from '../model/organisation.js';
import type { Database } from '../store/schema.js';

/** An organisation's collections, as model writes validate them (settings come from the organisation's row). */
export type ModelCollections = Pick<OrganisationModel, Collection>;

interface Entry {
  key: string;
  collections: ModelCollections;
}

/** Organisations kept per database; the least recently used goes first. */
const CAPACITY = 64;
const caches = new WeakMap<Kysely<Database>, Map<string, Entry>>();

/**
 * The key of one version of one organisation. The creation time keeps a deleted organisation's versions from ever
 * matching those of another one created later under the same id.
 */
export function versionKey(org: { createdAt: string; modelVersion: number }, version = org.modelVersion): string {
  return `${org.createdAt}#${version}`;
}

/**
 * The cached collections of `orgId` at `key`, as fresh arrays the caller may change: the entities themselves are
 * shared and never changed in place (writes replace them).
 */
export function cachedCollections(db: Kysely<Database>, orgId: string, key: string): ModelCollections | undefined {
  const cache = caches.get(db);
  const entry = cache?.get(orgId);
  if (!cache || !entry || entry.key !== key) return undefined;
  cache.delete(orgId);
  cache.set(orgId, entry);
  return copyOf(entry.collections);
}

/** Keeps the collections of a committed version (call after the commit, never inside the transaction). */
export function rememberCollections(db: Kysely<Database>, orgId: string, key: string, collections: ModelCollections): void {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  cache.delete(orgId);
  cache.set(orgId, { key, collections: copyOf(collections) });
  if (cache.size > CAPACITY) cache.delete(cache.keys().next().value!);
}

/** Forgets an organisation (deleted, or written by a path that does not keep its collections). */
export function forgetCollections(db: Kysely<Database>, orgId: string): void {
  caches.get(db)?.delete(orgId);
}

export function copyOf(collections: ModelCollections): ModelCollections {
  return Object.fromEntries(COLLECTIONS.map((collection) => [collection, [...collections[collection]]])) as unknown as ModelCollections;
}
