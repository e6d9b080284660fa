// How a duration in hours reads, unit by unit: shared by the web app's formatter and the server's reports, so that
// "18 d 1 h" means the same on a page and in a PDF.

const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 168;

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week';

/**
 * The parts of a duration as people read it: whole weeks alone ("8 w"), else days and the hours left ("18 d 1 h"),
 * else hours ("4 h", "1.5 h"), else minutes below an hour. Hours are rounded to a tenth so that a Monte Carlo
 * percentile does not print as "18 d 1.0000001 h".
 */
export function durationPieces(hours: number): Array<{ unit: DurationUnit; value: number }> {
  if (hours > 0 && hours < 1) return [{ unit: 'minute', value: Math.round(hours * 60 * 100) / 100 }];
  const rounded = Math.round(hours * 10) / 10;
  if (rounded < HOURS_PER_DAY) return [{ unit: 'hour', value: rounded }];
  if (Number.isInteger(rounded) && rounded % HOURS_PER_WEEK === 0) return [{ unit: 'week', value: rounded / HOURS_PER_WEEK }];
  const days = Math.floor(rounded / HOURS_PER_DAY);
  const rest = Math.round((rounded - days * HOURS_PER_DAY) * 10) / 10;
  return rest === 0
    ? [{ unit: 'day', value: days }]
    : [
        { unit: 'day', value: days },
        { unit: 'hour', value: rest },
      ];
}
