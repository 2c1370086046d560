// Picks a sponsor: a search over consultants (name, email, document or phone), or none.
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { ControlProps } from '../newTicket/FormField';
import type { SponsorRef } from './personForm';

interface Props {
  control: ControlProps;
  value: SponsorRef | null;
  onChange: (v: SponsorRef | null) => void;
  /** excludeId is the person being edited: never their own sponsor. */
  excludeId?: number;
}

export function SponsorPicker({ control, value, onChange, excludeId }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const listId = useId();
  const q = text.trim();
  const results = useQuery({
    queryKey: ['persons', 'sponsors', q],
    queryFn: ({ signal }) => api.persons({ q, kind: 'consultant', limit: 10 }, signal),
    enabled: q.length >= 2,
    staleTime: 30_000,
  });
  const items = (results.data?.items ?? []).filter((p) => p.id !== excludeId);
  if (value) {
    return (
      <div className="sponsor-picker__chosen">
        <span data-testid="person-sponsor-chosen">{value.name}</span>
        <button type="button" className="btn btn--subtle" data-testid="person-sponsor-clear" onClick={() => onChange(null)}>
          {t('people.sponsor.change')}
        </button>
      </div>
    );
  }
  return (
    <div className="sponsor-picker">
      <input
        {...control}
        type="search"
        className="input"
        autoComplete="off"
        placeholder={t('people.sponsor.placeholder')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-controls={listId}
        data-testid="person-sponsor-search"
      />
      {q.length >= 2 && (
        <ul className="sponsor-picker__list" id={listId} aria-label={t('people.sponsor.results')}>
          {results.isPending && <li className="sponsor-picker__note">{t('common.loading')}</li>}
          {results.isSuccess && items.length === 0 && <li className="sponsor-picker__note">{t('people.sponsor.none')}</li>}
          {items.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="sponsor-picker__option"
                data-testid={`person-sponsor-option-${p.id}`}
                onClick={() => {
                  onChange({ id: p.id, name: p.name });
                  setText('');
                }}
              >
                <span>{p.name}</span>
                <span className="sponsor-picker__meta">{p.email}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
