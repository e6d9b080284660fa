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
