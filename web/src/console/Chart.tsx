// One ECharts chart (canvas) that follows its container's size; only the chart kinds the
// dashboard draws are bundled. `data-rendered` turns true once ECharts has finished drawing.
import { BarChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';

echarts.use([
  BarChart,
  GaugeChart,
  LineChart,
  PieChart,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [rendered, setRendered] = useState(false);

  useEffect(() => {
    const container = element.current;
    if (!container) return;
    const instance = echarts.init(container, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('finished', () => setRendered(true));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(container);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return <div ref={element} role="img" aria-label={label} data-rendered={rendered} style={{ width: '100%', height }} />;
}
