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

/**
 * Common shape of the charts of the reports: categories and one or more series of numbers. Past eight categories the
 * bars lie down (names on the left, readable); legends go under the plot so they never cover it.
 */
export function barChart(
  categories: string[],
  series: Array<{ name: string; data: number[]; type?: 'bar' | 'line'; color?: string }>,
  options: { yName?: string; percent?: boolean; log?: boolean } = {},
) {
  const horizontal = categories.length > 8 && series.every((item) => item.type !== 'line');
  // One name a line: activities' names are long, and side by side they ran into each other.
  const legendRows = series.length > 1 ? series.length : 0;
  const legend = legendRows > 0 ? { bottom: 0, left: 20, orient: 'vertical', itemHeight: 8, textStyle: { fontSize: 9 } } : undefined;
  const value = {
    type: options.log ? 'log' : 'value',
    logBase: options.log ? 10 : undefined,
    name: options.yName,
    axisLabel: { fontSize: 9, formatter: options.percent ? '{value} %' : '{value}' },
    max: options.percent ? 100 : undefined,
  };
  const labels = series.length === 1 ? { show: true, position: horizontal ? 'right' : 'top', fontSize: 8 } : undefined;
  const shaped = series.map((item) => ({
    name: item.name,
    type: item.type ?? 'bar',
    data: item.data,
    itemStyle: item.color ? { color: item.color } : undefined,
    label: labels,
  }));
  if (horizontal)
    return {
      width: 520,
      height: Math.min(700, 40 + categories.length * series.length * 9 + legendRows * 16),
      option: {
        color: ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9'],
        legend,
        grid: { left: 180, right: 40, top: 10, bottom: 20 + legendRows * 16 },
        yAxis: { type: 'category', inverse: true, data: categories, axisLabel: { fontSize: 8, width: 135, overflow: 'truncate' } },
        xAxis: value,
        series: shaped,
      },
    };
  const rotate = categories.length > 5 ? 30 : 0;
  return {
    width: 520,
    height: 300 + legendRows * 16,
    option: {
      color: ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599'],
      legend,
      grid: { left: 60, right: 20, top: 30, bottom: (rotate ? 90 : 40) + legendRows * 16 },
      xAxis: { type: 'category', data: categories, axisLabel: { rotate, fontSize: 9, interval: 0, width: 110, overflow: 'truncate' } },
      yAxis: value,
      series: shaped,
    },
  };
}
