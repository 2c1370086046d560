// The records table's filters: one control per API query parameter, all reading from and writing to
// the URL (through onChange).
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalogs, PersonRef, UserRef } from '../../api/types';
import type { Labelled } from '../catalog/useCatalogs';
import { drillChips } from './drillChips';
import type { DrillChip } from './drillChips';
import { activeFilterCount, noFilters } from './filters';
import type { TicketFilters } from './filters';
import { PersonPicker } from './PersonPicker';
import { activeOrCurrent } from './useLookups';

interface Props {
  filters: TicketFilters;
  catalogs: Catalogs | undefined;
  users: readonly UserRef[];
  /** pickRequester: the requester filter searches people (people.view). */
  pickRequester: boolean;
  label: (e: Labelled) => string;
  /** requesterName names the requester filter's person (known from the rows). */
  requesterName: string | null;
  onChange: (patch: Partial<TicketFilters>) => void;
  onPickRequester: (p: PersonRef | null) => void;
}

const searchDebounceMs = 300;

/** SearchBox commits its text after the user pauses typing for 300 ms. */
function SearchBox({ value, onCommit }: { value: string; onCommit: (q: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  if (value !== seen) {
    // The URL changed from elsewhere (back button, a saved view, "clear").
    setSeen(value);
    setText(value);
  }
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return (
    <input
      data-testid="filter-q"
      className="tickets-filters__search"
      type="search"
      maxLength={200}
      placeholder={t('tickets.filters.search')}
      aria-label={t('tickets.filters.search')}
      value={text}
      onChange={(e) => {
        const v = e.target.value;
        setText(v);
        if (timer.current !== null) clearTimeout(timer.current);
        timer.current = setTimeout(() => onCommit(v), searchDebounceMs);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          if (timer.current !== null) clearTimeout(timer.current);
          onCommit(text);
        }
      }}
    />
  );
}

interface SelectProps {
  name: string;
  label: string;
  value: string;
  anyLabel: string;
  onChange: (v: string) => void;
  children: ReactNode;
  disabled?: boolean;
}

function FilterSelect({ name, label, value, anyLabel, onChange, children, disabled }: SelectProps) {
  const id = useId();
  return (
    <div className="tickets-filters__field">
      <label htmlFor={id} className="tickets-filters__label">
        {label}
      </label>
      <select id={id} data-testid={`filter-${name}`} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        <option value="">{anyLabel}</option>
        {children}
      </select>
    </div>
  );
}

/** DrillChips shows the dashboard's drill-down filters of the view, each removable on its own. */
function DrillChips({ filters, onChange }: { filters: TicketFilters; onChange: (patch: Partial<TicketFilters>) => void }) {
  const { t } = useTranslation();
  const chips = drillChips(filters);
  if (chips.length === 0) return null;
  const text = (c: DrillChip) => {
    const values = { ...c.values };
    if (values.clock !== undefined) values.clock = t(`tickets.chips.clock.${values.clock}`);
    if (values.result !== undefined) values.result = t(`tickets.chips.result.${values.result}`);
    return t(c.label, values);
  };
  return (
    <ul className="tickets-chips" aria-label={t('tickets.chips.label')}>
      {chips.map((c) => {
        const label = text(c);
        return (
          <li key={c.id} className="tickets-chip" data-testid={`filter-chip-${c.id}`}>
            <span>{label}</span>
            <button
              type="button"
              className="tickets-chip__remove"
              aria-label={t('tickets.chips.remove', { label })}
              data-testid={`filter-chip-remove-${c.id}`}
              onClick={() => onChange(c.remove)}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

const num = (v: string): number | null => (v === '' ? null : Number(v));
const str = (v: number | null): string => (v === null ? '' : String(v));

export function TicketFiltersBar({ filters, catalogs, users, pickRequester, label, requesterName, onChange, onPickRequester }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const fromId = useId();
  const toId = useId();
  const panelId = useId();
  const count = activeFilterCount(filters);
  const any = t('tickets.filters.any');
  const options = <T extends { id: number; active: boolean } & Labelled>(entries: readonly T[] | undefined, current: number | null) =>
    activeOrCurrent(entries, current).map((e) => (
      <option key={e.id} value={String(e.id)}>
        {label(e)}
      </option>
    ));
  const categories = (catalogs?.categories ?? []).filter((c) => c.parent_id === null);
  const subcategories = (catalogs?.categories ?? []).filter((c) => c.parent_id !== null && (filters.category === null || c.parent_id === filters.category));

  return (
    <div className="tickets-filters" role="search" aria-label={t('tickets.filters.label')}>
      <div className="tickets-filters__top">
        <SearchBox value={filters.q} onCommit={(q) => onChange({ q })} />
        <button
          type="button"
          className="btn tickets-filters__toggle"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
        >
          {count > 0 ? t('tickets.filters.toggleCount', { n: count }) : t('tickets.filters.toggle')}
        </button>
      </div>
      <DrillChips filters={filters} onChange={onChange} />
      <div id={panelId} className={`tickets-filters__panel${open ? ' tickets-filters__panel--open' : ''}`}>
        <FilterSelect name="status" label={t('ticket.fields.status_id')} anyLabel={any} value={str(filters.status)} onChange={(v) => onChange({ status: num(v) })}>
          {options(catalogs?.statuses, filters.status)}
        </FilterSelect>
        <FilterSelect name="priority" label={t('ticket.fields.priority_id')} anyLabel={any} value={str(filters.priority)} onChange={(v) => onChange({ priority: num(v) })}>
          {options(catalogs?.priorities, filters.priority)}
        </FilterSelect>
        <FilterSelect name="queue" label={t('ticket.fields.queue_id')} anyLabel={any} value={str(filters.queue)} onChange={(v) => onChange({ queue: num(v) })}>
          {options(catalogs?.queues, filters.queue)}
        </FilterSelect>
        <FilterSelect name="channel" label={t('ticket.fields.channel_id')} anyLabel={any} value={str(filters.channel)} onChange={(v) => onChange({ channel: num(v) })}>
          {options(catalogs?.channels, filters.channel)}
        </FilterSelect>
        <FilterSelect name="category" label={t('ticket.fields.category_id')} anyLabel={any} value={str(filters.category)} onChange={(v) => onChange({ category: num(v) })}>
          {options(categories, filters.category)}
        </FilterSelect>
        <FilterSelect
          name="subcategory"
          label={t('ticket.fields.subcategory_id')}
          anyLabel={any}
          value={str(filters.subcategory)}
          onChange={(v) => onChange({ subcategory: num(v) })}
        >
          {options(subcategories, filters.subcategory)}
        </FilterSelect>
        <FilterSelect name="assignee" label={t('ticket.fields.assignee_id')} anyLabel={any} value={filters.assignee ?? ''} onChange={(v) => onChange({ assignee: v || null })}>
          <option value="me">{t('tickets.filters.me')}</option>
          <option value="none">{t('ticket.unassigned')}</option>
          {users.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.name}
            </option>
          ))}
        </FilterSelect>
        {pickRequester && (
          <div className="tickets-filters__field tickets-filters__field--person">
            <PersonPicker
              label={t('ticket.fields.requester_id')}
              testId="filter-requester"
              clearable
              value={filters.requester === null ? null : { id: filters.requester, name: requesterName ?? `#${filters.requester}`, email: '' }}
              onChange={onPickRequester}
            />
          </div>
        )}
        <div className="tickets-filters__field">
          <label htmlFor={fromId} className="tickets-filters__label">
            {t('tickets.filters.createdFrom')}
          </label>
          <input
            id={fromId}
            data-testid="filter-created_from"
            type="date"
            value={filters.created_from ?? ''}
            max={filters.created_to ?? undefined}
            onChange={(e) => onChange({ created_from: e.target.value || null })}
          />
        </div>
        <div className="tickets-filters__field">
          <label htmlFor={toId} className="tickets-filters__label">
            {t('tickets.filters.createdTo')}
          </label>
          <input
            id={toId}
            data-testid="filter-created_to"
            type="date"
            value={filters.created_to ?? ''}
            min={filters.created_from ?? undefined}
            onChange={(e) => onChange({ created_to: e.target.value || null })}
          />
        </div>
        {count > 0 && (
          <button type="button" className="btn btn--subtle" data-testid="filter-clear" onClick={() => onChange({ ...noFilters, sort: filters.sort })}>
            {t('tickets.filters.clear')}
          </button>
        )}
      </div>
    </div>
  );
}
