// Named commands on reports: request one (its row, its job and the audit entry commit together: the outbox), read
// them, and generate one (what the job runs): gather the records, render the document on the rendering thread, store
// the file in the blob store.
import { sql, type Kysely } from 'kysely';
import { RempartError } from '../../errors.js';
import { renderReportInWorker } from '../../interchange/report-render.js';
import type { ReportRequest } from '../../model/report.js';
import { DatabaseBlobStore, type BlobRecord } from '../../store/blob-store.js';
import { ExerciseRepository } from '../../store/exercise-repository.js';
import { ManagementReviewRepository } from '../../store/management-review-repository.js';
import { ModelRepository } from '../../store/model-repository.js';
import { ReportRepository, type ReportRecord } from '../../store/report-repository.js';
import type { Database } from '../../store/schema.js';
import { recordAudit } from '../audit.js';
import { enqueueJob } from '../jobs/queue.js';
import { notFound } from '../model-writer.js';
import { biaReport } from './bia-report.js';
import { committeeReport } from './committee-report.js';
import type { BuiltReport, ReportContext } from './context.js';
import { exerciseReport } from './exercise-report.js';
import { reviewReport } from './review-report.js';
import { riskReport } from './risk-report.js';

export const REPORT_JOB = 'reports.generate';

/**
 * Reports an organisation may have queued or generating at once: a committee pack can compute a Monte Carlo and a
 * recommendation, and a burst of requests must not fill the shared queue.
 */
export const REPORTS_IN_FLIGHT = 5;

export const CONTENT_TYPES = { pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** The builder of each kind. A new kind is one entry here, one branch of ReportRequest (model/report.ts), one line of REPORT_SOURCES (who may read it) and its words. */
const BUILDERS: Record<ReportRequest['kind'], (context: ReportContext, params: Record<string, unknown>) => Promise<BuiltReport>> = {
  bia: (context) => biaReport(context),
  riskRegister: (context) => riskReport(context),
  exercise: (context, params) => exerciseReport(context, String(params.exercise)),
  committee: (context, params) => committeeReport(context, { scenario: String(params.scenario), runs: Number(params.runs) }),
  managementReview: (context, params) => reviewReport(context, String(params.review)),
};

function refusedReference(path: string, value: string, what: string): RempartError {
  return new RempartError('invalid_reference', `No ${what} with id "${value}" in the organisation.`, [
    { path, rule: 'exists', value, message: `no ${what} "${value}"` },
  ]);
}

/** Queues a report; refuses at once what the job would refuse later (a missing exercise or scenario), or a full queue. */
export async function requestReport(db: Kysely<Database>, orgId: string, request: ReportRequest, createdBy: string | null): Promise<ReportRecord> {
  const { kind, format, lang, ...params } = request;
  if (request.kind === 'exercise' && !(await new ExerciseRepository(db).get(orgId, request.exercise)))
    throw refusedReference('exercise', request.exercise, 'exercise');
  if (request.kind === 'committee' && !(await new ModelRepository(db).getEntity(orgId, 'scenarios', request.scenario)))
    throw refusedReference('scenario', request.scenario, 'scenario');
  if (request.kind === 'managementReview' && !(await new ManagementReviewRepository(db).get(orgId, request.review)))
    throw refusedReference('review', request.review, 'management review');
  const id = await db.transaction().execute(async (trx) => {
    // Counted and inserted under one lock per organisation: simultaneous requests must not all see room for one more.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`rempart.reports:${orgId}`}, 0))`.execute(trx);
    const { active } = await trx
      .selectFrom('reports')
      .select(sql<number>`count(*)::int`.as('active'))
      .where('org_id', '=', orgId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    if (active >= REPORTS_IN_FLIGHT)
      throw new RempartError(
        'rate_limited',
        `The organisation already has ${active} reports being generated, the most at once (${REPORTS_IN_FLIGHT}): wait for one to finish.`,
        [{ path: 'reports', rule: 'max_reports_in_flight', value: active, message: `at most ${REPORTS_IN_FLIGHT} reports generated at once` }],
        { retryAfter: 10 },
      );
    const reports = new ReportRepository(trx);
    const created = await reports.insert({ orgId, kind, format, lang, params, createdBy });
    await enqueueJob(trx, { org: orgId, kind: REPORT_JOB, id: created, payload: { report: created } });
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'report', entityId: created, after: { kind, format, lang, params } });
    return created;
  });
  return (await new ReportRepository(db).get(orgId, id))!;
}

export async function getReport(db: Kysely<Database>, orgId: string, id: string): Promise<ReportRecord> {
  const report = await new ReportRepository(db).get(orgId, id);
  if (!report) throw notFound('report', id);
  return report;
}

/** What generating a report gives: its title and the stored file. */
export interface GeneratedReport {
  title: string;
  file: BlobRecord;
}

/**
 * Builds and renders the report, and stores its file (audited as a file of purpose `report`). Throws RempartError
 * when the records it is about are gone or the file does not fit the organisation's quota: retrying cannot help.
 */
export async function generateReport(
  db: Kysely<Database>,
  report: ReportRecord,
  options: { workers: number; signal?: AbortSignal; now?: Date },
): Promise<GeneratedReport> {
  const org = await new ModelRepository(db).getOrganisation(report.orgId);
  if (!org) throw notFound('organisation', report.orgId);
  const builder = BUILDERS[report.kind as ReportRequest['kind']];
  if (!builder) throw new RempartError('invalid_input', `Rempart cannot generate reports of kind "${report.kind}".`);
  const context: ReportContext = { db, org, language: report.lang, now: options.now ?? new Date(), workers: options.workers, signal: options.signal };
  const built = await builder(context, report.params);
  const bytes = await renderReportInWorker(built.document, report.format);
  const store = new DatabaseBlobStore(db);
  const file = await store.put(
    {
      orgId: report.orgId,
      name: `${built.fileStem}.${report.format}`,
      contentType: CONTENT_TYPES[report.format],
      purpose: 'report',
      createdBy: report.createdBy?.id ?? null,
    },
    (async function* () {
      yield bytes;
    })(),
    {
      declaredSize: bytes.length,
      inCommit: (trx, record) =>
        recordAudit(trx, {
          org: record.orgId,
          action: 'create',
          entityType: 'file',
          entityId: record.id,
          after: { name: record.name, contentType: record.contentType, purpose: record.purpose, size: record.size, sha256: record.sha256, report: report.id },
        }),
    },
  );
  return { title: built.document.title, file };
}
