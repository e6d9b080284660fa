// What the mail of a BIA campaign did (issue 15): one entry per mailing (the launch, each return), with whom it
// reached and whom it skipped and why, so the manager sees on the campaign which owners were not told.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table bia_campaigns add column mailings jsonb not null default '[]'`.execute(db);
}
