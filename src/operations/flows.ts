// The flows Rempart ships (data/flows/*.json), read and checked once: a shipped flow that does not validate stops the
// server at start-up rather than a conversation in the middle. Organisations add their own (JSON or YAML, checked
// whole, every revision kept); the shipped ones stay read-only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FlowDocument, flowProblems, type FlowDocument as Flow } from '../model/flow.js';
import { problemsFromZod, type Problem } from '../model/problem.js';
import { DATA_DIR } from '../paths.js';
import type { Kysely } from 'kysely';
import { parseDocument } from 'yaml';
import { RempartError } from '../errors.js';
import { recordAudit } from './audit.js';
import { notFound } from './model-writer.js';
import type { FlowRegistry } from '../engine/flow.js';
import type { Database } from '../store/schema.js';

/** Every problem of a flow document: its schema, then what the schema cannot say (steps, languages, variables). */
export function validateFlow(json: unknown, knownFlows: FlowRegistry = {}): { flow?: Flow; problems: Problem[] } {
  const parsed = FlowDocument.safeParse(json, { reportInput: true });
  if (!parsed.success) return { problems: problemsFromZod(new z.ZodError(closestBranches(parsed.error.issues)), json) };
  const problems = flowProblems(parsed.data, knownFlows);
  return problems.length > 0 ? { problems } : { flow: parsed.data, problems };
}

type Issue = z.core.$ZodIssue;

/**
 * "Invalid input" of a union says nothing a flow's author can act on: each union issue is replaced by the issues of
 * the branch the document came closest to (the one whose issues reach deepest, then the fewest), recursively.
 */
function closestBranches(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return [issue];
    const depth = (branch: readonly Issue[]) => Math.max(...branch.map((item) => item.path.length));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    return closestBranches(best.map((item) => ({ ...item, path: [...issue.path, ...item.path] })));
  });
}

let shipped: FlowRegistry | undefined;

/** The shipped flows by id. */
export function shippedFlows(): FlowRegistry {
  if (shipped) return shipped;
  const folder = join(DATA_DIR, 'flows');
  const documents = readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(folder, file), 'utf8')) as unknown }));
  const registry: Record<string, Flow> = {};
  for (const { file, json } of documents) {
    const { flow, problems } = validateFlow(json, Object.fromEntries(documents.map((d) => [(d.json as { id?: string }).id, d.json as Flow])));
    if (!flow) throw new Error(`data/flows/${file} is not a valid flow: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    registry[flow.id] = flow;
  }
  shipped = registry;
  return registry;
}

// ——— An organisation's own flows ———

/** How long a process trusts its copy of an organisation's flows: a flow saved in another process is seen within this. */
const FLOWS_TTL_MS = 2000;
const ownFlows = new Map<string, { at: number; registry: FlowRegistry }>();

/** One saved revision of an organisation's flow. */
export interface OrgFlowRevision {
  id: string;
  revision: number;
  version: string;
  createdBy: string;
  createdAt: string;
}

/**
 * The flows an organisation's conversations may run: the shipped ones and its own (the newest revision of each).
 * Kept per process for FLOWS_TTL_MS, so that a message does not read the flows again; a save in this process is seen
 * at once.
 */
export async function flowsOf(db: Kysely<Database>, orgId: string): Promise<FlowRegistry> {
  const cached = ownFlows.get(orgId);
  if (cached && Date.now() - cached.at < FLOWS_TTL_MS) return cached.registry;
  const rows = await db
    .selectFrom('org_flows')
    .select(['flow_id', 'doc'])
    .where('org_id', '=', orgId)
    .where(({ eb, selectFrom }) =>
      eb(
        'revision',
        '=',
        selectFrom('org_flows as newest')
          .select(({ fn }) => fn.max('newest.revision').as('revision'))
          .whereRef('newest.org_id', '=', 'org_flows.org_id')
          .whereRef('newest.flow_id', '=', 'org_flows.flow_id'),
      ),
    )
    .execute();
  // Without flows of its own, an organisation shares the one shipped registry (and what is worked out from it).
  const registry: FlowRegistry =
    rows.length === 0 ? shippedFlows() : { ...shippedFlows(), ...Object.fromEntries(rows.map((row) => [row.flow_id, row.doc as Flow])) };
  ownFlows.set(orgId, { at: Date.now(), registry });
  if (ownFlows.size > 1000) ownFlows.delete(ownFlows.keys().next().value!);
  return registry;
}

/** The organisation's own flows: each with its newest revision and their number. */
export async function listOwnFlows(db: Kysely<Database>, orgId: string): Promise<Array<OrgFlowRevision & { flow: Flow; revisions: number }>> {
  const rows = await db
    .selectFrom('org_flows')
    .select(['flow_id', 'revision', 'version', 'doc', 'created_by', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('flow_id')
    .orderBy('revision', 'desc')
    .execute();
  const newest = new Map<string, OrgFlowRevision & { flow: Flow; revisions: number }>();
  for (const row of rows) {
    const found = newest.get(row.flow_id);
    if (found) found.revisions++;
    else
      newest.set(row.flow_id, {
        id: row.flow_id,
        revision: row.revision,
        version: row.version,
        createdBy: row.created_by,
        createdAt: new Date(row.created_at).toISOString(),
        flow: row.doc as Flow,
        revisions: 1,
      });
  }
  return [...newest.values()];
}

/** Every revision of one of the organisation's flows, newest first; empty when it has none. */
export async function ownFlowRevisions(db: Kysely<Database>, orgId: string, flowId: string): Promise<Array<OrgFlowRevision & { flow: Flow }>> {
  const rows = await db
    .selectFrom('org_flows')
    .select(['flow_id', 'revision', 'version', 'doc', 'created_by', 'created_at'])
    .where('org_id', '=', orgId)
    .where('flow_id', '=', flowId)
    .orderBy('revision', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.flow_id,
    revision: row.revision,
    version: row.version,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    flow: row.doc as Flow,
  }));
}

/**
 * A flow document as a client sends it: JSON already parsed, or YAML (or JSON) text. A text that does not parse is
 * refused with the line and column of the problem.
 */
export function flowDocumentOf(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  const document = parseDocument(body, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0)
    throw new RempartError(
      'invalid_input',
      'The flow is neither JSON nor YAML that parses.',
      document.errors.slice(0, 20).map((error) => ({
        path: 'body',
        rule: 'yaml',
        value: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : null,
        message: error.message.split('\n')[0],
      })),
    );
  return document.toJS({ maxAliasCount: 100 });
}

/**
 * Saves a revision of one of the organisation's flows, checked whole (every problem with its path, under `body`):
 * the shipped flows cannot be replaced, `id` must be the one in the address when there is one, and another flow a
 * `goto` names must exist. `create` refuses an id already in use; an update refuses an id with no flow yet.
 */
export async function saveOwnFlow(
  db: Kysely<Database>,
  orgId: string,
  body: unknown,
  options: { id?: string; author: string; now?: Date },
): Promise<OrgFlowRevision & { flow: Flow }> {
  const json = flowDocumentOf(body);
  const id = options.id ?? (json && typeof json === 'object' && 'id' in json && typeof json.id === 'string' ? json.id : undefined);
  if (id !== undefined && Object.hasOwn(shippedFlows(), id))
    throw new RempartError('forbidden', `"${id}" is a shipped flow: it is read-only. Save your own under another id.`, [
      { path: options.id ? 'params.id' : 'body.id', rule: 'read_only', value: id, message: 'an id that is not a shipped flow’s' },
    ]);
  ownFlows.delete(orgId);
  const known = await flowsOf(db, orgId);
  const { flow, problems } = validateFlow(json, known);
  if (!flow)
    throw new RempartError(
      'invalid_input',
      `The flow has ${problems.length} problem(s).`,
      problems.slice(0, 500).map((problem) => ({ ...problem, path: problem.path ? `body.${problem.path}` : 'body' })),
    );
  if (options.id !== undefined && flow.id !== options.id)
    throw new RempartError('invalid_input', 'A flow’s id cannot change: save it under the new id.', [
      { path: 'body.id', rule: 'id_mismatch', value: flow.id, message: `must be "${options.id}", the id in the address` },
    ]);
  const saved = await db.transaction().execute(async (trx) => {
    // The organisation's row orders the saves of its flows (two saves of one flow would take the same revision).
    await trx.selectFrom('organisations').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    const last = await trx
      .selectFrom('org_flows')
      .select(({ fn }) => fn.max('revision').as('revision'))
      .where('org_id', '=', orgId)
      .where('flow_id', '=', flow.id)
      .executeTakeFirst();
    const previous = last?.revision ?? null;
    if (options.id === undefined && previous !== null)
      throw new RempartError('duplicate_id', `A flow with id "${flow.id}" already exists.`, [
        { path: 'body.id', rule: 'duplicate_id', value: flow.id, message: 'choose another id, or save a new revision with PUT' },
      ]);
    if (options.id !== undefined && previous === null) throw notFound('flow', flow.id);
    const revision = (previous ?? 0) + 1;
    const at = options.now ?? new Date();
    await trx
      .insertInto('org_flows')
      .values({ org_id: orgId, flow_id: flow.id, revision, version: flow.version, doc: JSON.stringify(flow), created_by: options.author, created_at: at })
      .execute();
    await recordAudit(trx, {
      org: orgId,
      action: previous === null ? 'create' : 'update',
      entityType: 'flow',
      entityId: flow.id,
      after: { revision, version: flow.version, steps: Object.keys(flow.steps).length },
    });
    return { id: flow.id, revision, version: flow.version, createdBy: options.author, createdAt: at.toISOString(), flow };
  });
  ownFlows.delete(orgId);
  return saved;
}

/** Removes one of the organisation's flows with all its revisions; the shipped ones cannot be removed. */
export async function deleteOwnFlow(db: Kysely<Database>, orgId: string, flowId: string): Promise<void> {
  if (Object.hasOwn(shippedFlows(), flowId))
    throw new RempartError('forbidden', `"${flowId}" is a shipped flow: it is read-only.`, [
      { path: 'params.id', rule: 'read_only', value: flowId, message: 'one of the organisation’s own flows' },
    ]);
  await db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('org_flows').where('org_id', '=', orgId).where('flow_id', '=', flowId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw notFound('flow', flowId);
    await recordAudit(trx, { org: orgId, action: 'delete', entityType: 'flow', entityId: flowId, after: { revisions: Number(removed.numDeletedRows) } });
  });
  ownFlows.delete(orgId);
}
