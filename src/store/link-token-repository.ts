// Link tokens: one purpose, one subject, the SHA-256 of their secret, an expiry and a number of uses; rows stay in here.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { LinkState } from '../model/callers.js';
import type { Database, LinkTokensTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A link token as the server handles it (never its secret). */
export interface LinkTokenRecord {
  orgId: string;
  id: string;
  purpose: string;
  subject: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  /** null: any number of uses until it expires. */
  maxUses: number | null;
  uses: number;
  usedAt: string | null;
  revokedAt: string | null;
}

/** What a new link token row holds. */
export interface NewLinkToken {
  orgId: string;
  purpose: string;
  subject: string;
  secretHash: string;
  createdBy: string | null;
  expiresAt: Date;
  maxUses: number | null;
}

const iso = (date: Date | string) => new Date(date).toISOString();

function toRecord(row: Selectable<LinkTokensTable>): LinkTokenRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    purpose: row.purpose,
    subject: row.subject,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    maxUses: row.max_uses,
    uses: row.uses,
    usedAt: row.used_at ? iso(row.used_at) : null,
    revokedAt: row.revoked_at ? iso(row.revoked_at) : null,
  };
}

/** Where a link stands at `now`: revoked first, then used up, then expired. */
export function linkState(record: Pick<LinkTokenRecord, 'revokedAt' | 'maxUses' | 'uses' | 'expiresAt'>, now: number): LinkState {
  if (record.revokedAt) return 'revoked';
  if (record.maxUses !== null && record.uses >= record.maxUses) return 'used';
  return Date.parse(record.expiresAt) <= now ? 'expired' : 'active';
}

/** Access to the link_tokens table, on the database or inside a transaction. */
export class LinkTokenRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts many links in one statement (a mass notification issues thousands); returns their ids in order. */
  async insertMany(tokens: readonly NewLinkToken[]): Promise<string[]> {
    if (tokens.length === 0) return [];
    const ids: string[] = [];
    // PostgreSQL takes at most 65,535 parameters per statement: 8 per row.
    for (let start = 0; start < tokens.length; start += 5000) {
      const rows = await this.db
        .insertInto('link_tokens')
        .values(
          tokens.slice(start, start + 5000).map((token) => ({
            org_id: token.orgId,
            purpose: token.purpose,
            subject: token.subject,
            secret_hash: token.secretHash,
            created_by: token.createdBy,
            expires_at: token.expiresAt,
            max_uses: token.maxUses,
          })),
        )
        .returning('id')
        .execute();
      ids.push(...rows.map((row) => row.id));
    }
    return ids;
  }

  /** The link whose secret has this digest, in its organisation. */
  async bySecretHash(orgId: string, secretHash: string): Promise<LinkTokenRecord | undefined> {
    const row = await this.db.selectFrom('link_tokens').selectAll().where('org_id', '=', orgId).where('secret_hash', '=', secretHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async get(orgId: string, id: string): Promise<LinkTokenRecord | undefined> {
    const row = await this.db.selectFrom('link_tokens').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The links of one purpose about one subject, newest first. */
  async bySubject(orgId: string, purpose: string, subject: string): Promise<LinkTokenRecord[]> {
    const rows = await this.db
      .selectFrom('link_tokens')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('purpose', '=', purpose)
      .where('subject', '=', subject)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Counts one use, only while the link is active: one conditional UPDATE, so of two uses at once of a single-use
   * link exactly one gets the row (the other waits for the row lock, then finds it used). Undefined when refused.
   */
  async use(orgId: string, id: string, at: Date): Promise<LinkTokenRecord | undefined> {
    const row = await this.db
      .updateTable('link_tokens')
      .set({ uses: sql`uses + 1`, used_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Revokes links (by id) not revoked yet; returns the ids it revoked. */
  async revoke(orgId: string, ids: readonly string[], at: Date): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .updateTable('link_tokens')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('id', 'in', ids)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Deletes links that ended before `before`: expired then, revoked then, or used up with their last use then. Until
   * then an ended link still answers 410 with its reason; after, it is as unknown as a link never issued.
   */
  async purgeEnded(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('link_tokens')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', before),
          eb('revoked_at', '<', before),
          eb.and([eb('max_uses', 'is not', null), eb('uses', '>=', eb.ref('max_uses')), eb('used_at', '<', before)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Revokes every link of one purpose about these subjects; returns the ids it revoked. */
  async revokeForSubjects(orgId: string, purpose: string, subjects: readonly string[], at: Date): Promise<string[]> {
    if (subjects.length === 0) return [];
    const rows = await this.db
      .updateTable('link_tokens')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('purpose', '=', purpose)
      .where('subject', 'in', subjects)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }
}
