// The numbers of a widget as text: every slice, point, figure and clock outcome with its value and a
// link to exactly its tickets. It is the widget's accessible form (the chart beside it is a picture of
// the same numbers) and what a user reads without hovering.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Widget, WidgetSlice } from '../../api/issue7-dashboard';
import { formatDuration } from '../sla/duration';
import { sliceColor } from './charts';
import { drillHref } from './filters';

/** shortDuration writes a time in its two largest units ("4h 30m"), the precision a median needs. */
export function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const step = s >= 86_400 ? 3_600 : s >= 3_600 ? 60 : 1;
  return formatDuration(Math.round(s / step) * step);
}

function SliceList({ widget, slices, parent }: { widget: Widget; slices: readonly WidgetSlice[]; parent?: string }) {
  const { i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <ul className={parent === undefined ? 'dash-list' : 'dash-list dash-list--nested'}>
      {slices.map((s, i) => {
        const id = parent === undefined ? s.id : `${parent}-${s.id}`;
        return (
          <li key={s.id} data-testid={`widget-${widget.key}-slice-${id}`} data-value={s.value}>
            <Link to={drillHref(s.drill)} className="dash-list__row">
              {parent === undefined && <span className="dash-list__swatch" style={{ background: sliceColor(s, i) }} aria-hidden="true" />}
              <span className="dash-list__label">{s.label}</span>
              <span className="dash-list__value">{nf.format(s.value)}</span>
            </Link>
            {s.children && s.children.length > 0 && <SliceList widget={widget} slices={s.children} parent={s.id} />}
          </li>
        );
      })}
    </ul>
  );
}

function Compliance({ widget }: { widget: Widget }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const pf = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const rows = widget.compliance ?? [];
  if (rows.length === 0) return null;
  return (
    <table className="dash-table">
      <caption>{t('dashboard.sla.compliance', { from: widget.from, to: widget.to })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dashboard.sla.clock')}</th>
          <th scope="col">{t('dashboard.sla.met')}</th>
          <th scope="col">{t('dashboard.sla.breached')}</th>
          <th scope="col">{t('dashboard.sla.percent')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.clock} data-testid={`widget-sla-compliance-${c.clock}`}>
            <th scope="row">{c.label}</th>
            <td data-testid={`widget-sla-compliance-${c.clock}-met`} data-value={c.met}>
              <Link to={drillHref(c.drill_met)}>{nf.format(c.met)}</Link>
            </td>
            <td data-testid={`widget-sla-compliance-${c.clock}-breached`} data-value={c.breached}>
              <Link to={drillHref(c.drill_breached)}>{nf.format(c.breached)}</Link>
            </td>
            <td data-testid={`widget-sla-compliance-${c.clock}-percent`}>{c.percent === null ? '—' : `${pf.format(c.percent)} %`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Stats({ widget }: { widget: Widget }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <div className="dash-tiles">
      {(widget.stats ?? []).map((s) => (
        <div key={s.id} className="dash-tile" data-testid={`widget-response_times-stat-${s.id}`}>
          <h3 className="dash-tile__title">{s.label}</h3>
          <dl className="dash-tile__figures">
            <div>
              <dt>{t('dashboard.times.median')}</dt>
              <dd data-testid={`widget-response_times-stat-${s.id}-median`}>{s.median_s === null ? '—' : shortDuration(s.median_s)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.times.p90')}</dt>
              <dd data-testid={`widget-response_times-stat-${s.id}-p90`}>{s.p90_s === null ? '—' : shortDuration(s.p90_s)}</dd>
            </div>
          </dl>
          <Link to={drillHref(s.drill)} className="dash-tile__count" data-testid={`widget-response_times-stat-${s.id}-count`} data-value={s.count}>
            {t('dashboard.times.count', { count: s.count, n: nf.format(s.count) })}
          </Link>
        </div>
      ))}
    </div>
  );
}

function SeriesTable({ widget }: { widget: Widget }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const series = widget.series ?? [];
  const xs = series[0]?.points.map((p) => p.x) ?? [];
  return (
    <div className="dash-table-wrap">
      <table className="dash-table">
        <caption className="visually-hidden">{t('dashboard.widgets.created_resolved')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.series.period')}</th>
            {series.map((s) => (
              <th key={s.id} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {xs.map((x, row) => (
            <tr key={x}>
              <th scope="row">{x}</th>
              {series.map((s) => {
                const p = s.points[row];
                return (
                  <td key={s.id} data-testid={`widget-created_resolved-${s.id}-${x}`} data-value={p?.value ?? 0}>
                    {p ? <Link to={drillHref(p.drill)}>{nf.format(p.value)}</Link> : '—'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** WidgetNumbers renders whichever parts the widget's answer carries. */
export function WidgetNumbers({ widget }: { widget: Widget }) {
  const { t } = useTranslation();
  const slices = widget.slices ?? [];
  const empty = widget.total === 0 && slices.length === 0 && (widget.series ?? []).length === 0 && (widget.stats ?? []).length === 0;
  return (
    <div className="dash-numbers">
      {slices.length > 0 && <SliceList widget={widget} slices={slices} />}
      {widget.key === 'sla' && <Compliance widget={widget} />}
      {(widget.stats ?? []).length > 0 && <Stats widget={widget} />}
      {(widget.series ?? []).length > 0 && <SeriesTable widget={widget} />}
      {empty && <p className="dash-empty">{t('dashboard.empty')}</p>}
    </div>
  );
}
