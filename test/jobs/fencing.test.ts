// Fencing tokens in one process: two job runners share the database; the first stalls (its heartbeat ages past the
// limit), the second claims its job, and from then on every write of the first is refused and it stops. The same
// property the two-process SIGSTOP test checks on PostgreSQL, here on either database.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { JOB_HANDLERS } from '../../src/operations/jobs/handlers/index.js';
import { JobRunner } from '../../src/operations/jobs/runner.js';
import { exportModel } from '../../src/operations/model-writer.js';
import { runMonteCarloParallel } from '../../src/operations/montecarlo-workers.js';
import { cancelRun, enqueueRun, scenarioLibrary } from '../../src/operations/scenarios.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase } from '../support/database.js';

interface Write {
  runner: 1 | 2;
  /** An update of the job row that carried a fencing token, and how many rows it changed. */
  kind: 'fenced-update' | 'claim';
  rows: number;
  attempt?: number;
  finishes: boolean;
}

/** Records, in one shared order, the job writes each runner sends and what they changed. */
function recorder(runner: 1 | 2, log: Write[]): KyselyPlugin {
  const nodes = new WeakMap<object, RootOperationNode>();
  return {
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      nodes.set(queryId, node);
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const node = nodes.get(queryId);
      const text = JSON.stringify(node);
      // Fenced writes of the job row (heartbeats, the run's writes behind them, hand-backs, the finish).
      if (node?.kind === 'UpdateQueryNode' && text.includes('"jobs"') && text.includes('"attempt"'))
        log.push({ runner, kind: 'fenced-update', rows: Number(result.numAffectedRows ?? 0), finishes: text.includes('"finished_at"') });
      else if (node?.kind === 'RawNode' && text.includes('attempt = attempt + 1') && result.rows.length > 0)
        log.push({ runner, kind: 'claim', rows: result.rows.length, attempt: (result.rows[0] as { attempt: number }).attempt, finishes: false });
      return result;
    },
  };
}

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await actAs(SYSTEM, () => loadDemo(database.db, 'fenced'));
});
afterAll(async () => {
  await database?.close();
});

/** The run, and its job's claim number and checkpoint. */
const row = (id: string) =>
  database.db
    .selectFrom('scenario_runs as r')
    .innerJoin('jobs as j', 'j.id', 'r.id')
    .select(['r.status', 'j.attempt', 'r.attempt as runAttempt', 'r.progress', 'j.state as checkpoint', 'r.result', 'r.finished_at'])
    .where('r.org_id', '=', 'fenced')
    .where('r.id', '=', id)
    .executeTakeFirstOrThrow();

describe('fencing tokens', () => {
  it('refuses every write of a runner whose job was claimed again, and that runner stops', { timeout: 120_000 }, async () => {
    // Long enough for several turns of 0.3 s on one thread, however fast the engine gets.
    const runs = 30_000;
    const seed = 11;
    const job = await actAs(SYSTEM, () => enqueueRun(database.db, 'fenced', { kind: 'montecarlo', scenarios: ['pandemic-lockdown'], runs, seed }));
    const writes: Write[] = [];
    const messages: Array<{ runner: number; message: string }> = [];
    const runner = (n: 1 | 2) =>
      new JobRunner(database.db.withPlugin(recorder(n, writes)), JOB_HANDLERS, {
        workers: 1,
        turnSeconds: 0.3,
        log: (message) => messages.push({ runner: n, message }),
      });
    const first = runner(1);
    const second = runner(2);

    const firstDone = first.drain();
    // Let the first runner save a checkpoint, so the second has something to resume from.
    for (let current = await row(job.id); !current.checkpoint; current = await row(job.id)) {
      expect(current.status).not.toBe('done');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The stall: the first runner's heartbeat looks an hour old. It may beat again between the two statements; then
    // the second finds nothing to claim and we age the heartbeat again.
    let taken = 0;
    while (taken === 0) {
      await sql`update jobs set heartbeat_at = now() - interval '1 hour' where id = ${job.id}`.execute(database.db);
      taken = await second.drain();
    }
    expect(await firstDone).toBe(1);

    const final = await row(job.id);
    // The run's last writer was the second claim; the stall is counted as a failed attempt.
    expect(final).toMatchObject({ status: 'done', attempt: 2, runAttempt: 2, progress: 1, checkpoint: null });
    // The result is the uninterrupted job's: the second runner resumed from the first one's checkpoint.
    const scenario = (await scenarioLibrary()).find((s) => s.id === 'pandemic-lockdown')!;
    const expected = await runMonteCarloParallel(await exportModel(database.db, 'fenced'), scenario, { runs, seed, workers: 2 });
    expect(final.result).toEqual(JSON.parse(JSON.stringify(expected)));

    const reclaim = writes.findIndex((w) => w.runner === 2 && w.kind === 'claim');
    expect(writes[reclaim].attempt).toBe(2);
    const before = writes.slice(0, reclaim).filter((w) => w.runner === 1 && w.kind === 'fenced-update');
    const after = writes.slice(reclaim + 1).filter((w) => w.runner === 1);
    expect(before.some((w) => w.rows === 1)).toBe(true);
    // After the new claim: the first runner tried (it had work in flight), every try was refused, it never finished.
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((w) => w.kind === 'fenced-update' && w.rows === 0)).toBe(true);
    expect(after.some((w) => w.finishes)).toBe(false);
    // The second runner finished the job once.
    expect(writes.filter((w) => w.runner === 2 && w.finishes && w.rows === 1)).toHaveLength(1);
    expect(messages.filter((m) => m.runner === 1).map((m) => m.message)).toContain('job claimed by another process: this one stops and writes nothing more');
    expect(messages.filter((m) => m.runner === 2)).toEqual([]);
  });

  it('cancels at once a job handed back between two turns, and no runner claims it', async () => {
    const job = await actAs(SYSTEM, () => enqueueRun(database.db, 'fenced', { kind: 'montecarlo', scenarios: ['pandemic-lockdown'], runs: 500, seed: 1 }));
    // Handed back between turns: running, no heartbeat.
    await sql`update jobs set status = 'running', attempt = 3, heartbeat_at = null where id = ${job.id}`.execute(database.db);
    const cancelled = await actAs(SYSTEM, () => cancelRun(database.db, 'fenced', job.id));
    expect(cancelled.status).toBe('cancelled');
    // Nothing is left for a runner.
    expect(await new JobRunner(database.db, JOB_HANDLERS, { workers: 1 }).drain()).toBe(0);
    expect(await row(job.id)).toMatchObject({ status: 'cancelled', attempt: 3 });
  });
});
