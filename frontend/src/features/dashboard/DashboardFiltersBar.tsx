// The dashboard's filter bar: a period (presets or custom days) and the queue, category and channel,
// from the same catalogs the records table uses.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useCatalogs, useLabel } from '../catalog/useCatalogs';
import { activeOrCurrent } from '../tickets/useLookups';
import { deskToday, deskZone } from '../auth/deskZone';
import { periodDays, presets } from './filters';
import type { DashboardFilters, Preset } from './filters';

interface Props {
  filters: DashboardFilters;
  onChange: (f: DashboardFilters) => void;
}

const num = (v: string): number | null => (v === '' ? null : Number(v));
const str = (v: number | null): string => (v === null ? '' : String(v));

export function DashboardFiltersBar({ filters, onChange }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const catalogs = useCatalogs().data;
  const ids = { period: useId(), from: useId(), to: useId(), queue: useId(), category: useId(), channel: useId() };
  const shown = periodDays(filters, deskToday());
  const any = t('dashboard.filters.any');
  const setPeriod = (p: Preset) => {
    // Custom starts from the days the preset showed, so the numbers do not jump on the switch.
    if (p === 'custom') onChange({ ...filters, period: p, from: shown.from, to: shown.to });
    else onChange({ ...filters, period: p, from: null, to: null });
  };
  const select = (name: 'queue' | 'category' | 'channel', entries: readonly { id: number; active: boolean; name_es: string; name_en: string }[]) => (
    <div className="dash-filters__field">
      <label htmlFor={ids[name]}>{t(`dashboard.filters.${name}`)}</label>
      <select id={ids[name]} data-testid={`dash-filter-${name}`} value={str(filters[name])} onChange={(e) => onChange({ ...filters, [name]: num(e.target.value) })}>
        <option value="">{any}</option>
        {activeOrCurrent(entries, filters[name]).map((e) => (
          <option key={e.id} value={String(e.id)}>
            {label(e)}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <div className="dash-filters" role="search" aria-label={t('dashboard.filters.label')}>
      <div className="dash-filters__field">
        <label htmlFor={ids.period}>{t('dashboard.filters.period')}</label>
        <select id={ids.period} data-testid="dash-filter-period" value={filters.period} onChange={(e) => setPeriod(e.target.value as Preset)}>
          {presets.map((p) => (
            <option key={p} value={p}>
              {t(`dashboard.filters.presets.${p}`)}
            </option>
          ))}
        </select>
      </div>
      {filters.period === 'custom' ? (
        <>
          <div className="dash-filters__field">
            <label htmlFor={ids.from}>{t('dashboard.filters.from')}</label>
            <input
              id={ids.from}
              type="date"
              data-testid="dash-filter-from"
              value={shown.from}
              max={shown.to}
              onChange={(e) => e.target.value && onChange({ ...filters, from: e.target.value, to: shown.to })}
            />
          </div>
          <div className="dash-filters__field">
            <label htmlFor={ids.to}>{t('dashboard.filters.to')}</label>
            <input
              id={ids.to}
              type="date"
              data-testid="dash-filter-to"
              value={shown.to}
              min={shown.from}
              onChange={(e) => e.target.value && onChange({ ...filters, from: shown.from, to: e.target.value })}
            />
          </div>
        </>
      ) : (
        <p className="dash-filters__days" data-testid="dash-period-days">
          {t('dashboard.filters.days', { from: shown.from, to: shown.to, zone: deskZone() })}
        </p>
      )}
      {select('queue', catalogs?.queues ?? [])}
      {select('category', (catalogs?.categories ?? []).filter((c) => c.parent_id === null))}
      {select('channel', catalogs?.channels ?? [])}
    </div>
  );
}
