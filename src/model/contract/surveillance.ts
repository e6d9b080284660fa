// What the surveillance routes answer: daily aggregates with hidden (null) figures, and the settings.
import { z } from 'zod';

const Published = z.number().int().nullable().meta({ description: 'The count, or null when hidden (below k, or it would let a hidden one be worked out)' });

export const SurveillanceDay = z
  .object({
    day: z.string(),
    total: Published,
    cells: z.array(z.object({ department: z.string().nullable(), orientation: z.string(), ageRange: z.string(), count: Published })),
    byDepartment: z.array(z.object({ department: z.string().nullable(), count: Published })),
    byOrientation: z.array(z.object({ orientation: z.string(), count: Published })),
    byAgeRange: z.array(z.object({ ageRange: z.string(), count: Published })),
  })
  .meta({ id: 'SurveillanceDay' });

export const SurveillanceView = z
  .object({ k: z.number().int(), from: z.string(), to: z.string(), days: z.array(SurveillanceDay) })
  .meta({ id: 'SurveillanceView' });

export const NetworkSurveillanceView = SurveillanceView.extend({
  organisations: z.number().int().meta({ description: 'Organisations that share their aggregates with the network' }),
}).meta({ id: 'NetworkSurveillanceView' });

export const SurveillanceSettings = z
  .object({
    k: z.number().int().min(2).max(1000).meta({ description: 'The smallest count published (10 by default)' }),
    retentionDays: z.number().int().min(1).max(3650).meta({ description: 'Days a record is kept before it is purged (90 by default)' }),
    shareWithNetwork: z.boolean().meta({ description: 'Whether the deployment’s network view counts this organisation’s records' }),
  })
  .strict()
  .meta({ id: 'SurveillanceSettings' });
export type SurveillanceSettings = z.infer<typeof SurveillanceSettings>;
