// Named commands on an organisation's embeddable widget: its public keys (create, list, revoke, resolve with the
// origin check) and its public settings (read, change, and what a widget is told).
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import {
  isEmptyBranding,
  PUBLIC_KEY_PATTERN,
  PUBLIC_KEY_PREFIX,
  WidgetSettings,
  type KeyBranding,
  type PublicKey,
  type WidgetConfig,
} from '../model/callers.js';
import { WidgetRepository, type PublicKeyChange, type PublicKeyRecord } from '../store/widget-repository.js';
import type { Database } from '../store/schema.js';
import { randomSecret } from '../security/crypto.js';
import { recordAudit } from './audit.js';
import { flowsOf } from './flows.js';

export type { PublicKeyRecord } from '../store/widget-repository.js';

/** A key as listed: it is public, so it is shown in full. */
export function publicKeyView(record: PublicKeyRecord): PublicKey {
  return {
    id: record.id,
    key: record.key,
    label: record.label,
    origins: record.origins,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    revokedAt: record.revokedAt,
    status: record.revokedAt ? 'revoked' : 'active',
    flow: record.flow,
    branding: record.branding,
  };
}

/** A branding that says nothing is stored as none, so that the handshake of such a key stays as it was. */
function brandingToStore(branding: KeyBranding | null | undefined): KeyBranding | null | undefined {
  return branding && isEmptyBranding(branding) ? null : branding;
}

/** Refuses a flow the organisation does not have (shipped or its own), at the field that names it. */
async function checkFlow(db: Kysely<Database>, orgId: string, flow: string | null | undefined): Promise<void> {
  if (!flow) return;
  const flows = await flowsOf(db, orgId);
  if (!Object.hasOwn(flows, flow))
    throw new RempartError('invalid_input', `No flow "${flow}".`, [
      { path: 'body.flow', rule: 'exists', value: flow, message: `one of: ${Object.keys(flows).join(', ')}` },
    ]);
}

/** The organisation's widget keys, newest first (revoked ones too, marked so). */
export async function listPublicKeys(db: Kysely<Database>, orgId: string): Promise<PublicKeyRecord[]> {
  return new WidgetRepository(db).keys(orgId);
}

/**
 * Creates a widget key for pages of these origins (`rmpk_<org>.<22 characters>`). It is not a secret: it says which
 * organisation a widget belongs to, and the origin check says which pages may use it.
 */
export async function createPublicKey(
  db: Kysely<Database>,
  orgId: string,
  creatorId: string | null,
  input: { label: string; origins: string[]; flow?: string | null; branding?: KeyBranding | null },
  now: number,
): Promise<PublicKeyRecord> {
  await checkFlow(db, orgId, input.flow);
  return db.transaction().execute(async (trx) => {
    // 128 random bits: keys are public, so this only keeps them unguessable enough not to be enumerated.
    const key = `${PUBLIC_KEY_PREFIX}${orgId}.${randomSecret(16)}`;
    const created = await new WidgetRepository(trx).insertKey({
      orgId,
      key,
      label: input.label,
      origins: input.origins,
      createdBy: creatorId,
      flow: input.flow,
      branding: brandingToStore(input.branding),
    });
    await recordAudit(
      trx,
      {
        org: orgId,
        action: 'create',
        entityType: 'public_key',
        entityId: created.id,
        after: { label: created.label, origins: created.origins, key: created.key, flow: created.flow, branding: created.branding },
      },
      new Date(now),
    );
    return created;
  });
}

/**
 * Changes a key's name, origins, flow or look; the key itself stays, so the pages that embed it need no change. A
 * revoked key stays revoked: changing it is refused (409), since it would look as if it worked again.
 */
export async function updatePublicKey(db: Kysely<Database>, orgId: string, id: string, change: PublicKeyChange, now: number): Promise<PublicKeyRecord> {
  await checkFlow(db, orgId, change.flow);
  const updated = await db.transaction().execute(async (trx) => {
    const widget = new WidgetRepository(trx);
    const before = await widget.getKey(orgId, id);
    if (!before)
      throw new RempartError('not_found', `No public key with id "${id}".`, [{ path: 'id', rule: 'exists', value: id, message: 'no such public key' }]);
    const revoked = () =>
      new RempartError('conflict', 'This key is revoked: create another one.', [
        { path: 'id', rule: 'revoked', value: id, message: 'a key that is not revoked' },
      ]);
    if (before.revokedAt) throw revoked();
    // Revoked meanwhile (the update only touches a key not revoked): refused as well, nothing written.
    if (!(await widget.updateKey(orgId, id, { ...change, ...(change.branding !== undefined ? { branding: brandingToStore(change.branding) } : {}) })))
      throw revoked();
    const after = (await widget.getKey(orgId, id))!;
    const shown = (record: PublicKeyRecord) => ({ label: record.label, origins: record.origins, flow: record.flow, branding: record.branding });
    await recordAudit(trx, { org: orgId, action: 'update', entityType: 'public_key', entityId: id, before: shown(before), after: shown(after) }, new Date(now));
    return after;
  });
  // After the commit, as for a revocation: the key's new origins, flow and branding apply to the next request.
  publicKeysChanged();
  return updated;
}

/** Revokes a widget key: the widgets using it stop working at once. Revoking twice is harmless. */
export async function revokePublicKey(db: Kysely<Database>, orgId: string, id: string, now: number): Promise<void> {
  const revoked = await db.transaction().execute(async (trx) => {
    const widget = new WidgetRepository(trx);
    const record = await widget.getKey(orgId, id);
    if (!record)
      throw new RempartError('not_found', `No public key with id "${id}".`, [{ path: 'id', rule: 'exists', value: id, message: 'no such public key' }]);
    if (!(await widget.revokeKey(orgId, id, new Date(now)))) return false;
    await recordAudit(
      trx,
      { org: orgId, action: 'revoke', entityType: 'public_key', entityId: id, before: { label: record.label, origins: record.origins } },
      new Date(now),
    );
    return true;
  });
  // After the commit: a lookup made before it, still reading the key active, is not kept past this point.
  if (revoked) publicKeysChanged();
}

/**
 * Keys resolved lately, per database: every message of a conversation presents its widget's key, and at a crisis peak
 * looking it up was half the statements the conversation API sent. Only active keys are kept, for `cache.ms` (the
 * callers' cache lifetime), and none survives a change of keys made by this process; another process's revocation
 * is seen within that lifetime.
 */
const keyCaches = new WeakMap<Kysely<Database>, Map<string, { until: number; generation: number; record: PublicKeyRecord }>>();
const KEY_CACHE_SIZE = 10_000;
let keysGeneration = 0;

/** Drops the keys this process resolved: call on any change to a key (revocation, origins, flow, display). */
export function publicKeysChanged(): void {
  keysGeneration++;
}

/** The active key with this text; undefined when the text is no key, or the key is unknown or revoked. */
export async function resolvePublicKey(
  db: Kysely<Database>,
  text: string,
  cache: { ms: number; now: number } = { ms: 0, now: Date.now() },
): Promise<PublicKeyRecord | undefined> {
  if (typeof text !== 'string' || text.length > 200) return undefined;
  const match = PUBLIC_KEY_PATTERN.exec(text);
  if (!match) return undefined;
  let kept = keyCaches.get(db);
  const cached = kept?.get(text);
  if (cached && cached.until > cache.now && cached.generation === keysGeneration) return cached.record;
  const generation = keysGeneration;
  const record = await new WidgetRepository(db).byKey(match[1], text);
  if (!record || record.revokedAt) {
    kept?.delete(text);
    return undefined;
  }
  if (cache.ms > 0) {
    if (!kept) keyCaches.set(db, (kept = new Map()));
    if (kept.size >= KEY_CACHE_SIZE) kept.delete(kept.keys().next().value!);
    kept.set(text, { until: cache.now + cache.ms, generation, record });
  }
  return record;
}

/** The organisation's widget settings, the defaults filled in. */
export async function readWidgetSettings(db: Kysely<Database>, orgId: string): Promise<WidgetSettings> {
  const found = await new WidgetRepository(db).widget(orgId);
  if (!found)
    throw new RempartError('not_found', `No organisation with id "${orgId}".`, [
      { path: 'id', rule: 'exists', value: orgId, message: `no organisation "${orgId}"` },
    ]);
  // Stored by updateWidgetSettings, so valid; parsing fills the defaults of fields added since.
  const parsed = WidgetSettings.safeParse(found.settings ?? {});
  return parsed.success ? parsed.data : WidgetSettings.parse({});
}

/** Replaces the organisation's widget settings. */
export async function updateWidgetSettings(db: Kysely<Database>, orgId: string, settings: WidgetSettings, now: number): Promise<WidgetSettings> {
  return db.transaction().execute(async (trx) => {
    const widget = new WidgetRepository(trx);
    const before = await widget.widget(orgId);
    await widget.setWidget(orgId, settings);
    await recordAudit(
      trx,
      { org: orgId, action: 'update', entityType: 'widget', entityId: null, before: before?.settings ?? null, after: settings },
      new Date(now),
    );
    return settings;
  });
}

/**
 * What a widget is told: the name it shows (the organisation's unless set), its languages and greetings, the key's
 * flow, and the key's own look when it has one (left out otherwise, so that unbranded keys answer as before).
 */
export async function widgetConfig(
  db: Kysely<Database>,
  orgId: string,
  key: { flow: string | null; branding: KeyBranding | null } = { flow: null, branding: null },
): Promise<WidgetConfig> {
  const found = await new WidgetRepository(db).widget(orgId);
  const settings = await readWidgetSettings(db, orgId);
  return {
    name: settings.name ?? found!.orgName,
    languages: settings.languages,
    greeting: settings.greeting,
    flow: key.flow,
    ...(key.branding ? { branding: key.branding } : {}),
  };
}
