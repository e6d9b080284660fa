// Named commands of the risk register (threats, matrix, risks, assessments, spreadsheet, demo), each in one transaction.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { computeRisk, familyLookup, rerateRisks, riskProblems, sameRating, type FamilyOf, type RiskContext } from '../engine/risk.js';
import type { RiskImportSummary, RiskView, ThreatView } from '../model/contract/risk.js';
import { RempartError } from '../errors.js';
import { locateRiskProblem, parseRiskSheet, writeRiskSheet } from '../interchange/risk-sheet.js';
import type { TableFormat } from '../interchange/table-file.js';
import { problem, problemsFromZod, type Problem } from '../model/problem.js';
import {
  DEFAULT_RISK_MATRIX,
  RiskRegisterFile,
  ThreatCatalogue,
  type Risk,
  type RiskMatrix,
  type RiskMatrixChange,
  type Threat,
  type ThreatFamily,
} from '../model/risk.js';
import { DATA_DIR } from '../paths.js';
import { ModelRepository } from '../store/model-repository.js';
import { RiskRepository, type NewAssessment, type StoredRisk } from '../store/risk-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit, type AuditEvent } from './audit.js';
import { notFound } from './model-writer.js';

export type { RiskImportSummary, RiskView, ThreatView };

let catalogueCache: Promise<ThreatCatalogue> | undefined;

/** The shipped threat catalogue (data/threats.json), validated once per process. */
export function threatCatalogue(): Promise<ThreatCatalogue> {
  catalogueCache ??= (async () => {
    const json: unknown = JSON.parse(await readFile(join(DATA_DIR, 'threats.json'), 'utf8'));
    const parsed = ThreatCatalogue.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `data/threats.json is invalid: ${problemsFromZod(parsed.error, json)
          .map((p) => `${p.path} ${p.message}`)
          .join('; ')}`,
      );
    return parsed.data;
  })();
  return catalogueCache;
}

let libraryIdsCache: Promise<Set<string>> | undefined;

/** Ids of the shipped scenario library (data/scenarios), which any organisation may link a risk to. */
export function libraryScenarioIds(): Promise<Set<string>> {
  libraryIdsCache ??= (async () => {
    const folder = join(DATA_DIR, 'scenarios');
    const files = (await readdir(folder)).filter((file) => file.endsWith('.json'));
    const ids = await Promise.all(
      files.map(async (file) => {
        const json = JSON.parse(await readFile(join(folder, file), 'utf8')) as { id?: unknown };
        return typeof json.id === 'string' ? json.id : basename(file, '.json');
      }),
    );
    return new Set(ids);
  })();
  return libraryIdsCache;
}

async function requireOrganisation(db: Kysely<Database> | Transaction<Database>, orgId: string): Promise<void> {
  if (!(await new ModelRepository(db).getOrganisation(orgId))) throw notFound('organisation', orgId);
}

/** A change to put in the audit trail when the transaction's work is done. */
type RecordChange = (event: Omit<AuditEvent, 'org' | 'acting'>) => void;

/**
 * Risk writes of one organisation are serialised on its row, as model writes are, so that checks and writes agree;
 * what the work records joins the audit trail in the same transaction.
 */
async function inLockedOrganisation<T>(db: Kysely<Database>, orgId: string, work: (risks: RiskRepository, record: RecordChange) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    if (!(await new ModelRepository(trx).lockOrganisation(orgId))) throw notFound('organisation', orgId);
    const events: Array<Omit<AuditEvent, 'org' | 'acting'>> = [];
    const result = await work(new RiskRepository(trx), (event) => events.push(event));
    for (const event of events) await recordAudit(trx, { org: orgId, ...event });
    return result;
  });
}

async function storedMatrix(risks: RiskRepository, orgId: string): Promise<RiskMatrix> {
  return (await risks.getMatrix(orgId)) ?? DEFAULT_RISK_MATRIX;
}

/** The organisation's risk matrix (the default 5 × 5 until it is changed). */
export async function readMatrix(db: Kysely<Database>, orgId: string): Promise<RiskMatrix> {
  await requireOrganisation(db, orgId);
  return storedMatrix(new RiskRepository(db), orgId);
}

/** Shipped threats then the organisation's (or the shipped ones alone without an organisation), with the families. */
export async function listThreats(db: Kysely<Database>, orgId?: string): Promise<{ families: ThreatCatalogue['families']; items: ThreatView[] }> {
  const catalogue = await threatCatalogue();
  const shipped: ThreatView[] = catalogue.threats.map((threat) => ({ ...threat, source: 'shipped' }));
  if (orgId === undefined) return { families: catalogue.families, items: shipped };
  await requireOrganisation(db, orgId);
  const own = await new RiskRepository(db).listThreats(orgId);
  return { families: catalogue.families, items: [...shipped, ...own.map((threat): ThreatView => ({ ...threat, source: 'organisation' }))] };
}

export async function getThreat(db: Kysely<Database>, orgId: string, id: string): Promise<ThreatView> {
  await requireOrganisation(db, orgId);
  const shipped = (await threatCatalogue()).threats.find((threat) => threat.id === id);
  if (shipped) return { ...shipped, source: 'shipped' };
  const own = await new RiskRepository(db).getThreat(orgId, id);
  if (!own) throw notFound('threat', id);
  return { ...own, source: 'organisation' };
}

async function scenarioIds(risks: RiskRepository, orgId: string): Promise<Set<string>> {
  return new Set([...(await libraryScenarioIds()), ...(await risks.scenarioIds(orgId))]);
}

async function familyOf(risks: RiskRepository, orgId: string): Promise<FamilyOf> {
  return familyLookup([...(await threatCatalogue()).threats, ...(await risks.listThreats(orgId))]);
}

async function riskContext(risks: RiskRepository, orgId: string, matrix: RiskMatrix): Promise<RiskContext> {
  const [catalogue, own, assets, scenarios] = await Promise.all([
    threatCatalogue(),
    risks.listThreats(orgId),
    risks.assetIds(orgId),
    scenarioIds(risks, orgId),
  ]);
  return { matrix, threats: new Set([...catalogue.threats, ...own].map((threat) => threat.id)), assets, scenarios };
}

function readOnly(id: string): RempartError {
  return new RempartError('forbidden', `"${id}" is a threat of the shipped catalogue, which is read-only: add your own threat under another id.`, [
    { path: 'id', rule: 'read_only', value: id, message: 'shipped threats cannot be changed or deleted' },
  ]);
}

function duplicateThreat(id: string, shipped: boolean): RempartError {
  return new RempartError(
    'duplicate_id',
    shipped ? `"${id}" is the id of a shipped threat: choose another id.` : `The organisation already has a threat with id "${id}".`,
    [{ path: 'id', rule: 'unique', value: id, message: shipped ? 'used by the shipped catalogue' : 'already used' }],
  );
}

async function threatScenarioProblems(risks: RiskRepository, orgId: string, threat: Threat): Promise<void> {
  const known = await scenarioIds(risks, orgId);
  const problems = threat.scenarios.flatMap((id, index) =>
    known.has(id) ? [] : [problem(['scenarios', index], 'unknown_reference', id, `no scenario "${id}" in the library`)],
  );
  if (problems.length > 0) throw new RempartError('invalid_reference', 'The threat refers to scenarios that do not exist.', problems);
}

export async function createThreat(db: Kysely<Database>, orgId: string, threat: Threat): Promise<ThreatView> {
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    if ((await threatCatalogue()).threats.some((shipped) => shipped.id === threat.id)) throw duplicateThreat(threat.id, true);
    if (await risks.getThreat(orgId, threat.id)) throw duplicateThreat(threat.id, false);
    await threatScenarioProblems(risks, orgId, threat);
    await risks.insertThreat(orgId, threat);
    record({ action: 'create', entityType: 'threat', entityId: threat.id, after: threat });
    return { ...threat, source: 'organisation' };
  });
}

/** Replaces an organisation threat; renaming is refused while risks name the old id. */
export async function replaceThreat(db: Kysely<Database>, orgId: string, id: string, threat: Threat): Promise<ThreatView> {
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    const shipped = (await threatCatalogue()).threats;
    const before = await risks.getThreat(orgId, id);
    if (!before) throw shipped.some((t) => t.id === id) ? readOnly(id) : notFound('threat', id);
    if (threat.id !== id) {
      if (shipped.some((t) => t.id === threat.id)) throw duplicateThreat(threat.id, true);
      if (await risks.getThreat(orgId, threat.id)) throw duplicateThreat(threat.id, false);
      await refuseThreatInUse(risks, orgId, id, 'renamed');
    }
    await threatScenarioProblems(risks, orgId, threat);
    await risks.replaceThreat(orgId, id, threat);
    record({ action: 'update', entityType: 'threat', entityId: id, before, after: threat });
    return { ...threat, source: 'organisation' };
  });
}

export async function deleteThreat(db: Kysely<Database>, orgId: string, id: string): Promise<void> {
  await inLockedOrganisation(db, orgId, async (risks, record) => {
    const before = await risks.getThreat(orgId, id);
    if (!before) throw (await threatCatalogue()).threats.some((t) => t.id === id) ? readOnly(id) : notFound('threat', id);
    await refuseThreatInUse(risks, orgId, id, 'deleted');
    await risks.deleteThreat(orgId, id);
    record({ action: 'delete', entityType: 'threat', entityId: id, before });
  });
}

async function refuseThreatInUse(risks: RiskRepository, orgId: string, id: string, verb: string): Promise<void> {
  const using = await risks.risksOfThreat(orgId, id);
  if (using.length > 0)
    throw new RempartError(
      'in_use',
      `The threat "${id}" cannot be ${verb} while ${using.length} risk(s) name it; change those risks first.`,
      using.map((riskId) => problem(['risks', riskId, 'threat'], 'in_use', id, `risk "${riskId}" names threat "${id}"`)),
    );
}

/** Shows a stored risk with its scores, bands, target rating and latest assessment. */
export function presentRisk(matrix: RiskMatrix, stored: StoredRisk, families: FamilyOf): RiskView {
  return { ...stored.risk, computed: { ...computeRisk(matrix, stored.risk, families), assessedAt: stored.assessedAt, assessedBy: stored.assessedBy } };
}

/** Everything the register views need at once: the matrix, the risks in order and the threat families. */
export async function registerSnapshot(db: Kysely<Database>, orgId: string): Promise<{ matrix: RiskMatrix; risks: StoredRisk[]; familyOf: FamilyOf }> {
  await requireOrganisation(db, orgId);
  const repository = new RiskRepository(db);
  const [matrix, risks, families] = await Promise.all([storedMatrix(repository, orgId), repository.allRisks(orgId), familyOf(repository, orgId)]);
  return { matrix, risks, familyOf: families };
}

/** The matrix and family lookup to present risks of an organisation. */
export async function presentationContext(
  db: Kysely<Database>,
  orgId: string,
): Promise<{ matrix: RiskMatrix; familyOf: FamilyOf; threatsOfFamily(family: ThreatFamily): string[] }> {
  await requireOrganisation(db, orgId);
  const repository = new RiskRepository(db);
  const [matrix, catalogue, own] = await Promise.all([storedMatrix(repository, orgId), threatCatalogue(), repository.listThreats(orgId)]);
  const all = [...catalogue.threats, ...own];
  return { matrix, familyOf: familyLookup(all), threatsOfFamily: (family) => all.filter((threat) => threat.family === family).map((threat) => threat.id) };
}

function refuseRiskProblems(problems: Problem[]): void {
  if (problems.length > 0) throw new RempartError('invalid_reference', `The risk has ${problems.length} problem(s).`, problems);
}

function duplicateRisk(id: string): RempartError {
  return new RempartError('duplicate_id', `The organisation already has a risk with id "${id}".`, [
    { path: 'id', rule: 'unique', value: id, message: 'already used' },
  ]);
}

export async function createRisk(db: Kysely<Database>, orgId: string, risk: Risk, by?: string): Promise<RiskView> {
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    const matrix = await storedMatrix(risks, orgId);
    if (await risks.getRisk(orgId, risk.id)) throw duplicateRisk(risk.id);
    refuseRiskProblems(riskProblems(risk, await riskContext(risks, orgId, matrix)));
    await risks.insertRisk(orgId, risk);
    record({ action: 'create', entityType: 'risk', entityId: risk.id, after: { ...risk, ...(by ? { ratedBy: by } : {}) } });
    await risks.appendAssessments(orgId, [{ riskId: risk.id, by: by ?? null, reason: 'created', inherent: risk.inherent, residual: risk.residual }]);
    return presentRisk(matrix, (await risks.getRisk(orgId, risk.id))!, await familyOf(risks, orgId));
  });
}

/** Replaces a risk (renaming it when the body has another id); a change of rating appends an assessment. */
export async function replaceRisk(db: Kysely<Database>, orgId: string, id: string, risk: Risk, by?: string): Promise<RiskView> {
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    const matrix = await storedMatrix(risks, orgId);
    const existing = await risks.getRisk(orgId, id);
    if (!existing) throw notFound('risk', id);
    if (risk.id !== id && (await risks.getRisk(orgId, risk.id))) throw duplicateRisk(risk.id);
    refuseRiskProblems(riskProblems(risk, await riskContext(risks, orgId, matrix)));
    await risks.replaceRisk(orgId, id, risk);
    record({ action: 'update', entityType: 'risk', entityId: id, before: existing.risk, after: { ...risk, ...(by ? { ratedBy: by } : {}) } });
    if (!sameRating(existing.risk.inherent, risk.inherent) || !sameRating(existing.risk.residual, risk.residual))
      await risks.appendAssessments(orgId, [{ riskId: risk.id, by: by ?? null, reason: 'rated', inherent: risk.inherent, residual: risk.residual }]);
    return presentRisk(matrix, (await risks.getRisk(orgId, risk.id))!, await familyOf(risks, orgId));
  });
}

export async function deleteRisk(db: Kysely<Database>, orgId: string, id: string): Promise<void> {
  await inLockedOrganisation(db, orgId, async (risks, record) => {
    const before = await risks.getRisk(orgId, id);
    if (!before || !(await risks.deleteRisk(orgId, id))) throw notFound('risk', id);
    record({ action: 'delete', entityType: 'risk', entityId: id, before: before.risk });
  });
}

export async function riskHistory(db: Kysely<Database>, orgId: string, id: string) {
  await requireOrganisation(db, orgId);
  const repository = new RiskRepository(db);
  if (!(await repository.getRisk(orgId, id))) throw notFound('risk', id);
  return repository.history(orgId, id);
}

/**
 * Replaces the matrix and moves every rating to it (see `rerateRisks`). Refused whole when the mapping names levels
 * the current matrix lacks (400) or when risks use levels the new matrix lacks and the mapping does not move (409).
 */
export async function changeMatrix(db: Kysely<Database>, orgId: string, change: RiskMatrixChange): Promise<{ matrix: RiskMatrix; rerated: string[] }> {
  const { mapping, by, ...matrix } = change;
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    const previous = await storedMatrix(risks, orgId);
    const stored = await risks.allRisks(orgId);
    const result = rerateRisks(
      previous,
      matrix,
      mapping,
      stored.map((s) => s.risk),
    );
    if (result.mappingProblems.length > 0)
      throw new RempartError('invalid_input', 'The mapping names levels the current matrix does not have.', result.mappingProblems);
    if (result.removedLevels.length > 0) {
      const count = new Set(result.removedLevels.map((p) => p.path.split('.')[1])).size;
      throw new RempartError(
        'in_use',
        `The new matrix lacks levels that ${count} risk(s) use: add a mapping from each old level to a new one (e.g. "mapping": {"likelihood": {"5": 4}}), or re-rate those risks first.`,
        result.removedLevels,
      );
    }
    await risks.saveMatrix(orgId, matrix);
    const moved = result.risks.filter((risk, index) => risk !== stored[index].risk);
    if (moved.length > 0) await risks.upsertRisks(orgId, moved);
    const byId = new Map(result.risks.map((risk) => [risk.id, risk]));
    await risks.appendAssessments(
      orgId,
      result.rerated.map((riskId) => ({
        riskId,
        by: by ?? null,
        reason: 'matrix_changed',
        inherent: byId.get(riskId)!.inherent,
        residual: byId.get(riskId)!.residual,
      })),
    );
    record({ action: 'update', entityType: 'riskMatrix', entityId: orgId, before: previous, after: { ...matrix, rerated: result.rerated } });
    return { matrix, rerated: result.rerated };
  });
}

/**
 * Adds or replaces risks by id, leaving the others. All or nothing: one problem anywhere and nothing is written.
 * `locate` turns a problem of `risks[i]` into the caller's terms (a spreadsheet row and column).
 */
async function writeRisks(
  risks: RiskRepository,
  orgId: string,
  matrix: RiskMatrix,
  incoming: readonly Risk[],
  by: string | null,
  locate: (p: Problem) => Problem,
): Promise<RiskImportSummary> {
  const context = await riskContext(risks, orgId, matrix);
  const problems = incoming.flatMap((risk, index) =>
    riskProblems(risk, context).map((p) => locate({ ...p, path: `risks[${index}]${p.path.startsWith('[') ? '' : '.'}${p.path}` })),
  );
  if (problems.length > 0) throw new RempartError('invalid_reference', `The register has ${problems.length} problem(s); nothing was imported.`, problems);
  const existing = new Map((await risks.allRisks(orgId)).map((stored) => [stored.risk.id, stored.risk]));
  const assessments: NewAssessment[] = [];
  let created = 0;
  let rerated = 0;
  for (const risk of incoming) {
    const before = existing.get(risk.id);
    if (!before) created++;
    else if (sameRating(before.inherent, risk.inherent) && sameRating(before.residual, risk.residual)) continue;
    else rerated++;
    assessments.push({ riskId: risk.id, by, reason: before ? 'imported' : 'created', inherent: risk.inherent, residual: risk.residual });
  }
  await risks.upsertRisks(orgId, incoming);
  await risks.appendAssessments(orgId, assessments);
  return { created, updated: incoming.length - created, rerated };
}

/** Imports the register spreadsheet (CSV or XLSX): adds new ids, replaces existing ones; all or nothing. */
export async function importRiskSheet(
  db: Kysely<Database>,
  orgId: string,
  data: Buffer | Uint8Array,
  format: TableFormat,
  by?: string,
): Promise<RiskImportSummary> {
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    const matrix = await storedMatrix(risks, orgId);
    const sheet = await parseRiskSheet(data, format, matrix);
    if (sheet.problems.length > 0)
      throw new RempartError('invalid_input', `The spreadsheet has ${sheet.problems.length} problem(s); nothing was imported.`, sheet.problems);
    const summary = await writeRisks(risks, orgId, matrix, sheet.risks, by ?? null, (p) => locateRiskProblem(p, sheet.rowOf, sheet.columns));
    record({ action: 'import', entityType: 'risks', entityId: null, after: { ...summary, risks: sheet.risks.map((risk) => risk.id), format } });
    return summary;
  });
}

/** The register as a spreadsheet, with computed scores and bands for reading (ignored on import). */
export async function exportRiskSheet(db: Kysely<Database>, orgId: string, format: TableFormat): Promise<Buffer> {
  const { matrix, risks } = await registerSnapshot(db, orgId);
  return writeRiskSheet(
    risks.map((stored) => stored.risk),
    matrix,
    format,
  );
}

/** Who rated the demo risks: the demo insurer's Chief Risk Officer. */
const DEMO_ASSESSOR = 'Caroline Dupont';

/**
 * Replaces the organisation's register with the shipped demo register (data/demo/risks.json): default matrix,
 * the file's own threats, its risks with one assessment each. Call it after the demo model and scenarios are in.
 */
export async function loadDemoRisks(db: Kysely<Database>, orgId: string): Promise<{ risks: number }> {
  const json: unknown = JSON.parse(await readFile(join(DATA_DIR, 'demo', 'risks.json'), 'utf8'));
  const file = RiskRegisterFile.safeParse(json, { reportInput: true });
  if (!file.success) throw new RempartError('invalid_input', 'data/demo/risks.json does not match the register schema.', problemsFromZod(file.error, json));
  return inLockedOrganisation(db, orgId, async (risks, record) => {
    record({ action: 'load_demo', entityType: 'risks', entityId: null, after: { risks: file.data.risks.length, threats: file.data.threats.length } });
    await risks.deleteAllRisks(orgId);
    for (const threat of await risks.listThreats(orgId)) await risks.deleteThreat(orgId, threat.id);
    await risks.saveMatrix(orgId, DEFAULT_RISK_MATRIX);
    for (const threat of file.data.threats) await risks.insertThreat(orgId, threat);
    await writeRisks(risks, orgId, DEFAULT_RISK_MATRIX, file.data.risks, DEMO_ASSESSOR, (p) => p);
    return { risks: file.data.risks.length };
  });
}
