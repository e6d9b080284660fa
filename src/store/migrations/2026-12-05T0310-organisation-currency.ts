// Amounts (strategy costs, recommended budgets) are in the organisation's currency, which every screen and export
// names; organisations made before this keep the euro they implicitly used.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table organisations add column currency text not null default 'EUR' check (currency ~ '^[A-Z]{3}$')`.execute(db);
}
