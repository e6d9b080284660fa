// Recurring housekeeping of the system's, one row each in the job table whatever the number of processes: old live
// events (replay serves reconnections, not history), uploads a dead process left unfinished, and links long ended.
import { DatabaseBlobStore, STALE_UPLOAD_MS } from '../../../store/blob-store.js';
import { LinkTokenRepository } from '../../../store/link-token-repository.js';
import { purgeLiveEvents } from '../../../store/live-events.js';
import type { JobHandler } from '../handler.js';

/** Live events older than this are purged: a client reconnecting a day later reloads rather than replays. */
export const LIVE_EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;
const EVERY_MS = 10 * 60 * 1000;

export const liveEventsPurgeJob: JobHandler = {
  kind: 'live-events.purge',
  everyMs: EVERY_MS,
  maxAttempts: 3,
  async run(job) {
    const purged = await purgeLiveEvents(job.db, new Date(Date.now() - LIVE_EVENT_RETENTION_MS));
    if (purged > 0) job.log('purged old live events', { purged });
  },
};

export const unfinishedUploadsPurgeJob: JobHandler = {
  kind: 'files.purge-unfinished',
  everyMs: EVERY_MS,
  maxAttempts: 3,
  async run(job) {
    const purged = await new DatabaseBlobStore(job.db).purgeIncomplete(new Date(Date.now() - STALE_UPLOAD_MS));
    if (purged > 0) job.log('purged unfinished uploads', { purged });
  },
};

/** An ended link (expired, revoked, used up) keeps answering 410 with its reason this long, then is deleted. */
export const ENDED_LINK_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export const endedLinksPurgeJob: JobHandler = {
  kind: 'links.purge-ended',
  everyMs: 60 * 60 * 1000,
  maxAttempts: 3,
  async run(job) {
    const purged = await new LinkTokenRepository(job.db).purgeEnded(new Date(Date.now() - ENDED_LINK_RETENTION_MS));
    if (purged > 0) job.log('purged links ended long ago', { purged });
  },
};
