// The report job: generates one requested report (its row has the job's id) and records the file it stored. A report
// whose records are gone, or whose file does not fit the quota, fails for the user at once; anything else is retried.
import { EngineInputError } from '../../../engine/validate.js';
import { RempartError } from '../../../errors.js';
import { ReportRepository } from '../../../store/report-repository.js';
import { DatabaseBlobStore } from '../../../store/blob-store.js';
import { generateReport, REPORT_JOB } from '../../reports/reports.js';
import type { JobHandler } from '../handler.js';

interface ReportPayload {
  report: string;
}

export const reportJob: JobHandler<ReportPayload> = {
  kind: REPORT_JOB,
  maxAttempts: 3,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  // Rendering is one thread per process: two reports of one organisation at a time leave room for the others'.
  perOrganisation: 2,
  async run(job) {
    const org = job.org!;
    const report = await new ReportRepository(job.db).get(org, job.id);
    if (!report || report.status === 'done') return;
    await job.fenced((trx) => new ReportRepository(trx).markRunning(org, job.id));
    let generated;
    try {
      generated = await generateReport(job.db, report, { workers: job.workers, signal: job.signal });
    } catch (error) {
      if (!(error instanceof RempartError) && !(error instanceof EngineInputError)) throw error;
      const code = error instanceof RempartError ? error.code : 'model_invalid';
      await job.fenced((trx) => new ReportRepository(trx).markFailed(org, job.id, { code, message: error.message }));
      return;
    }
    const recorded = await job.fenced((trx) =>
      new ReportRepository(trx).markDone(org, job.id, { title: generated.title, blobId: generated.file.id }).then(() => true),
    );
    // Another process holds the job now and will store its own file: this one would be an orphan.
    if (!recorded) await new DatabaseBlobStore(job.db).delete(org, generated.file.id);
  },
  async onDead(trx, job) {
    // The cause is in the dead letter, for administrators; the user is told it failed, not why inside the server.
    await new ReportRepository(trx).markFailed(job.org!, job.id, {
      code: 'internal',
      message: 'The report could not be generated, several times; an administrator can see why and retry it.',
    });
  },
  async onRetried(trx, job) {
    await new ReportRepository(trx).markQueued(job.org!, job.id);
  },
};
