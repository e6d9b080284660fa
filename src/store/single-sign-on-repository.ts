// Single sign-on rows: provider identities linked to accounts, and each organisation's domains and role mapping.
import { sql, type Kysely, type Transaction } from 'kysely';
import { NO_SINGLE_SIGN_ON, type Role, type SingleSignOnSettings } from '../model/account.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export class SingleSignOnRepository {
  constructor(private readonly db: Executor) {}

  /** The account linked to a provider's subject. */
  async identity(issuer: string, subject: string): Promise<{ userId: string } | undefined> {
    const row = await this.db.selectFrom('user_identities').select('user_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
    return row && { userId: row.user_id };
  }

  async link(issuer: string, subject: string, userId: string, email: string | null): Promise<void> {
    await this.db.insertInto('user_identities').values({ issuer, subject, user_id: userId, email }).execute();
  }

  async touch(issuer: string, subject: string, email: string | null): Promise<void> {
    await this.db
      .updateTable('user_identities')
      .set({ last_sign_in_at: sql`now()`, email })
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .execute();
  }

  async settings(orgId: string): Promise<SingleSignOnSettings> {
    const row = await this.db.selectFrom('organisation_sso').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    const domains = await this.db.selectFrom('sso_email_domains').select('domain').where('org_id', '=', orgId).orderBy('domain').execute();
    if (!row) return { ...NO_SINGLE_SIGN_ON, emailDomains: domains.map((d) => d.domain) };
    return {
      emailDomains: domains.map((d) => d.domain),
      roleClaim: row.role_claim,
      roleMap: row.role_map as Record<string, Role>,
      defaultRole: row.default_role as Role,
    };
  }

  /** The organisations other than `orgId` that already claimed some of these domains. */
  async claimedElsewhere(orgId: string, domains: string[]): Promise<Array<{ domain: string; orgId: string }>> {
    if (domains.length === 0) return [];
    const rows = await this.db.selectFrom('sso_email_domains').selectAll().where('domain', 'in', domains).where('org_id', '<>', orgId).execute();
    return rows.map((row) => ({ domain: row.domain, orgId: row.org_id }));
  }

  async setSettings(orgId: string, settings: SingleSignOnSettings): Promise<void> {
    await this.db
      .insertInto('organisation_sso')
      .values({ org_id: orgId, role_claim: settings.roleClaim, role_map: JSON.stringify(settings.roleMap), default_role: settings.defaultRole })
      .onConflict((conflict) =>
        conflict
          .column('org_id')
          .doUpdateSet({ role_claim: settings.roleClaim, role_map: JSON.stringify(settings.roleMap), default_role: settings.defaultRole }),
      )
      .execute();
    await this.db.deleteFrom('sso_email_domains').where('org_id', '=', orgId).execute();
    if (settings.emailDomains.length > 0)
      await this.db
        .insertInto('sso_email_domains')
        .values(settings.emailDomains.map((domain) => ({ domain, org_id: orgId })))
        .execute();
  }

  /** The organisation that takes people of this e-mail domain, with its mapping; undefined when none does. */
  async organisationForDomain(domain: string): Promise<{ orgId: string; settings: SingleSignOnSettings } | undefined> {
    const row = await this.db.selectFrom('sso_email_domains').select('org_id').where('domain', '=', domain.toLowerCase()).executeTakeFirst();
    return row && { orgId: row.org_id, settings: await this.settings(row.org_id) };
  }
}
