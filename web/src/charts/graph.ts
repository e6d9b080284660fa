// ECharts with only the graph series, for the dependency graph; loaded on demand.
import { GraphChart } from 'echarts/charts';
import { AriaComponent, DataZoomInsideComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([GraphChart, GridComponent, DataZoomInsideComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

export default echarts;
