// The audit chain becomes keyed: each entry records how its hash was made, so entries written before keying stay verifiable.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Entries already there were hashed with plain SHA-256; from now on every entry is an HMAC with a sub-key
  // of the server key. Verification accepts plain entries only before the first keyed one: rows cannot be
  // re-keyed here, since nothing proves they were not already altered.
  await sql`alter table audit_log add column hash_alg text not null default 'sha256' check (hash_alg in ('sha256', 'hmac-sha256'))`.execute(db);
  // Writers must say which algorithm they used.
  await sql`alter table audit_log alter column hash_alg drop default`.execute(db);
}
