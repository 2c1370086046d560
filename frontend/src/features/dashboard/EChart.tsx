// One ECharts chart. ECharts is imported only here, from the core with just the charts and
// components the widgets draw, and this module is loaded lazily by the dashboard: nothing of it
// reaches the initial bundle or the board.
import { BarChart, LineChart, PieChart, SunburstChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { drillOf } from './charts';

echarts.use([BarChart, LineChart, PieChart, SunburstChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface Props {
  option: Record<string, unknown>;
  label: string;
  onDrill: (drill: string) => void;
}

export default function EChart({ option, label, onDrill }: Props) {
  const el = useRef<HTMLDivElement | null>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const drillRef = useRef(onDrill);
  useEffect(() => {
    drillRef.current = onDrill;
  });

  useEffect(() => {
    const node = el.current;
    if (node === null) return;
    const c = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const d = drillOf((p as { data?: unknown }).data);
      if (d !== null) drillRef.current(d);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(node);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // A new answer replaces the data in place: the chart animates to the new numbers.
    chart.current?.setOption(option, { notMerge: false, replaceMerge: ['series'] });
  }, [option]);

  // The chart is a picture of the list beside it, which carries the same numbers and links as text.
  return <div ref={el} className="dash-chart" role="img" aria-label={label} />;
}
