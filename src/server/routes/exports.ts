// Spreadsheets of results (issue 17): a run's result (Monte Carlo, recommendation, simulation), the risk heat map and
// the audit trail, as CSV or XLSX, with headings in the reader's language. CSV is UTF-8 with a BOM, separated by `;`
// for French (whose spreadsheet software takes the comma as decimal mark) and `,` for English unless asked otherwise;
// durations are in hours, amounts in the organisation's currency, named in the heading.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { heatmap } from '../../engine/risk.js';
import { defaultSeparator, writeReport, type ReportCell, type ReportFormat, type ReportTable } from '../../interchange/report-table.js';
import { auditActionLabel, auditEntityLabel } from '../../model/audit-labels.js';
import type { MonteCarloResult, Recommendation, SimulationResult } from '../../model/contract/runs.js';
import { Id } from '../../model/organisation.js';
import { AssetType, ThreatFamily } from '../../model/risk.js';
import { listAudit } from '../../operations/audit.js';
import { auditEntityNames, entityKey } from '../../operations/audit-names.js';
import { notFound } from '../../operations/model-writer.js';
import { registerSnapshot } from '../../operations/risk-register.js';
import { getRun, type Run } from '../../operations/scenarios.js';
import { ModelRepository } from '../../store/model-repository.js';
import { OrgParams } from './shared.js';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
type Language = 'en' | 'fr';

const ExportFields = {
  format: z.enum(['csv', 'xlsx']).default('csv'),
  lang: z.enum(['en', 'fr']).default('en').meta({ description: 'Language of the headings and labels' }),
  separator: z
    .enum(['comma', 'semicolon'])
    .optional()
    .meta({ description: 'CSV separator; by default `semicolon` for French (with decimal commas), `comma` for English' }),
};
const ExportQuery = z.object(ExportFields).strict();

/** The most audit entries one export holds; narrow the period beyond that. */
const MAX_AUDIT_ROWS = 100_000;

/** Headings and words of the exports, in both languages. */
const WORDS = {
  activity: { en: 'Activity', fr: 'Activité' },
  id: { en: 'Id', fr: 'Identifiant' },
  name: { en: 'Name', fr: 'Nom' },
  breachProbability: { en: 'Probability of breaching the MTPD', fr: 'Probabilité de dépasser la DMIA' },
  p50: { en: 'Longest disruption, median (hours)', fr: 'Plus longue interruption, médiane (heures)' },
  p90: { en: 'Longest disruption, 90th percentile (hours)', fr: 'Plus longue interruption, 90e centile (heures)' },
  p99: { en: 'Longest disruption, 99th percentile (hours)', fr: 'Plus longue interruption, 99e centile (heures)' },
  mtpd: { en: 'MTPD (hours)', fr: 'DMIA (heures)' },
  runs: { en: 'Runs', fr: 'Tirages' },
  kind: { en: 'Line', fr: 'Ligne' },
  strategy: { en: 'Strategy', fr: 'Stratégie' },
  total: { en: 'Expected yearly cost', fr: 'Coût annuel attendu' },
  breach: { en: 'Remaining breach', fr: 'Dépassement restant' },
  scenario: { en: 'Scenario', fr: 'Scénario' },
  fixed: { en: 'Yearly standby cost', fr: 'Coût annuel de maintien' },
  perDay: { en: 'Cost per day in use', fr: 'Coût par jour d’utilisation' },
  longest: { en: 'Longest disruption (hours)', fr: 'Plus longue interruption (heures)' },
  firstDisrupted: { en: 'First disrupted at (hour)', fr: 'Première interruption à (heure)' },
  breachedMtpd: { en: 'MTPD breached', fr: 'DMIA dépassée' },
  yes: { en: 'yes', fr: 'oui' },
  no: { en: 'no', fr: 'non' },
  likelihood: { en: 'Likelihood', fr: 'Vraisemblance' },
  impact: { en: 'Impact', fr: 'Impact' },
  score: { en: 'Score', fr: 'Score' },
  band: { en: 'Band', fr: 'Niveau' },
  count: { en: 'Number of risks', fr: 'Nombre de risques' },
  risks: { en: 'Risks', fr: 'Risques' },
  seq: { en: 'Entry', fr: 'Entrée' },
  at: { en: 'When (UTC)', fr: 'Date (UTC)' },
  actor: { en: 'Actor', fr: 'Auteur' },
  action: { en: 'Action', fr: 'Action' },
  entityType: { en: 'Entity type', fr: 'Type d’élément' },
  entityId: { en: 'Entity id', fr: 'Identifiant de l’élément' },
  entityName: { en: 'Entity', fr: 'Élément' },
  source: { en: 'Address', fr: 'Adresse' },
  montecarlo: { en: 'Monte Carlo', fr: 'Monte Carlo' },
  recommendation: { en: 'Recommendation', fr: 'Recommandation' },
  downtimeCost: { en: 'Cost of downtime', fr: 'Coût des interruptions' },
  downtimeWithout: { en: 'Expected yearly cost of downtime without strategies', fr: 'Coût annuel attendu des interruptions sans stratégie' },
  downtimeWith: { en: 'Expected yearly cost of downtime with the strategies', fr: 'Coût annuel attendu des interruptions avec les stratégies' },
  simulation: { en: 'Simulation', fr: 'Simulation' },
  heatmap: { en: 'Heat map', fr: 'Carte de chaleur' },
  audit: { en: 'Audit log', fr: 'Journal d’audit' },
} as const;

function send(reply: FastifyReply, name: string, format: ReportFormat, file: Buffer) {
  return reply.type(CONTENT_TYPES[format]).header('content-disposition', `attachment; filename="${name}.${format}"`).send(file);
}

function nameOf(item: { id: string; name?: string; title?: string; names?: { en?: string; fr?: string } } | undefined, language: Language, id: string) {
  return item?.names?.[language] ?? item?.name ?? item?.title ?? id;
}

/** A run's result as a table; null while it has none. */
async function runTable(repository: ModelRepository, orgId: string, run: Run, language: Language, currency: string): Promise<ReportTable | null> {
  const w = (word: keyof typeof WORDS) => WORDS[word][language];
  const model = await repository.loadModel(orgId);
  const activity = (id: string) =>
    nameOf(
      model.activities.find((item) => item.id === id),
      language,
      id,
    );
  const mtpd = (id: string) => model.activities.find((item) => item.id === id)?.mtpd ?? null;
  if (!run.result) return null;
  if (run.kind === 'montecarlo') {
    const result = run.result as MonteCarloResult;
    return {
      sheet: w('montecarlo'),
      columns: [w('id'), w('activity'), w('breachProbability'), w('p50'), w('p90'), w('p99'), w('mtpd'), w('runs')],
      rows: [...result.activities]
        .sort((a, b) => b.breachProbability - a.breachProbability || a.id.localeCompare(b.id))
        .map((item) => [
          item.id,
          activity(item.id),
          item.breachProbability,
          item.longestDisruption.p50,
          item.longestDisruption.p90,
          item.longestDisruption.p99,
          mtpd(item.id),
          result.runs,
        ]),
    };
  }
  if (run.kind === 'recommendation') {
    const result = run.result as Recommendation;
    const strategy = (id: string) => model.strategies.find((item) => item.id === id);
    const rows: ReportCell[][] = result.strategies.map((id) => [
      w('strategy'),
      id,
      nameOf(strategy(id), language, id),
      strategy(id)?.cost.fixed ?? null,
      strategy(id)?.cost.perDay ?? null,
      null,
    ]);
    rows.push([w('total'), null, null, result.cost, null, null]);
    for (const breach of result.remainingBreaches)
      rows.push([w('breach'), breach.activity, activity(breach.activity), null, null, breach.scenario.id ?? String(breach.scenario.index + 1)]);
    // Beside the strategies' cost, what they avoid (recommendations stored before issue 15 have no such figures).
    const downtime = (result as Partial<Recommendation>).downtimeCost;
    if (downtime && downtime.valuedActivities > 0) {
      const scenario = (item: (typeof downtime.scenarios)[number]) => item.scenario.id ?? String(item.scenario.index + 1);
      rows.push([w('downtimeWithout'), null, null, downtime.withoutStrategies, null, null]);
      for (const item of downtime.scenarios) rows.push([w('downtimeWithout'), null, null, item.withoutStrategies, null, scenario(item)]);
      rows.push([w('downtimeWith'), null, null, downtime.withStrategies, null, null]);
      for (const item of downtime.scenarios) rows.push([w('downtimeWith'), null, null, item.withStrategies, null, scenario(item)]);
    }
    return {
      sheet: w('recommendation'),
      columns: [w('kind'), w('id'), w('name'), `${w('fixed')} (${currency})`, `${w('perDay')} (${currency})`, w('scenario')],
      rows,
    };
  }
  const result = run.result as SimulationResult;
  return {
    sheet: w('simulation'),
    columns: [w('id'), w('activity'), w('longest'), w('firstDisrupted'), w('mtpd'), w('breachedMtpd'), `${w('downtimeCost')} (${currency})`],
    rows: result.activities.map((item) => [
      item.id,
      activity(item.id),
      item.longestDisruption,
      item.firstDisrupted,
      mtpd(item.id),
      item.mtpdBreached ? w('yes') : w('no'),
      // Null without a cost per hour, and in results stored before issue 15.
      (item as Partial<typeof item>).downtimeCost ?? null,
    ]),
  };
}

export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  const repository = new ModelRepository(app.db);
  const produces = [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx];
  const separatorOf = (query: { lang: Language; separator?: 'comma' | 'semicolon' }) =>
    query.separator ? (query.separator === 'comma' ? ',' : ';') : defaultSeparator(query.lang);

  app.get(
    '/orgs/:org/runs/:run/result.sheet',
    {
      config: { policy: { resource: 'runs', action: 'read' } },
      schema: {
        tags: ['scenarios'],
        summary: 'A finished run’s result as a spreadsheet: per activity for Monte Carlo and simulations, the chosen strategies for a recommendation',
        params: z.object({ org: Id, run: z.uuid() }),
        querystring: ExportQuery,
        produces,
      },
    },
    async (request, reply) => {
      const { org, run: runId } = request.params;
      const [run, organisation] = await Promise.all([getRun(app.db, org, runId), repository.getOrganisation(org)]);
      if (!organisation) throw notFound('organisation', org);
      const table = await runTable(repository, org, run, request.query.lang, organisation.currency);
      if (!table) throw notFound('run result', runId);
      const file = await writeReport(table, request.query.format, separatorOf(request.query));
      return send(reply, `${org}-${run.kind}-${run.scenarios.join('-')}`.slice(0, 120), request.query.format, file);
    },
  );

  app.get(
    '/orgs/:org/risks/heatmap.sheet',
    {
      config: { policy: { resource: 'risks', action: 'read' } },
      schema: {
        tags: ['risks'],
        summary: 'The heat map as a spreadsheet: one line per cell of the matrix with its risks',
        params: OrgParams,
        querystring: z
          .object({
            ...ExportFields,
            rating: z.enum(['inherent', 'residual']).default('residual'),
            family: ThreatFamily.optional(),
            assetType: AssetType.optional(),
            assetId: Id.optional(),
          })
          .strict(),
        produces,
      },
    },
    async (request, reply) => {
      const { format, lang, separator, rating, ...filter } = request.query;
      const w = (word: keyof typeof WORDS) => WORDS[word][lang];
      const snapshot = await registerSnapshot(app.db, request.params.org);
      const risks = snapshot.risks.map((stored) => stored.risk);
      const map = heatmap(snapshot.matrix, risks, rating, filter, snapshot.familyOf);
      const level = (levels: typeof snapshot.matrix.likelihood, value: number) => {
        const found = levels.find((item) => item.value === value);
        return found ? `${value} – ${found.names?.[lang] ?? found.label}` : String(value);
      };
      const band = (id: string) => {
        const found = snapshot.matrix.bands.find((item) => item.id === id);
        return found ? (found.names?.[lang] ?? found.label) : id;
      };
      const title = (id: string) =>
        nameOf(
          risks.find((risk) => risk.id === id),
          lang,
          id,
        );
      const table: ReportTable = {
        sheet: w('heatmap'),
        columns: [w('likelihood'), w('impact'), w('score'), w('band'), w('count'), w('risks')],
        rows: map.cells.map((cell) => [
          level(snapshot.matrix.likelihood, cell.likelihood),
          level(snapshot.matrix.impact, cell.impact),
          cell.score,
          band(cell.band),
          cell.count,
          cell.risks.map((id) => `${title(id)} (${id})`).join(' | '),
        ]),
      };
      const file = await writeReport(table, format, separatorOf({ lang, separator }));
      return send(reply, `${request.params.org}-heatmap-${rating}`, format, file);
    },
  );

  app.get(
    '/orgs/:org/audit.sheet',
    {
      config: { policy: { resource: 'audit', action: 'read' } },
      schema: {
        tags: ['access'],
        summary: 'The audit trail as a spreadsheet, newest first, with the same filters as the list (at most 100,000 entries)',
        params: OrgParams,
        querystring: z
          .object({
            ...ExportFields,
            entity: z.string().max(40).optional(),
            entityId: z.string().max(200).optional(),
            actor: z.string().max(254).optional(),
            action: z.string().max(40).optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
          })
          .strict(),
        produces,
      },
    },
    async (request, reply) => {
      const { format, lang, separator, ...filters } = request.query;
      const w = (word: keyof typeof WORDS) => WORDS[word][lang];
      const rows: ReportCell[][] = [];
      let cursor: number | undefined;
      do {
        const page = await listAudit(app.db, request.params.org, { ...filters, limit: 5000, cursor });
        const names = await auditEntityNames(app.db, request.params.org, page.items, lang);
        for (const entry of page.items)
          rows.push([
            entry.seq,
            entry.at,
            entry.actor.label,
            auditActionLabel(entry.action, lang),
            auditEntityLabel(entry.entity.type, lang),
            entry.entity.id,
            names.get(entityKey(entry.entity.type, entry.entity.id)) ?? null,
            entry.source,
          ]);
        cursor = page.nextCursor === null ? undefined : Number(page.nextCursor);
      } while (cursor !== undefined && rows.length < MAX_AUDIT_ROWS);
      const table: ReportTable = {
        sheet: w('audit'),
        columns: [w('seq'), w('at'), w('actor'), w('action'), w('entityType'), w('entityId'), w('entityName'), w('source')],
        rows: rows.slice(0, MAX_AUDIT_ROWS),
      };
      const file = await writeReport(table, format, separatorOf({ lang, separator }));
      return send(reply, `${request.params.org}-audit`, format, file);
    },
  );
};
