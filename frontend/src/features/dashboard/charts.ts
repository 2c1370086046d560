// ECharts options of the widgets, as plain objects (no ECharts import here, so the options can be
// tested without a canvas). Every data item carries its `drill`: a click on it opens the records
// table of exactly those tickets.
import type { Widget, WidgetKey, WidgetSlice } from '../../api/issue7-dashboard';

export type ChartKind = 'donut' | 'hbars' | 'vbars' | 'sunburst' | 'series' | 'none';

const kinds: Record<WidgetKey, ChartKind> = {
  status: 'donut',
  queue: 'donut',
  priority: 'donut',
  issue_type: 'sunburst',
  sla: 'vbars',
  agent_load: 'hbars',
  backlog_age: 'vbars',
  top_typifications: 'hbars',
  created_resolved: 'series',
  response_times: 'none',
};

export function chartKind(key: WidgetKey): ChartKind {
  return kinds[key];
}

/** Palette for slices the server gives no colour (queues, agents): distinguishable, AA on white. */
export const palette = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];

export function sliceColor(s: WidgetSlice, i: number): string {
  return s.color ?? palette[i % palette.length]!;
}

/** DrillDatum is a data item of a chart; ECharts hands it back on click. */
export interface DrillDatum {
  name: string;
  value: number;
  drill: string;
  itemStyle?: { color: string };
  children?: DrillDatum[];
}

function datum(s: WidgetSlice, i: number): DrillDatum {
  return { name: s.label, value: s.value, drill: s.drill, itemStyle: { color: sliceColor(s, i) } };
}

const tooltip = { trigger: 'item' as const, confine: true };

/** chartOption is the ECharts option of a widget, or null when it draws no chart. */
export function chartOption(w: Widget): Record<string, unknown> | null {
  const kind = chartKind(w.key);
  const slices = w.slices ?? [];
  switch (kind) {
    case 'donut':
      return {
        tooltip,
        series: [{ type: 'pie', radius: ['45%', '72%'], avoidLabelOverlap: true, label: { show: false }, data: slices.map(datum) }],
      };
    case 'sunburst':
      return {
        tooltip,
        series: [
          {
            type: 'sunburst',
            radius: ['15%', '90%'],
            label: { show: false },
            data: slices.map((s, i) => ({
              ...datum(s, i),
              children: (s.children ?? []).map((c) => ({ name: c.label, value: c.value, drill: c.drill })),
            })),
          },
        ],
      };
    case 'hbars':
    case 'vbars': {
      // Horizontal bars read top-down in rank order: ECharts draws the first category at the bottom.
      const ordered = kind === 'hbars' ? [...slices].reverse() : slices;
      const names = { type: 'category', data: ordered.map((s) => s.label), axisLabel: { width: 120, overflow: 'truncate' } };
      const values = { type: 'value', minInterval: 1 };
      return {
        tooltip,
        grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
        xAxis: kind === 'hbars' ? values : names,
        yAxis: kind === 'hbars' ? names : values,
        series: [{ type: 'bar', data: ordered.map((s) => datum(s, slices.indexOf(s))) }],
      };
    }
    case 'series': {
      const series = w.series ?? [];
      const xs = series[0]?.points.map((p) => p.x) ?? [];
      return {
        tooltip: { trigger: 'axis' as const, confine: true },
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: xs },
        yAxis: { type: 'value', minInterval: 1 },
        series: series.map((s, i) => ({
          type: i === 0 ? 'bar' : 'line',
          name: s.label,
          itemStyle: { color: palette[i % palette.length] },
          data: s.points.map((p) => ({ name: p.x, value: p.value, drill: p.drill })),
        })),
      };
    }
    default:
      return null;
  }
}

/** drillOf reads the drill of a clicked chart item (ECharts' event `data`). */
export function drillOf(data: unknown): string | null {
  if (typeof data === 'object' && data !== null && 'drill' in data && typeof data.drill === 'string') return data.drill;
  return null;
}
