// Ratings over time per impact category (ECharts, loaded on demand) with the intolerable level marked.
import type { Activity, BiaSettings } from '@shared/model/organisation.js';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { entityName } from '../lib/format.js';
import { useFormat, useLanguage } from '../lib/queries.js';
import { EChart } from './EChart.js';

const loadLine = () => import('../charts/line.js');
// Line colours at 3:1 or more against the white background (WCAG non-text contrast).
const PALETTE = ['#1864ab', '#c2255c', '#2b8a3e', '#b35900', '#5f3dc4', '#0b7285', '#862e9c', '#4f7f0b', '#a61e4d', '#364fc7'];

export function ImpactChart({ bia, impacts, suggestedIndex }: { bia: BiaSettings; impacts: Activity['impacts']; suggestedIndex: number }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const levelName = (value: number) => {
    const level = bia.scale.find((item) => item.value === value);
    return level ? entityName({ id: String(value), name: level.label, names: level.names }, language) : String(value);
  };
  const option = useMemo(() => {
    const times = bia.timePoints.map((hours) => format.duration(hours));
    const values = bia.scale.map((level) => level.value);
    const min = Math.min(...values);
    const max = Math.max(...values);
    return {
      aria: { enabled: true },
      color: PALETTE,
      animation: false,
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: number | null) => (value === null || value === undefined ? t('impact.notRated') : `${value} · ${levelName(value)}`),
      },
      legend: { type: 'scroll', bottom: 0, textStyle: { color: '#1a1b1e' } },
      grid: { left: 110, right: 24, top: 24, bottom: 56 },
      xAxis: { type: 'category', data: times, boundaryGap: false, axisLabel: { color: '#343a40' }, name: '', axisLine: { lineStyle: { color: '#495057' } } },
      yAxis: {
        type: 'value',
        min,
        max,
        interval: 1,
        axisLabel: { color: '#343a40', formatter: (value: number) => `${value} · ${levelName(value)}` },
        splitLine: { lineStyle: { color: '#e9ecef' } },
      },
      series: bia.categories.map((category, index) => ({
        type: 'line',
        name: entityName(category, language),
        data: bia.timePoints.map((_hours, point) => impacts[category.id]?.[point] ?? null),
        connectNulls: false,
        symbolSize: 7,
        lineStyle: { width: 2 },
        ...(index === 0
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                data: [
                  {
                    yAxis: bia.intolerable,
                    lineStyle: { color: '#c92a2a', width: 2, type: 'dashed' },
                    label: { formatter: t('impact.intolerableLine', { level: levelName(bia.intolerable) }), color: '#c92a2a', position: 'insideStartTop' },
                  },
                  ...(suggestedIndex >= 0
                    ? [
                        {
                          xAxis: suggestedIndex,
                          lineStyle: { color: '#343a40', width: 1, type: 'dotted' },
                          label: { formatter: t('impact.suggestedLine'), color: '#343a40', position: 'end' },
                        },
                      ]
                    : []),
                ],
              },
              markArea: {
                silent: true,
                itemStyle: { color: 'rgba(250, 82, 82, 0.08)' },
                data: [[{ yAxis: bia.intolerable }, { yAxis: max }]],
              },
            }
          : {}),
      })),
    };
  }, [bia, impacts, suggestedIndex, language, format, t]);
  return <EChart load={loadLine} option={option} height={320} label={t('impact.chartLabel')} />;
}
