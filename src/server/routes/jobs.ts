// The organisation's background jobs for its administrators: what waits, what runs, and the dead letters (jobs that
// failed their last attempt, with their last error), which they may retry.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { JobPage, JobStatus, JobView } from '../../model/job.js';
import { Id } from '../../model/organisation.js';
import { recordAudit } from '../../operations/audit.js';
import { JOB_HANDLERS } from '../../operations/jobs/handlers/index.js';
import { isJobCursor, listJobs, retryJob } from '../../operations/jobs/queue.js';
import { notFound } from '../../operations/model-writer.js';
import { ModelRepository } from '../../store/model-repository.js';
import { ERRORS, OrgParams } from './shared.js';

const JobParams = z.object({ org: Id, id: z.uuid() });

export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['access'];
  const repository = new ModelRepository(app.db);
  async function requireOrg(orgId: string): Promise<void> {
    if (!(await repository.getOrganisation(orgId))) throw notFound('organisation', orgId);
  }

  app.get(
    '/orgs/:org/jobs',
    {
      config: { policy: { resource: 'jobs', action: 'read' } },
      schema: {
        tags,
        summary: 'The organisation’s background jobs of one status, newest first: `dead` lists the dead letters',
        params: OrgParams,
        querystring: z
          .object({
            status: JobStatus.default('dead'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional().meta({ description: 'The previous page’s nextCursor' }),
          })
          .strict(),
        response: { 200: JobPage, ...ERRORS },
      },
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      if (cursor !== undefined && !isJobCursor(cursor))
        throw new RempartError('invalid_input', 'The cursor does not come from this list.', [
          { path: 'query.cursor', rule: 'cursor', value: cursor, message: 'pass back nextCursor' },
        ]);
      await requireOrg(request.params.org);
      return listJobs(app.db, request.params.org, { status, limit, cursor }, JOB_HANDLERS);
    },
  );

  app.post(
    '/orgs/:org/jobs/:id/retry',
    {
      config: { policy: { resource: 'jobs', action: 'retry' } },
      schema: {
        tags,
        summary: 'Give a dead job a new set of attempts, now (its run, if any, is queued again)',
        params: JobParams,
        response: { 200: JobView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, id } = request.params;
      await requireOrg(org);
      const job = await app.db.transaction().execute(async (trx) => {
        const retried = await retryJob(trx, JOB_HANDLERS, org, id);
        if (retried)
          await recordAudit(trx, { org, action: 'retry', entityType: 'job', entityId: id, after: { kind: retried.kind, lastError: retried.lastError } });
        return retried;
      });
      if (!job)
        throw new RempartError('not_found', `The organisation has no dead job "${id}".`, [
          { path: 'id', rule: 'dead_job', value: id, message: 'no dead job with this id' },
        ]);
      return job;
    },
  );
};
