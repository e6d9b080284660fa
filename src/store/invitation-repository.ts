// Invitations to join an organisation: one address, one role; their secret is a link token (purpose `invitation`). Rows stay in here.
import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Role } from '../model/account.js';
import type { Database, InvitationsTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** An invitation as the server handles it (never its secret, which only the answer that created it holds). */
export interface InvitationRecord {
  orgId: string;
  orgName: string;
  id: string;
  email: string;
  role: Role;
  /** The name the organisation gives the person once they join; none: their account's name. */
  displayName: string | null;
  invitedBy: { id: string; email: string } | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

const iso = (date: Date | string) => new Date(date).toISOString();

type Row = Selectable<InvitationsTable> & { org_name: string; inviter_email: string | null };

function toInvitation(row: Row): InvitationRecord {
  return {
    orgId: row.org_id,
    orgName: row.org_name,
    id: row.id,
    email: row.email,
    role: row.role as Role,
    displayName: row.display_name,
    invitedBy: row.invited_by && row.inviter_email ? { id: row.invited_by, email: row.inviter_email } : null,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    acceptedAt: row.accepted_at ? iso(row.accepted_at) : null,
    revokedAt: row.revoked_at ? iso(row.revoked_at) : null,
  };
}

/** Access to the invitations table, on the database or inside a transaction. */
export class InvitationRepository {
  constructor(private readonly db: Executor) {}

  private query() {
    return this.db
      .selectFrom('invitations as i')
      .innerJoin('organisations as o', 'o.id', 'i.org_id')
      .leftJoin('users as u', 'u.id', 'i.invited_by')
      .selectAll('i')
      .select(['o.name as org_name', 'u.email as inviter_email']);
  }

  async insert(invitation: {
    orgId: string;
    email: string;
    role: Role;
    displayName: string | null;
    invitedBy: string;
    expiresAt: Date;
  }): Promise<InvitationRecord> {
    const row = await this.db
      .insertInto('invitations')
      .values({
        org_id: invitation.orgId,
        email: invitation.email,
        role: invitation.role,
        display_name: invitation.displayName,
        invited_by: invitation.invitedBy,
        expires_at: invitation.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.get(invitation.orgId, row.id))!;
  }

  /** One invitation; with `lock`, its row stays locked until the transaction ends (acceptance). */
  async get(orgId: string, id: string, lock = false): Promise<InvitationRecord | undefined> {
    let query = this.query().where('i.org_id', '=', orgId).where('i.id', '=', id);
    if (lock) query = query.forUpdate('i');
    const row = await query.executeTakeFirst();
    return row ? toInvitation(row as Row) : undefined;
  }

  /** Invitations neither accepted nor revoked (expired ones too, so that they can be seen and revoked), newest first. */
  async open(orgId: string): Promise<InvitationRecord[]> {
    const rows = await this.query()
      .where('i.org_id', '=', orgId)
      .where('i.accepted_at', 'is', null)
      .where('i.revoked_at', 'is', null)
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id')
      .execute();
    return rows.map((row) => toInvitation(row as Row));
  }

  /** Revokes the open invitations of an address in an organisation (a new one replaces them); returns their ids. */
  async revokeOpenFor(orgId: string, email: string, at: Date): Promise<string[]> {
    const rows = await this.db
      .updateTable('invitations')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async revoke(orgId: string, id: string, at: Date): Promise<void> {
    await this.db.updateTable('invitations').set({ revoked_at: at }).where('org_id', '=', orgId).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Whether someone with this address already belongs to the organisation (nothing about any other organisation). */
  async isMember(orgId: string, email: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('m.user_id')
      .where('m.org_id', '=', orgId)
      .where('u.email', '=', email)
      .executeTakeFirst();
    return row !== undefined;
  }

  async markAccepted(orgId: string, id: string, userId: string, at: Date): Promise<void> {
    await this.db.updateTable('invitations').set({ accepted_at: at, accepted_by: userId }).where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
