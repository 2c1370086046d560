// PersonPicker: a combobox that finds people by name or email (GET /people?q=, staff only), for the
// requester filter and the requester and affected fields.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { PersonRef } from '../../api/types';

interface Props {
  label: string;
  /** hideLabel keeps the label for screen readers only. */
  hideLabel?: boolean;
  value: PersonRef | null;
  onChange: (p: PersonRef | null) => void;
  clearable?: boolean;
  testId: string;
  describedBy?: string;
  invalid?: boolean;
  autoFocus?: boolean;
  onEscape?: () => void;
  disabled?: boolean;
}

const debounceMs = 300;
const minChars = 2;

export function PersonPicker({ label, hideLabel, value, onChange, clearable, testId, describedBy, invalid, autoFocus, onEscape, disabled }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const listId = `${id}-list`;
  const shownName = value?.name ?? '';
  const [text, setText] = useState(shownName);
  const [seen, setSeen] = useState(shownName);
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  if (shownName !== seen) {
    // The value changed from outside (a live update, the back button).
    setSeen(shownName);
    setText(shownName);
  }
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  const found = useQuery({
    queryKey: ['people', q],
    queryFn: ({ signal }) => api.people(q, signal).then((r) => r.items),
    enabled: q.length >= minChars,
    staleTime: 60_000,
  });
  const options = q.length >= minChars ? (found.data ?? []) : [];
  const expanded = open && (options.length > 0 || (q.length >= minChars && !found.isFetching));

  const pick = (p: PersonRef) => {
    setOpen(false);
    setText(p.name);
    setQ('');
    onChange(p);
  };

  return (
    <div className="picker">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'picker__label'}>
        {label}
      </label>
      <div className="picker__row">
        <input
          id={id}
          data-testid={testId}
          type="search"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && options[active] ? `${id}-opt-${options[active].id}` : undefined}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          autoComplete="off"
          placeholder={t('tickets.people.placeholder')}
          value={text}
          disabled={disabled}
          autoFocus={autoFocus}
          onChange={(e) => {
            const v = e.target.value;
            setText(v);
            setOpen(true);
            setActive(0);
            if (timer.current !== null) clearTimeout(timer.current);
            timer.current = setTimeout(() => setQ(v.trim()), debounceMs);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && options.length > 0) {
              e.preventDefault();
              setOpen(true);
              setActive((a) => (a + 1) % options.length);
            } else if (e.key === 'ArrowUp' && options.length > 0) {
              e.preventDefault();
              setActive((a) => (a - 1 + options.length) % options.length);
            } else if (e.key === 'Enter') {
              const p = options[active];
              if (expanded && p) {
                e.preventDefault();
                pick(p);
              }
            } else if (e.key === 'Escape') {
              if (expanded) {
                e.preventDefault();
                setOpen(false);
              } else {
                setText(shownName);
                onEscape?.();
              }
            }
          }}
        />
        {clearable && value !== null && !disabled && (
          <button
            type="button"
            className="btn btn--ghost picker__clear"
            aria-label={t('tickets.people.clear', { name: shownName })}
            onClick={() => {
              setText('');
              setQ('');
              onChange(null);
            }}
          >
            ×
          </button>
        )}
      </div>
      {expanded && (
        <ul id={listId} role="listbox" className="picker__list" aria-label={label}>
          {options.length === 0 ? (
            <li className="picker__empty" role="presentation">
              {t('tickets.people.none')}
            </li>
          ) : (
            options.map((p, i) => (
              <li
                key={p.id}
                id={`${id}-opt-${p.id}`}
                role="option"
                aria-selected={i === active}
                className={`picker__option${i === active ? ' picker__option--active' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(p);
                }}
              >
                <span className="picker__name">{p.name}</span>
                <span className="picker__email">{p.email}</span>
              </li>
            ))
          )}
        </ul>
      )}
    </div>
  );
}
