// Reports (issue 15): what a client sends to have a report generated as a job — its kind, PDF or XLSX, French or
// English, and the kind's parameters; the views are in contract/reports.ts.
import { z } from 'zod';
import { Id } from './organisation.js';

/**
 * bia (activities, impacts over time, MTPD/RTO/RPO/MBCO, findings), riskRegister (with the heat map), exercise (one
 * exercise's objectives, participants, measured recovery against RTO, lessons and actions), committee (a scenario's
 * simulation, Monte Carlo and recommendation for the executive committee), managementReview (a review's agenda,
 * minutes, decisions and the programme's health).
 */
export const REPORT_KINDS = ['bia', 'riskRegister', 'exercise', 'committee', 'managementReview'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_FORMATS = ['pdf', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGUAGES = ['en', 'fr'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];
export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** The scenario a committee pack is about when the request names none: the demo's pandemic lockdown. */
export const DEFAULT_COMMITTEE_SCENARIO = 'pandemic-lockdown';
/** Monte Carlo runs a committee pack computes when no current run of the scenario is stored. */
export const DEFAULT_COMMITTEE_RUNS = 2000;

const common = {
  format: z.enum(REPORT_FORMATS).meta({ description: 'pdf (with charts) or xlsx (one sheet per table; no charts: exceljs cannot draw them)' }),
  lang: z.enum(REPORT_LANGUAGES).meta({ description: 'Language of every label, and the locale of amounts, durations and dates' }),
};

export const ReportRequest = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('bia'), ...common }).strict(),
    z.object({ kind: z.literal('riskRegister'), ...common }).strict(),
    z.object({ kind: z.literal('exercise'), ...common, exercise: z.uuid({ message: 'an exercise id (UUID)' }) }).strict(),
    z
      .object({
        kind: z.literal('committee'),
        ...common,
        scenario: Id.default(DEFAULT_COMMITTEE_SCENARIO).meta({ description: `The scenario (default ${DEFAULT_COMMITTEE_SCENARIO})` }),
        runs: z
          .number()
          .int()
          .min(100)
          .max(20_000)
          .default(DEFAULT_COMMITTEE_RUNS)
          .meta({ description: 'Monte Carlo runs computed when no run of the scenario on the current model is stored' }),
      })
      .strict(),
    z.object({ kind: z.literal('managementReview'), ...common, review: z.uuid({ message: 'a management review id (UUID)' }) }).strict(),
  ])
  .meta({ id: 'ReportRequest' });
export type ReportRequest = z.output<typeof ReportRequest>;

/** A report's parameters beyond kind, format and language, as stored with it. */
export type ReportParams = Omit<ReportRequest, 'kind' | 'format' | 'lang'>;
