// What every report builder shares: the organisation it reports on, the reader's language, and the document's frame.
import type { Kysely } from 'kysely';
import type { ReportBlock, ReportDocument } from '../../interchange/report-document.js';
import type { ReportLanguage } from '../../model/report.js';
import type { OrganisationRecord } from '../../store/model-repository.js';
import type { Database } from '../../store/schema.js';
import { REPORT_WORDS, type ReportWords } from './words.js';

export interface ReportContext {
  db: Kysely<Database>;
  org: OrganisationRecord;
  language: ReportLanguage;
  now: Date;
  /** Threads the CPU-bound parts (Monte Carlo, recommendation) may use. */
  workers: number;
  signal?: AbortSignal;
}

/** A built report: its document, and the stem of its file's name ("bia-2026-12-06"). */
export interface BuiltReport {
  document: ReportDocument;
  fileStem: string;
}

export function wordsOf(context: ReportContext): ReportWords {
  return REPORT_WORDS[context.language];
}

/** An entity's name in the reader's language, else its reference name, else its id. */
export function nameIn(language: ReportLanguage, entity: { id: string; name?: string; names?: { en?: string; fr?: string } } | undefined, id = ''): string {
  if (!entity) return id;
  return entity.names?.[language] ?? entity.name ?? entity.id;
}

export function frame(context: ReportContext, kind: string, title: string, blocks: ReportBlock[]): ReportDocument {
  const words = wordsOf(context);
  return {
    title,
    subtitle: `${kind} · ${nameIn(context.language, context.org)}`,
    language: context.language,
    currency: context.org.currency,
    generatedAt: context.now.toISOString(),
    blocks,
    summarySheet: words.summarySheet,
    chartsNote: words.chartsNote,
  };
}

/** "claims-handling" style stems for file names: ASCII, no spaces. */
export function fileStem(...parts: string[]): string {
  return parts
    .join('-')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
}

/** Common shape of the bar charts of the reports: categories on x, one or more series of numbers. */
export function barChart(
  categories: string[],
  series: Array<{ name: string; data: number[]; type?: 'bar' | 'line'; color?: string }>,
  options: { horizontalLabels?: boolean; yName?: string; percent?: boolean; height?: number } = {},
) {
  const rotate = categories.length > 6 ? 35 : 0;
  return {
    width: 520,
    height: options.height ?? 300,
    option: {
      color: ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9'],
      legend: series.length > 1 ? { top: 0, textStyle: { fontSize: 10 } } : undefined,
      grid: { left: 60, right: 20, top: 30, bottom: rotate ? 110 : 40 },
      xAxis: { type: 'category', data: categories, axisLabel: { rotate, fontSize: 9, interval: 0, width: 120, overflow: 'truncate' } },
      yAxis: {
        type: 'value',
        name: options.yName,
        axisLabel: { fontSize: 9, formatter: options.percent ? '{value} %' : '{value}' },
        max: options.percent ? 100 : undefined,
      },
      series: series.map((item) => ({
        name: item.name,
        type: item.type ?? 'bar',
        data: item.data,
        itemStyle: item.color ? { color: item.color } : undefined,
        label: series.length === 1 ? { show: true, position: 'top', fontSize: 8 } : undefined,
      })),
    },
  };
}
