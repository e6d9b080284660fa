// Risk appraisal over HTTP: the threat catalogue, the organisation's matrix, its risk register, heat map and attention lists.
import { SPREADSHEET_LIMIT, SPREADSHEET_MEDIA_TYPES } from '../edge.js';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appetiteLimit, attention, bandRange, heatmap, maxScore, rate } from '../../engine/risk.js';
import { RempartError } from '../../errors.js';
import { Id } from '../../model/organisation.js';
import { AssetType, IsoDate, RiskMatrixChange, RiskWrite, Threat, ThreatFamily, Actor } from '../../model/risk.js';
import {
  Heatmap,
  MatrixChanged,
  RiskAttention,
  RiskHistory,
  RiskImportSummary,
  RiskList,
  RiskMatrixView,
  RiskView,
  ThreatList,
  ThreatView,
} from '../../model/contract/risk.js';
import {
  changeMatrix,
  createRisk,
  createThreat,
  deleteRisk,
  deleteThreat,
  exportRiskSheet,
  getThreat,
  importRiskSheet,
  listThreats,
  presentationContext,
  presentRisk,
  readMatrix,
  registerSnapshot,
  replaceRisk,
  replaceThreat,
  riskHistory,
} from '../../operations/risk-register.js';
import { isValidRiskCursor, RiskRepository, type RiskQuery } from '../../store/risk-repository.js';
import { collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { ERRORS, ItemParams, OrgParams, withoutReadOnly } from './shared.js';

const tags = ['risks'];
const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** Shipped threats are read-only for everyone; the organisation's follow the policies. */
function presentThreat(request: FastifyRequest, threat: ThreatView): ThreatView & { abilities: Record<string, boolean> } {
  const item = withAbilities(request, 'threats', threat);
  return threat.source === 'shipped' ? { ...item, abilities: Object.fromEntries(Object.keys(item.abilities).map((action) => [action, false])) } : item;
}

/** Clients may send back what they read: the read-only `computed` and `abilities` are dropped. */
const RiskBody = z.preprocess((body) => withoutReadOnly(body), RiskWrite);

const Flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const RiskListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(500).optional(),
    q: z.string().max(200).optional(),
    sort: z
      .enum(['position', 'id', 'title', 'severity'])
      .default('position')
      .meta({ description: 'severity: residual score, then inherent score, highest first' }),
    family: ThreatFamily.optional(),
    threat: Id.optional(),
    assetType: AssetType.optional(),
    assetId: Id.optional(),
    band: Id.optional().meta({ description: 'Only risks whose `rating` falls in this band of the matrix' }),
    rating: z.enum(['inherent', 'residual']).default('residual'),
    aboveAppetite: Flag.optional().meta({ description: 'true: only risks whose residual rating is above appetite; false: only those within it' }),
  })
  .strict();

const HeatmapQuery = z
  .object({
    rating: z.enum(['inherent', 'residual']).default('residual'),
    family: ThreatFamily.optional(),
    assetType: AssetType.optional(),
    assetId: Id.optional(),
  })
  .strict();
const AttentionQuery = z
  .object({
    today: IsoDate.optional().meta({ description: 'The date to judge overdue items by (default: today on the server, UTC)' }),
    top: z.coerce.number().int().min(1).max(100).default(10),
  })
  .strict();
const SheetFormat = z.object({ format: z.enum(['csv', 'xlsx']).default('xlsx') }).strict();
const ImportQuery = z.object({ by: Actor.optional() }).strict();

function formatOf(contentType: string | undefined): 'csv' | 'xlsx' {
  if (contentType?.startsWith('text/csv')) return 'csv';
  if (contentType?.startsWith(CONTENT_TYPES.xlsx)) return 'xlsx';
  throw new RempartError('unsupported_media_type', 'Send the spreadsheet as text/csv or as an XLSX file.', [
    { path: 'headers.content-type', rule: 'media_type', value: contentType ?? null, message: `text/csv or ${CONTENT_TYPES.xlsx}` },
  ]);
}

/** The server's date, UTC: the engine has no clock. */
function serverToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export const riskRoutes: FastifyPluginAsyncZod = async (app) => {
  const repository = new RiskRepository(app.db);

  // ------------------------------------------------------------------------------------------------------------------
  // Threats

  app.get(
    '/threats',
    {
      config: { policy: { access: 'signedIn' } },
      schema: { tags, summary: 'The shipped threat catalogue (read-only), with the threat families', response: { 200: ThreatList, ...ERRORS } },
    },
    async () => listThreats(app.db),
  );

  app.get(
    '/orgs/:org/threats',
    {
      config: { policy: { resource: 'threats', action: 'read' } },
      schema: {
        tags,
        summary: 'Threats an organisation can name in risks: the shipped catalogue, then its own',
        params: OrgParams,
        querystring: z.object({ family: ThreatFamily.optional() }).strict(),
        response: { 200: ThreatList, ...ERRORS },
      },
    },
    async (request) => {
      const list = await listThreats(app.db, request.params.org);
      const family = request.query.family;
      const items = (family ? list.items.filter((threat) => threat.family === family) : list.items).map((threat) => presentThreat(request, threat));
      return { ...list, items, abilities: collectionAbilities(request, 'threats') };
    },
  );

  app.get(
    '/orgs/:org/threats/:id',
    {
      config: { policy: { resource: 'threats', action: 'read' } },
      schema: { tags, summary: 'One threat, shipped or the organisation’s', params: ItemParams, response: { 200: ThreatView, ...ERRORS } },
    },
    async (request) => presentThreat(request, await getThreat(app.db, request.params.org, request.params.id)),
  );

  app.post(
    '/orgs/:org/threats',
    {
      config: { policy: { resource: 'threats', action: 'create' } },
      schema: {
        tags,
        summary: 'Add a threat of the organisation (its id must differ from every shipped threat)',
        params: OrgParams,
        body: z.preprocess((body) => withoutReadOnly(body, ['source', 'abilities']), Threat),
        response: { 201: ThreatView, ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(presentThreat(request, await createThreat(app.db, request.params.org, request.body))),
  );

  app.put(
    '/orgs/:org/threats/:id',
    {
      config: { policy: { resource: 'threats', action: 'update' } },
      schema: {
        tags,
        summary: 'Replace a threat of the organisation (shipped threats are read-only: 403)',
        description: 'Renaming (a different `id` in the body) is refused while risks name the old id.',
        params: ItemParams,
        // What was read may be sent back: `source` and `abilities` are read-only.
        body: z.preprocess((body) => withoutReadOnly(body, ['source', 'abilities']), Threat),
        response: { 200: ThreatView, ...ERRORS },
      },
    },
    async (request) => presentThreat(request, await replaceThreat(app.db, request.params.org, request.params.id, request.body)),
  );

  app.delete(
    '/orgs/:org/threats/:id',
    {
      config: { policy: { resource: 'threats', action: 'delete' } },
      schema: {
        tags,
        summary: 'Delete a threat of the organisation (refused while risks name it)',
        params: ItemParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await deleteThreat(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  // ------------------------------------------------------------------------------------------------------------------
  // Matrix

  app.get(
    '/orgs/:org/risk-matrix',
    {
      config: { policy: { resource: 'riskMatrix', action: 'read' } },
      schema: {
        tags,
        summary: 'The risk matrix: levels, bands over likelihood × impact, and the appetite',
        params: OrgParams,
        response: { 200: RiskMatrixView, ...ERRORS },
      },
    },
    async (request) => withAbilities(request, 'riskMatrix', await readMatrix(app.db, request.params.org)),
  );

  app.put(
    '/orgs/:org/risk-matrix',
    {
      config: { policy: { resource: 'riskMatrix', action: 'update' } },
      schema: {
        tags,
        summary: 'Replace the risk matrix and re-rate existing risks',
        description:
          'Each existing level moves to `mapping[axis][old]`, else keeps its number when the new matrix has it. When a risk uses a level that has nowhere to go, nothing changes and the answer (409 `in_use`) lists each such risk and level. Risks whose levels moved get an assessment row (`matrix_changed`).',
        params: OrgParams,
        // What was read may be sent back: `abilities` is read-only.
        body: z.preprocess((body) => withoutReadOnly(body, ['abilities']), RiskMatrixChange),
        response: { 200: MatrixChanged, ...ERRORS },
      },
    },
    async (request) => changeMatrix(app.db, request.params.org, request.body),
  );

  // ------------------------------------------------------------------------------------------------------------------
  // Register

  app.get(
    '/orgs/:org/risks',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: {
        tags,
        summary: 'List risks, with scores and bands',
        description:
          'Paged by cursor: pass `nextCursor` back as `cursor` with the same filters and sort. `family` is the threat family; `assetId` alone matches any asset type.',
        params: OrgParams,
        querystring: RiskListQuery,
        response: { 200: RiskList, ...ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      if (query.cursor && !isValidRiskCursor(query.cursor, query.sort))
        throw new RempartError('invalid_input', 'The cursor does not come from this list.', [
          { path: 'query.cursor', rule: 'cursor', value: query.cursor, message: 'pass back nextCursor of the previous page, with the same sort' },
        ]);
      const context = await presentationContext(app.db, request.params.org);
      const page: RiskQuery = { limit: query.limit, cursor: query.cursor, q: query.q, sort: query.sort, assetType: query.assetType, assetId: query.assetId };
      if (query.family) page.threats = context.threatsOfFamily(query.family);
      if (query.threat) page.threats = page.threats ? page.threats.filter((id) => id === query.threat) : [query.threat];
      const top = maxScore(context.matrix);
      if (query.band) {
        const range = bandRange(context.matrix, query.band);
        if (!range)
          throw new RempartError('invalid_input', `No band "${query.band}" in the risk matrix.`, [
            { path: 'query.band', rule: 'unknown_band', value: query.band, message: `one of ${context.matrix.bands.map((band) => band.id).join(', ')}` },
          ]);
        page[query.rating === 'inherent' ? 'inherentScore' : 'residualScore'] = { min: range[0], max: range[1] };
      }
      if (query.aboveAppetite !== undefined) {
        // Appetite is judged on the residual rating, whatever `rating` the band filter uses.
        const limit = Math.min(appetiteLimit(context.matrix), top + 1);
        const band = page.residualScore ?? { min: 1, max: top };
        page.residualScore = query.aboveAppetite ? { min: Math.max(band.min, limit), max: band.max } : { min: band.min, max: Math.min(band.max, limit - 1) };
      }
      const result = await repository.listRisks(request.params.org, page);
      return {
        ...result,
        items: result.items.map((stored) => withAbilities(request, 'risks', presentRisk(context.matrix, stored, context.familyOf))),
        abilities: collectionAbilities(request, 'risks'),
      };
    },
  );

  app.post(
    '/orgs/:org/risks',
    {
      config: { policy: { resource: 'risks', action: 'create' } },
      schema: {
        tags,
        summary: 'Add a risk (its first assessment is recorded)',
        description: '`by` names who rated it (default: the caller’s name in the organisation); it is kept in the assessment history, not in the risk.',
        params: OrgParams,
        body: RiskBody,
        response: { 201: RiskView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { by, ...risk } = request.body as z.output<typeof RiskWrite>;
      return reply.code(201).send(withAbilities(request, 'risks', await createRisk(app.db, request.params.org, risk, by ?? subjectOf(request).memberName)));
    },
  );

  app.get(
    '/orgs/:org/risks/heatmap',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: {
        tags,
        summary: 'Heat map: risks per cell of the matrix for the inherent or residual rating, optionally for one asset or threat family',
        params: OrgParams,
        querystring: HeatmapQuery,
        response: { 200: Heatmap, ...ERRORS },
      },
    },
    async (request) => {
      const { rating, ...filter } = request.query;
      const snapshot = await registerSnapshot(app.db, request.params.org);
      return heatmap(
        snapshot.matrix,
        snapshot.risks.map((stored) => stored.risk),
        rating,
        filter,
        snapshot.familyOf,
      );
    },
  );

  app.get(
    '/orgs/:org/risks/attention',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: {
        tags,
        summary: 'What needs attention: top risks, risks above appetite without treatment, overdue treatments, overdue reviews',
        params: OrgParams,
        querystring: AttentionQuery,
        response: { 200: RiskAttention, ...ERRORS },
      },
    },
    async (request) => {
      const today = request.query.today ?? serverToday();
      const snapshot = await registerSnapshot(app.db, request.params.org);
      const byId = new Map(snapshot.risks.map((stored) => [stored.risk.id, stored]));
      const found = attention(
        snapshot.matrix,
        snapshot.risks.map((stored) => stored.risk),
        today,
        request.query.top,
      );
      const present = (id: string) => presentRisk(snapshot.matrix, byId.get(id)!, snapshot.familyOf);
      return {
        today,
        top: found.top.map((risk) => present(risk.id)),
        aboveAppetiteWithoutTreatment: found.aboveAppetiteWithoutTreatment.map((risk) => present(risk.id)),
        overdueTreatments: found.overdueTreatments.map((item) => ({ ...item, title: byId.get(item.risk)!.risk.title })),
        notReviewed: found.notReviewed.map((item) => ({ ...item, title: byId.get(item.risk)!.risk.title })),
      };
    },
  );

  app.get(
    '/orgs/:org/risks/:id',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: { tags, summary: 'One risk, with scores and bands', params: ItemParams, response: { 200: RiskView, ...ERRORS } },
    },
    async (request) => {
      const { org, id } = request.params;
      const context = await presentationContext(app.db, org);
      const stored = await repository.getRisk(org, id);
      if (!stored) throw new RempartError('not_found', `No risk with id "${id}".`, [{ path: 'id', rule: 'exists', value: id, message: `no risk "${id}"` }]);
      return withAbilities(request, 'risks', presentRisk(context.matrix, stored, context.familyOf));
    },
  );

  app.put(
    '/orgs/:org/risks/:id',
    {
      config: { policy: { resource: 'risks', action: 'update' } },
      schema: {
        tags,
        summary: 'Replace a risk; a change of its inherent or residual rating appends an assessment',
        params: ItemParams,
        body: RiskBody,
        response: { 200: RiskView, ...ERRORS },
      },
    },
    async (request) => {
      const { by, ...risk } = request.body as z.output<typeof RiskWrite>;
      return withAbilities(request, 'risks', await replaceRisk(app.db, request.params.org, request.params.id, risk, by ?? subjectOf(request).memberName));
    },
  );

  app.delete(
    '/orgs/:org/risks/:id',
    {
      config: { policy: { resource: 'risks', action: 'delete' } },
      schema: { tags, summary: 'Delete a risk and its history', params: ItemParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      await deleteRisk(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/orgs/:org/risks/:id/history',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: { tags, summary: 'Assessments of a risk over time (oldest first)', params: ItemParams, response: { 200: RiskHistory, ...ERRORS } },
    },
    async (request) => {
      const { org, id } = request.params;
      const [items, matrix] = await Promise.all([riskHistory(app.db, org, id), readMatrix(app.db, org)]);
      // Scores are those of the time; bands are read from today's matrix, so a history stays comparable after a change.
      return { risk: id, items: items.map((item) => ({ ...item, inherent: rate(matrix, item.inherent), residual: rate(matrix, item.residual) })) };
    },
  );

  // ------------------------------------------------------------------------------------------------------------------
  // Spreadsheet

  app.get(
    '/orgs/:org/risks.sheet',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: {
        tags,
        summary: 'Export the register as a spreadsheet (CSV or XLSX), with computed scores and bands',
        params: OrgParams,
        querystring: SheetFormat,
        produces: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => {
      const format = request.query.format;
      const file = await exportRiskSheet(app.db, request.params.org, format);
      return reply.type(CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${request.params.org}-risks.${format}"`).send(file);
    },
  );

  app.post(
    '/orgs/:org/risks.sheet',
    {
      bodyLimit: SPREADSHEET_LIMIT,
      config: { policy: { resource: 'risks', action: 'import' }, accepts: SPREADSHEET_MEDIA_TYPES },
      schema: {
        tags,
        summary: 'Import risks from a spreadsheet (CSV or XLSX body): adds new ids, replaces existing ones; all or nothing',
        description:
          'Columns: ' +
          'id, title, title_fr, title_en, threat, assets (`site:paris; activity:claims-fnol`), cause, consequence, owner, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact (number or label), review_date (YYYY-MM-DD), scenarios (`;`-separated), treatments (one per line: `id | type | status | due | owner | L2 I3 | description`). Each problem names its `row`, `column`, `rule` and `value`.',
        params: OrgParams,
        querystring: ImportQuery,
        consumes: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
        response: { 200: RiskImportSummary, ...ERRORS },
      },
    },
    async (request) => {
      const format = formatOf(request.headers['content-type']);
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        throw new RempartError('invalid_input', 'The spreadsheet is empty.', [
          { path: 'body', rule: 'required', value: null, message: 'send the file as the body' },
        ]);
      return importRiskSheet(app.db, request.params.org, request.body, format, request.query.by ?? subjectOf(request).memberName);
    },
  );
};
