import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Priority, UserRef } from '../../api/types';
import type { BoardFilters } from './boardState';
import { labelOf } from './catalog';

interface Props {
  filters: BoardFilters;
  priorities: readonly Priority[];
  users: readonly UserRef[];
  /** workflows: the choices of the workflow filter (none: no filter shown). */
  workflows?: readonly { id: number; name_es: string; name_en: string }[];
  onChange: (f: Partial<BoardFilters>) => void;
}

const searchDebounceMs = 300;

/** SearchBox commits its text after the user pauses typing. */
function SearchBox({ value, onCommit }: { value: string; onCommit: (q: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  if (value !== seen) {
    // The URL changed from elsewhere (back button, "clear").
    setSeen(value);
    setText(value);
  }
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
  return (
    <input
      data-testid="filter-q"
      className="toolbar__search"
      type="search"
      maxLength={200}
      placeholder={t('filters.search')}
      aria-label={t('filters.search')}
      value={text}
      onChange={(e) => {
        const v = e.target.value;
        setText(v);
        if (timer.current !== null) clearTimeout(timer.current);
        timer.current = setTimeout(() => onCommit(v), searchDebounceMs);
      }}
    />
  );
}

export function BoardToolbar({ filters, priorities, users, workflows = [], onChange }: Props) {
  const { t, i18n } = useTranslation();
  const any = filters.assignee !== null || filters.priority !== null || filters.q !== '' || Boolean(filters.workflow);
  return (
    <div className="toolbar" role="toolbar" aria-label={t('filters.label')}>
      <label className="toggle">
        <input
          data-testid="filter-mine"
          type="checkbox"
          checked={filters.assignee === 'me'}
          onChange={(e) => onChange({ assignee: e.target.checked ? 'me' : null })}
        />
        <span>{t('filters.mine')}</span>
      </label>
      <label className="toolbar__field">
        <span className="toolbar__label">{t('filters.assignee')}</span>
        <select data-testid="filter-assignee" value={filters.assignee ?? ''} onChange={(e) => onChange({ assignee: e.target.value || null })}>
          <option value="">{t('filters.anyone')}</option>
          <option value="me">{t('filters.me')}</option>
          <option value="none">{t('filters.unassigned')}</option>
          {users.map((u) => (
            <option key={u.id} value={String(u.id)}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label className="toolbar__field">
        <span className="toolbar__label">{t('filters.priority')}</span>
        <select
          data-testid="filter-priority"
          value={filters.priority === null ? '' : String(filters.priority)}
          onChange={(e) => onChange({ priority: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">{t('filters.anyPriority')}</option>
          {priorities.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {labelOf(p, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      {workflows.length > 0 && (
        <label className="toolbar__field">
          <span className="toolbar__label">{t('workflows.board.filter')}</span>
          <select
            data-testid="filter-workflow"
            value={filters.workflow ? String(filters.workflow) : ''}
            onChange={(e) => onChange({ workflow: e.target.value ? Number(e.target.value) : null })}
          >
            <option value="">{t('workflows.board.any')}</option>
            {workflows.map((w) => (
              <option key={w.id} value={String(w.id)}>
                {labelOf(w, i18n.language)}
              </option>
            ))}
          </select>
        </label>
      )}
      <SearchBox value={filters.q} onCommit={(q) => onChange({ q })} />
      {any && (
        <button type="button" className="btn btn--subtle" onClick={() => onChange({ assignee: null, priority: null, q: '', workflow: null })}>
          {t('filters.clear')}
        </button>
      )}
    </div>
  );
}
