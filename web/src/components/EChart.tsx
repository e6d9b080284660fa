// An ECharts chart whose library is imported only when the chart is first shown.
import { Center, Loader } from '@mantine/core';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

type EChartsModule = { init: (element: HTMLElement, theme?: string | object | null, options?: { renderer?: 'canvas' | 'svg' }) => EChartsType };

export interface EChartProps {
  /** The ECharts build with the chart types needed, e.g. `() => import('../charts/line.js')`. */
  load: () => Promise<{ default: EChartsModule }>;
  option: EChartsCoreOption;
  height: number;
  /** What the chart shows, for screen readers (the data is also available as a table or grid). */
  label: string;
  onItemClick?: (params: { dataType?: string; data?: unknown; name?: string }) => void;
}

export function EChart({ load, option, height, label, onItemClick }: EChartProps) {
  const { t } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void load().then(({ default: echarts }) => {
      if (disposed || !element.current) return;
      chart.current = echarts.init(element.current, null, { renderer: 'canvas' });
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(element.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [load]);

  useEffect(() => {
    if (ready) chart.current?.setOption(option, { notMerge: true });
  }, [ready, option]);

  useEffect(() => {
    const instance = chart.current;
    if (!ready || !instance || !onItemClick) return;
    const handler = (params: unknown) => onItemClick(params as { dataType?: string; data?: unknown; name?: string });
    instance.on('click', handler);
    return () => {
      instance.off('click', handler);
    };
  }, [ready, onItemClick]);

  return (
    // The name is on the wrapper: ECharts writes its own aria-label on the element it draws in.
    <div role="img" aria-label={label} style={{ position: 'relative', width: '100%', height }}>
      <div ref={element} style={{ width: '100%', height }} />
      {!ready ? (
        <Center style={{ position: 'absolute', inset: 0 }}>
          <Loader size="sm" aria-label={t('common.loadingChart')} />
        </Center>
      ) : null}
    </div>
  );
}
