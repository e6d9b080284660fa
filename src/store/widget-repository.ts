// An organisation's widget: its public keys (not secrets: written into web pages) with their origins, and its public
// settings. Rows stay in here.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { KeyBranding } from '../model/callers.js';
import type { Database, PublicKeysTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A public key as the server handles it. */
export interface PublicKeyRecord {
  orgId: string;
  id: string;
  key: string;
  label: string;
  origins: string[];
  createdBy: { id: string; email: string } | null;
  createdAt: string;
  revokedAt: string | null;
  /** The flow a conversation through this key starts with when the client names none (null: the default). */
  flow: string | null;
  /** The key's own look; null: the organisation's widget settings. */
  branding: KeyBranding | null;
}

/** What may change on a key after its creation: its name, its origins, its flow and its look (never the key itself). */
export interface PublicKeyChange {
  label?: string;
  origins?: string[];
  flow?: string | null;
  branding?: KeyBranding | null;
}

const iso = (date: Date | string) => new Date(date).toISOString();

type Row = Selectable<PublicKeysTable> & { creator_email: string | null };

function toRecord(row: Row): PublicKeyRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    key: row.key,
    label: row.label,
    origins: row.origins,
    createdBy: row.created_by && row.creator_email ? { id: row.created_by, email: row.creator_email } : null,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at ? iso(row.revoked_at) : null,
    flow: row.flow ?? null,
    branding: storedBranding(row.branding),
  };
}

/** A stored branding, read back through its schema (it fills defaults of fields added since); null when none or unreadable. */
function storedBranding(value: unknown): KeyBranding | null {
  if (value === null || value === undefined) return null;
  const parsed = KeyBranding.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
  return parsed.success ? parsed.data : null;
}

/** Access to public keys and widget settings, on the database or inside a transaction. */
export class WidgetRepository {
  constructor(private readonly db: Executor) {}

  private query() {
    return this.db.selectFrom('public_keys as k').leftJoin('users as u', 'u.id', 'k.created_by').selectAll('k').select('u.email as creator_email');
  }

  async insertKey(key: {
    orgId: string;
    key: string;
    label: string;
    origins: string[];
    createdBy: string | null;
    flow?: string | null;
    branding?: KeyBranding | null;
  }): Promise<PublicKeyRecord> {
    const row = await this.db
      .insertInto('public_keys')
      .values({
        org_id: key.orgId,
        key: key.key,
        label: key.label,
        origins: key.origins,
        created_by: key.createdBy,
        flow: key.flow ?? null,
        branding: key.branding ? JSON.stringify(key.branding) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.getKey(key.orgId, row.id))!;
  }

  async getKey(orgId: string, id: string): Promise<PublicKeyRecord | undefined> {
    const row = await this.query().where('k.org_id', '=', orgId).where('k.id', '=', id).executeTakeFirst();
    return row ? toRecord(row as Row) : undefined;
  }

  /** The key with this text in its organisation (revoked ones too). */
  async byKey(orgId: string, key: string): Promise<PublicKeyRecord | undefined> {
    const row = await this.query().where('k.org_id', '=', orgId).where('k.key', '=', key).executeTakeFirst();
    return row ? toRecord(row as Row) : undefined;
  }

  /** The organisation's keys, newest first. */
  async keys(orgId: string): Promise<PublicKeyRecord[]> {
    const rows = await this.query().where('k.org_id', '=', orgId).orderBy('k.created_at', 'desc').orderBy('k.id').execute();
    return rows.map((row) => toRecord(row as Row));
  }

  /** Changes what is given of a key not revoked; false when there is no such key, or it is revoked. */
  async updateKey(orgId: string, id: string, change: PublicKeyChange): Promise<boolean> {
    const result = await this.db
      .updateTable('public_keys')
      .set({
        ...(change.label !== undefined ? { label: change.label } : {}),
        ...(change.origins !== undefined ? { origins: change.origins } : {}),
        ...(change.flow !== undefined ? { flow: change.flow } : {}),
        ...(change.branding !== undefined ? { branding: change.branding ? JSON.stringify(change.branding) : null } : {}),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes a key not revoked yet; false when there was none to revoke. */
  async revokeKey(orgId: string, id: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('public_keys')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The organisation's name and stored widget settings (`{}` until set); undefined when there is no organisation. */
  async widget(orgId: string): Promise<{ orgName: string; settings: unknown } | undefined> {
    const row = await this.db.selectFrom('organisations').select(['name', 'widget']).where('id', '=', orgId).executeTakeFirst();
    return row ? { orgName: row.name, settings: row.widget } : undefined;
  }

  async setWidget(orgId: string, settings: unknown): Promise<void> {
    await this.db
      .updateTable('organisations')
      .set({ widget: JSON.stringify(settings) })
      .where('id', '=', orgId)
      .execute();
  }
}
