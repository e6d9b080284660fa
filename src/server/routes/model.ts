// The whole model in and out (JSON), the BIA spreadsheet (CSV/XLSX) in and out, and the BIA findings.
import { SPREADSHEET_LIMIT, SPREADSHEET_MEDIA_TYPES } from '../edge.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { biaFindings } from '../../engine/bia.js';
import { RempartError } from '../../errors.js';
import { parseActivitySheet, activitySheetTemplate, locateActivityProblem, writeActivitySheet } from '../../interchange/activity-sheet.js';
import { allSheetProblems } from '../../interchange/activity-sheet-references.js';
import { DEFAULT_BIA, OrganisationModel, type BiaSettings } from '../../model/organisation.js';
import { exportModel, importModel, notFound, upsertActivities } from '../../operations/model-writer.js';
import { ModelRepository } from '../../store/model-repository.js';
import { ERRORS, OrgParams } from './shared.js';
import { ActivitySheetSummary, FindingsResponse, ModelImportSummary } from '../../model/contract/organisation.js';

const SheetFormat = z.object({ format: z.enum(['csv', 'xlsx']).default('xlsx') }).strict();
const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** Findings are recomputed when the model changes; between changes every reader shares one computation. */
const findingsCache = new Map<string, { version: number; findings: ReturnType<typeof biaFindings> }>();

function formatOf(contentType: string | undefined): 'csv' | 'xlsx' {
  if (contentType?.startsWith('text/csv')) return 'csv';
  if (contentType?.startsWith('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')) return 'xlsx';
  throw new RempartError('unsupported_media_type', 'Send the spreadsheet as text/csv or as an XLSX file.', [
    {
      path: 'headers.content-type',
      rule: 'media_type',
      value: contentType ?? null,
      message: 'text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
  ]);
}

export const modelRoutes: FastifyPluginAsyncZod = async (app) => {
  const repository = new ModelRepository(app.db);

  async function organisation(orgId: string) {
    const org = await repository.getOrganisation(orgId);
    if (!org) throw notFound('organisation', orgId);
    return org;
  }

  app.get(
    '/orgs/:org/model',
    {
      config: { policy: { resource: 'model', action: 'read' } },
      schema: {
        tags: ['model'],
        summary: 'Export the whole model as an interchange document (JSON)',
        params: OrgParams,
        response: { 200: OrganisationModel, ...ERRORS },
      },
    },
    async (request) => exportModel(app.db, request.params.org),
  );

  app.put(
    '/orgs/:org/model',
    {
      // A whole model of 10,000 activities is about 10 MB of JSON.
      bodyLimit: 64 * 1024 * 1024,
      // A new id creates the organisation, with the caller as its owner.
      config: { policy: { resource: 'model', action: 'import', createsOrganisation: true } },
      schema: {
        tags: ['model'],
        summary: 'Import a model document, replacing the organisation’s model (created if new, the caller becoming its owner); all or nothing',
        params: OrgParams,
        body: OrganisationModel,
        response: { 200: ModelImportSummary, ...ERRORS },
      },
    },
    async (request) => {
      const { user } = request.principal!;
      return importModel(
        app.db,
        request.params.org,
        request.body,
        request.creatingOrganisation ? { newOwner: { userId: user.id, displayName: user.displayName } } : {},
      );
    },
  );

  app.get(
    '/orgs/:org/findings',
    {
      config: { policy: { resource: 'findings', action: 'read' } },
      schema: {
        tags: ['bia'],
        summary: 'BIA findings: RTO above MTPD, recovery gaps, upstream RTO, missing assessments, dependency cycles',
        params: OrgParams,
        response: { 200: FindingsResponse, ...ERRORS },
      },
    },
    async (request) => {
      const org = await organisation(request.params.org);
      let cached = findingsCache.get(org.id);
      if (!cached || cached.version !== org.modelVersion) {
        const model = await repository.loadModel(org.id);
        cached = { version: org.modelVersion, findings: biaFindings({ ...model, bia: org.bia }) };
        findingsCache.set(org.id, cached);
      }
      const counts: Record<string, number> = { error: 0, warning: 0, info: 0 };
      for (const finding of cached.findings) counts[finding.severity]++;
      return { modelVersion: cached.version, counts, items: cached.findings };
    },
  );

  app.get(
    '/orgs/:org/activities.sheet',
    {
      config: { policy: { resource: 'activities', action: 'read' } },
      schema: {
        tags: ['bia'],
        summary: 'Export activities with their BIA as a spreadsheet (CSV or XLSX)',
        params: OrgParams,
        querystring: SheetFormat,
        produces: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => {
      const org = await organisation(request.params.org);
      const { activities } = await repository.loadModel(org.id);
      const format = request.query.format;
      const file = await writeActivitySheet(activities, org.bia, format);
      return reply.type(CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${org.id}-activities.${format}"`).send(file);
    },
  );

  app.get(
    '/orgs/:org/activities.template',
    {
      config: { policy: { resource: 'activities', action: 'read' } },
      schema: {
        tags: ['bia'],
        summary: 'Download the BIA spreadsheet template for this organisation’s impact categories and time points',
        params: OrgParams,
        querystring: SheetFormat,
        produces: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => {
      const org = await organisation(request.params.org);
      return sendTemplate(reply, org.bia, request.query.format);
    },
  );

  app.get(
    '/templates/activities',
    {
      config: { policy: { access: 'signedIn' } },
      schema: {
        tags: ['bia'],
        summary: 'Download the BIA spreadsheet template with the default impact categories and time points',
        querystring: SheetFormat,
        produces: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => sendTemplate(reply, DEFAULT_BIA, request.query.format),
  );

  app.post(
    '/orgs/:org/activities.sheet',
    {
      bodyLimit: SPREADSHEET_LIMIT,
      config: { policy: { resource: 'activities', action: 'import' }, accepts: SPREADSHEET_MEDIA_TYPES },
      schema: {
        tags: ['bia'],
        summary: 'Import activities from the BIA spreadsheet (CSV or XLSX body): adds new ids, replaces existing ones; all or nothing',
        description: 'Each problem names its `row` (as numbered in the spreadsheet, header = 1), `column` and `rule`.',
        params: OrgParams,
        consumes: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
        response: { 200: ActivitySheetSummary, ...ERRORS },
      },
    },
    async (request) => {
      const format = formatOf(request.headers['content-type']);
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        throw new RempartError('invalid_input', 'The spreadsheet is empty.', [
          { path: 'body', rule: 'required', value: null, message: 'send the file as the body' },
        ]);
      const org = await organisation(request.params.org);
      const sheet = await parseActivitySheet(request.body, format, org.bia);
      if (sheet.problems.length > 0) {
        // One round of corrections: the references of every row are reported with the values refused.
        const problems = allSheetProblems(await exportModel(app.db, org.id), sheet);
        throw new RempartError('invalid_input', `The spreadsheet has ${problems.length} problem(s); nothing was imported.`, problems);
      }
      return upsertActivities(app.db, org.id, sheet.activities, (p) => locateActivityProblem(p, sheet.rowOf, sheet.columns));
    },
  );
};

async function sendTemplate(reply: import('fastify').FastifyReply, bia: BiaSettings, format: 'csv' | 'xlsx') {
  const file = await activitySheetTemplate(bia, format);
  return reply.type(CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="rempart-activities-template.${format}"`).send(file);
}
