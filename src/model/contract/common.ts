// Shapes every view shares: the caller's abilities on an item or a list, and pages.
import { z } from 'zod';

/** What the caller may do to an item or on a list (`update`, `delete`, `create`, …), computed from the policies. */
export const Abilities = z.record(z.string(), z.boolean()).meta({ id: 'Abilities', description: 'What the caller may do to this item, per action' });
export type Abilities = z.infer<typeof Abilities>;

/** Per resource and action: true, false, or the condition deciding per item (`"own"`: the activities the member owns). */
export const OrganisationAbilities = z
  .record(z.string(), z.record(z.string(), z.union([z.boolean(), z.string()])))
  .meta({ description: 'Per resource and action: true, false, or the condition deciding per item ("own": the activities the member owns)' });
export type OrganisationAbilities = z.infer<typeof OrganisationAbilities>;

/** A page of a list: its items, the cursor of the next page and the total. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int() });
}

/** A page of a list with what the caller may do on the list (`create`, `import`). */
export function listPageOf<T extends z.ZodType>(item: T) {
  return pageOf(item).extend({ abilities: Abilities.meta({ description: 'What the caller may do on the list (create, import)' }) });
}

/** The type of a page of `T` as the API sends it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/** Liveness and database readiness (`GET /api/health`): 200 when the database answers, 503 when it does not. */
export const Health = z
  .object({ status: z.enum(['ok', 'degraded']), database: z.object({ ready: z.boolean(), latencyMs: z.number() }) })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

/**
 * Readiness to take traffic (`GET /api/ready`): 200 when the database answers, every migration of this version is
 * applied and the backlog of jobs due is below the threshold; 503 otherwise, `failed` naming the checks that did not pass.
 */
export const Ready = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    failed: z.array(z.enum(['database', 'migrations', 'jobs'])).meta({ description: 'The checks that did not pass (empty when ready)' }),
    checks: z.object({
      database: z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() }),
      migrations: z.object({
        ok: z.boolean(),
        applied: z.number().int(),
        expected: z.number().int(),
        pending: z.array(z.string()).meta({ description: 'Migrations of this version not applied yet' }),
        unknown: z.array(z.string()).meta({ description: 'Applied migrations this version does not know (a newer version migrated the database)' }),
      }),
      jobs: z.object({
        ok: z.boolean(),
        backlog: z.number().int().meta({ description: 'Queued jobs whose time has come' }),
        threshold: z.number().int().meta({ description: 'REMPART_READY_MAX_BACKLOG: at or above it, not ready' }),
        oldestWaitSeconds: z.number().nullable().meta({ description: 'How long the oldest due job has waited' }),
      }),
    }),
  })
  .meta({ id: 'Ready' });
export type Ready = z.infer<typeof Ready>;
