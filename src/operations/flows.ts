// The flows Rempart ships (data/flows/*.json), read and checked once: a shipped flow that does not validate stops the
// server at start-up rather than a conversation in the middle.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FlowDocument, flowProblems, type FlowDocument as Flow } from '../model/flow.js';
import { problemsFromZod, type Problem } from '../model/problem.js';
import { DATA_DIR } from '../paths.js';
import type { Kysely } from 'kysely';
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

/** The flows an organisation's conversations may run: the shipped ones, and (soon) its own. */
export async function flowsOf(_db: Kysely<Database>, _orgId: string): Promise<FlowRegistry> {
  return shippedFlows();
}
