// What the report routes answer: a report job's state and, once done, its file (size, name, download address).
import { z } from 'zod';
import { REPORT_FORMATS, REPORT_KINDS, REPORT_LANGUAGES, REPORT_STATUSES } from '../report.js';
import { Abilities, listPageOf } from './common.js';
import { ErrorCode } from './errors.js';

const Instant = z.iso.datetime({ offset: true });

export const ReportView = z
  .object({
    id: z.uuid(),
    kind: z.enum(REPORT_KINDS),
    format: z.enum(REPORT_FORMATS),
    lang: z.enum(REPORT_LANGUAGES),
    params: z.record(z.string(), z.unknown()).meta({ description: 'The kind’s parameters (the exercise, the scenario, …)' }),
    status: z.enum(REPORT_STATUSES),
    title: z.string().nullable().meta({ description: 'The report’s title, once generated' }),
    fileName: z.string().nullable(),
    size: z.number().int().nullable().meta({ description: 'Bytes of the file, once generated' }),
    download: z.string().nullable().meta({ description: 'Where to download the file (GET), once generated and while it is kept' }),
    error: z.object({ code: ErrorCode, message: z.string() }).nullable(),
    createdBy: z.string().nullable(),
    createdAt: Instant,
    finishedAt: Instant.nullable(),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'Report' });
export type ReportView = z.infer<typeof ReportView>;

export const ReportList = listPageOf(ReportView).meta({ id: 'ReportList' });
export type ReportList = z.infer<typeof ReportList>;

/** What a request answers: the report's id, to poll it. */
export const ReportAccepted = z.object({ id: z.uuid(), status: z.enum(REPORT_STATUSES) }).meta({ id: 'ReportAccepted' });
