// Find a person by name or email (GET /people, debounced): a combobox with a list of matches. Once a
// person is chosen it shows them with a button to choose again.
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { PersonRef } from '../../api/types';
import { DebouncedSearch } from './peopleSearch';

interface Props {
  /** testid prefixes the data-testids: `<testid>-search`, `<testid>-option-<id>`. */
  testid: string;
  label: string;
  selected: PersonRef | null;
  onSelect: (p: PersonRef | null) => void;
  error?: string | undefined;
  /** extra is shown under the search box (e.g. the "new person" button). */
  extra?: ReactNode;
  /** inputId is the search box's id, so an error summary can focus it. */
  inputId: string;
}

export function PersonPicker({ testid, label, selected, onSelect, error, extra, inputId }: Props) {
  const { t } = useTranslation();
  const uid = useId();
  const listId = `${uid}-list`;
  const statusId = `${uid}-status`;
  const errorId = `${uid}-error`;
  const labelId = `${uid}-label`;
  const [search] = useState(
    () =>
      new DebouncedSearch<PersonRef>(
        (q, signal) => api.people(q, signal).then((r) => r.items),
        (err) => (err instanceof Error ? err.message : t('errors.unknown')),
      ),
  );
  useEffect(() => () => search.dispose(), [search]);
  const state = useSyncExternalStore(search.subscribe, search.getSnapshot);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);

  const items = state.status === 'done' ? state.items : [];
  const expanded = open && items.length > 0;
  const choose = (p: PersonRef) => {
    onSelect(p);
    setOpen(false);
    search.setQuery('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (items.length > 0) setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
    } else if (e.key === 'Enter' && expanded) {
      e.preventDefault();
      const p = items[active];
      if (p) choose(p);
    } else if (e.key === 'Escape' && expanded) {
      // Close the list, not the dialog.
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
    }
  };

  const statusText =
    state.status === 'loading' || state.status === 'waiting'
      ? t('newTicket.people.searching')
      : state.status === 'error'
        ? (state.error ?? '')
        : state.status === 'done' && state.items.length === 0
          ? t('newTicket.people.none')
          : state.query.trim().length > 0 && state.status === 'idle'
            ? t('newTicket.people.minChars')
            : '';

  return (
    <div className="form-field person-picker" role="group" aria-labelledby={labelId}>
      {selected ? (
        <>
          <span className="form-field__label" id={labelId}>
            {label}
          </span>
          <div className="person-picker__chosen" data-testid={`${testid}-chosen`}>
            <span className="person-picker__name">{selected.name}</span>
            <span className="person-picker__email">{selected.email}</span>
            <button
              type="button"
              className="btn btn--subtle person-picker__change"
              data-testid={`${testid}-clear`}
              onClick={() => onSelect(null)}
              aria-label={t('newTicket.people.changeLabel', { name: selected.name })}
            >
              {t('newTicket.people.change')}
            </button>
          </div>
        </>
      ) : (
        <>
          <label className="form-field__label" id={labelId} htmlFor={inputId}>
            {label}
          </label>
          <div className="person-picker__box">
            <input
              id={inputId}
              type="search"
              role="combobox"
              autoComplete="off"
              data-testid={`${testid}-search`}
              placeholder={t('newTicket.people.placeholder')}
              aria-autocomplete="list"
              aria-expanded={expanded}
              aria-controls={listId}
              aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
              aria-invalid={error !== undefined}
              aria-describedby={[statusId, error ? errorId : ''].filter(Boolean).join(' ')}
              value={state.query}
              onChange={(e) => {
                search.setQuery(e.target.value);
                setActive(0);
                setOpen(true);
              }}
              onKeyDown={onKeyDown}
              onFocus={() => setOpen(true)}
              onBlur={() => setOpen(false)}
            />
            <ul className="person-picker__list" id={listId} role="listbox" aria-label={label} hidden={!expanded}>
              {items.map((p, i) => (
                <li
                  key={p.id}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'person-picker__option person-picker__option--active' : 'person-picker__option'}
                  data-testid={`${testid}-option-${p.id}`}
                  // Keep the focus in the box: a click must not blur it before it selects.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(p)}
                >
                  <span className="person-picker__name">{p.name}</span>
                  <span className="person-picker__email">{p.email}</span>
                </li>
              ))}
            </ul>
          </div>
          <p className="form-field__hint" id={statusId} role="status" aria-live="polite">
            {statusText}
          </p>
        </>
      )}
      {extra}
      {error && (
        <p className="form-field__error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}
