// A widget key's own look (issue 14: many organisations, and several sites of one, embed one deployment, each with
// its branding): title and greeting per language, accent colour, logo; null when the key has none.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table public_keys add column branding jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table public_keys drop column branding`.execute(db);
}
