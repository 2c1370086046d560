import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import '../../i18n';
import type { Widget } from '../../api/issue7-dashboard';
import { chartOption, drillOf } from './charts';
import type { DrillDatum } from './charts';
import { shortDuration, WidgetNumbers } from './WidgetNumbers';

const status: Widget = {
  key: 'status',
  total: 7,
  from: '2026-11-05',
  to: '2026-12-04',
  slices: [
    { id: '12', label: 'Sin atender', color: '#2563eb', value: 4, drill: 'status=12&open=true' },
    { id: '13', label: 'En curso', value: 2, drill: 'status=13&open=true' },
    { id: '19', label: 'Resuelto', value: 1, drill: 'status=19&resolved_from=2026-11-05&resolved_to=2026-12-04' },
  ],
  seq: 40,
};

const issueType: Widget = {
  key: 'issue_type',
  total: 3,
  from: '2026-11-05',
  to: '2026-12-04',
  slices: [
    {
      id: '5',
      label: 'Pedidos',
      value: 3,
      drill: 'category=5&open=true',
      children: [
        { id: '51', label: 'Retraso', value: 2, drill: 'subcategory=51&open=true' },
        { id: 'none', label: '(ninguna)', value: 1, drill: 'category=5&subcategory=none&open=true' },
      ],
    },
  ],
  seq: 40,
};

function html(w: Widget): string {
  return renderToStaticMarkup(createElement(MemoryRouter, null, createElement(WidgetNumbers, { widget: w })));
}

/** links maps each data-testid that wraps a link to [its value, its href]. */
function links(markup: string): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  const re = /data-testid="([^"]+)"[^>]*data-value="([^"]+)"[^>]*>\s*<a[^>]*href="([^"]+)"/g;
  for (const m of markup.matchAll(re)) out[m[1]!] = [m[2]!, m[3]!.replace(/&amp;/g, '&')];
  return out;
}

describe('a widget’s numbers as text', () => {
  it('every slice shows its value and links to the records table filtered to exactly its tickets', () => {
    expect(links(html(status))).toEqual({
      'widget-status-slice-12': ['4', '/tickets?status=12&open=true'],
      'widget-status-slice-13': ['2', '/tickets?status=13&open=true'],
      'widget-status-slice-19': ['1', '/tickets?status=19&resolved_from=2026-11-05&resolved_to=2026-12-04'],
    });
  });

  it('categories list their subcategories, each its own link', () => {
    const l = links(html(issueType));
    expect(l['widget-issue_type-slice-5']).toEqual(['3', '/tickets?category=5&open=true']);
    expect(l['widget-issue_type-slice-5-51']).toEqual(['2', '/tickets?subcategory=51&open=true']);
    expect(l['widget-issue_type-slice-5-none']?.[0]).toBe('1');
  });

  it('SLA compliance, response times and the created/resolved series are links too', () => {
    const sla: Widget = {
      key: 'sla',
      total: 5,
      from: '2026-11-05',
      to: '2026-12-04',
      slices: [{ id: 'breached', label: 'Vencido', value: 5, drill: 'sla_state=breached' }],
      compliance: [
        { clock: 'resolution', label: 'Resolución', met: 40, breached: 3, percent: 92.86, drill_met: 'sla_clock=resolution&sla_result=met', drill_breached: 'sla_clock=resolution&sla_result=breached' },
      ],
      seq: 1,
    };
    const m = html(sla);
    expect(links(m)['widget-sla-compliance-resolution-breached']).toEqual(['3', '/tickets?sla_clock=resolution&sla_result=breached']);
    expect(m).toMatch(/92[.,]9 %/);
    const times: Widget = {
      key: 'response_times',
      total: 40,
      from: '2026-11-05',
      to: '2026-12-04',
      stats: [{ id: 'first_response', label: 'Primera respuesta', count: 40, median_s: 3600, p90_s: 9000, drill: 'responded_from=2026-11-05&responded_to=2026-12-04' }],
      seq: 1,
    };
    const t = html(times);
    expect(t).toContain('href="/tickets?responded_from=2026-11-05&amp;responded_to=2026-12-04"');
    expect(t).toContain('>1h<');
    expect(t).toContain('>2h 30m<');
    const cr: Widget = {
      key: 'created_resolved',
      total: 3,
      from: '2026-12-01',
      to: '2026-12-02',
      series: [
        { id: 'created', label: 'Creados', points: [{ x: '2026-12-01', value: 2, drill: 'created_from=2026-12-01&created_to=2026-12-01' }] },
        { id: 'resolved', label: 'Resueltos', points: [{ x: '2026-12-01', value: 1, drill: 'resolved_from=2026-12-01&resolved_to=2026-12-01' }] },
      ],
      seq: 1,
    };
    expect(links(html(cr))['widget-created_resolved-resolved-2026-12-01']).toEqual(['1', '/tickets?resolved_from=2026-12-01&resolved_to=2026-12-01']);
  });

  it('times read in their two largest units', () => {
    expect(shortDuration(45)).toBe('45s');
    expect(shortDuration(3725)).toBe('1h 2m');
    expect(shortDuration(90_061)).toBe('1d 1h');
  });
});

describe('chart clicks drill down', () => {
  it('every slice of the donut carries its drill, which a click hands back', () => {
    const opt = chartOption(status) as { series: { type: string; data: DrillDatum[] }[] };
    expect(opt.series[0]!.type).toBe('pie');
    expect(opt.series[0]!.data.map((d) => [d.name, d.value, drillOf(d)])).toEqual([
      ['Sin atender', 4, 'status=12&open=true'],
      ['En curso', 2, 'status=13&open=true'],
      ['Resuelto', 1, 'status=19&resolved_from=2026-11-05&resolved_to=2026-12-04'],
    ]);
    expect(drillOf({ name: 'axis label' })).toBeNull();
    expect(drillOf(undefined)).toBeNull();
  });

  it('the sunburst’s rings drill into the category and into each subcategory', () => {
    const opt = chartOption(issueType) as { series: { type: string; data: DrillDatum[] }[] };
    const cat = opt.series[0]!.data[0]!;
    expect(drillOf(cat)).toBe('category=5&open=true');
    expect(cat.children?.map((c) => drillOf(c))).toEqual(['subcategory=51&open=true', 'category=5&subcategory=none&open=true']);
  });

  it('horizontal bars list in rank order top-down; response times draw no chart', () => {
    const top: Widget = { ...status, key: 'top_typifications' };
    const opt = chartOption(top) as { yAxis: { data: string[] }; series: { data: DrillDatum[] }[] };
    expect(opt.yAxis.data).toEqual(['Resuelto', 'En curso', 'Sin atender']);
    expect(opt.series[0]!.data.map((d) => d.value)).toEqual([1, 2, 4]);
    expect(chartOption({ ...status, key: 'response_times', slices: [] })).toBeNull();
  });
});
