// Durations in hours, accepted as numbers or as "90m", "48h", "3d", "2w" (scenario-model §1).
import { z } from 'zod';

const UNIT_HOURS: Record<string, number> = { m: 1 / 60, h: 1, d: 24, w: 168 };
const DURATION_TEXT = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$/;

/** Converts "3d" to 72; returns undefined for text that is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_TEXT.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]) * UNIT_HOURS[match[2]];
  // Minutes are the only unit that can produce a fraction: keep 90m exactly 1.5h.
  return Math.round(hours * 1e9) / 1e9;
}

/** Writes hours the way a continuity manager reads them: "2w", "3d", "4h", else a number. */
export function formatDuration(hours: number): string | number {
  if (!Number.isInteger(hours) || hours === 0) return hours;
  if (hours % 168 === 0) return `${hours / 168}w`;
  if (hours % 24 === 0) return `${hours / 24}d`;
  return `${hours}h`;
}

/** A non-negative number of hours, written as a number or a duration text. */
export const Duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION_TEXT, { message: 'a duration such as 48, "90m", "48h", "3d" or "2w"' })])
  .transform((value) => (typeof value === 'number' ? value : parseDuration(value)!))
  .meta({ description: 'Hours, as a number or as "90m", "48h", "3d", "2w"' });
