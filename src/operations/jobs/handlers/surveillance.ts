// Retention of the crisis assistant's data, one job row whatever the number of processes: orientation records past
// their organisation's retention, conversations idle for a day (with the answers of abandoned questionnaires), and the
// rate counters of minutes long gone.
import { sql } from 'kysely';
import { purgeIdleConversations } from '../../conversations.js';
import { purgeExpiredRecords } from '../../surveillance.js';
import type { JobHandler } from '../handler.js';

export const surveillancePurgeJob: JobHandler = {
  kind: 'surveillance.purge',
  everyMs: 60 * 60 * 1000,
  maxAttempts: 3,
  async run(job) {
    const now = Date.now();
    const records = await purgeExpiredRecords(job.db, now);
    const conversations = await purgeIdleConversations(job.db, now);
    await sql`delete from public_rate_counters where bucket < ${Math.floor(now / 60_000) - 5}`.execute(job.db);
    if (records + conversations > 0) job.log('purged expired orientation records and idle conversations', { records, conversations });
  },
};
