// /people: search persons by name, email, document or phone, filter by kind, open a profile, and
// register a new person (people.manage). A table on wide screens, cards on a phone.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { PersonKind } from '../../api/types';
import { useCan } from '../auth/can';
import { filtersToParams, parseFilters, personKinds } from './filters';
import { NewPersonDialog } from './NewPersonDialog';
import { usePersons } from './usePeople';

export default function PeoplePage() {
  const { t } = useTranslation();
  const canView = useCan('people.view');
  const canManage = useCan('people.manage');
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const filters = parseFilters(sp);
  const [text, setText] = useState(filters.q);
  const [creating, setCreating] = useState(false);
  const list = usePersons(filters, canView);

  // The URL follows the search box a moment after typing stops, so each key does not fetch.
  useEffect(() => {
    if (text === filters.q) return;
    const h = setTimeout(() => setSp(filtersToParams({ ...filters, q: text }), { replace: true }), 300);
    return () => clearTimeout(h);
  }, [text, filters, setSp]);

  if (!canView) {
    return (
      <p className="page-status" role="alert">
        {t('people.forbidden')}
      </p>
    );
  }
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="people-page">
      <div className="people-page__head">
        <h1 className="people-page__title">{t('people.title')}</h1>
        {canManage && (
          <button type="button" className="btn btn--primary" data-testid="people-new" onClick={() => setCreating(true)}>
            {t('people.new.open')}
          </button>
        )}
      </div>
      <form className="people-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="people-filters__field">
          <span className="visually-hidden">{t('people.search')}</span>
          <input
            type="search"
            className="input"
            placeholder={t('people.search')}
            value={text}
            maxLength={200}
            data-testid="people-search"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label className="people-filters__field">
          <span className="visually-hidden">{t('people.fields.kind')}</span>
          <select
            className="input"
            value={filters.kind}
            data-testid="people-kind"
            onChange={(e) => setSp(filtersToParams({ q: text, kind: e.target.value as PersonKind | '' }), { replace: true })}
          >
            <option value="">{t('people.kind.any')}</option>
            {personKinds.map((k) => (
              <option key={k} value={k}>
                {t(`people.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {list.isError && (
        <p className="page-status" role="alert">
          {list.error.message}
        </p>
      )}
      <div className="people-table__wrap">
        <table className="people-table" data-testid="people-table">
          <thead>
            <tr>
              <th scope="col">{t('people.fields.name')}</th>
              <th scope="col">{t('people.fields.kind')}</th>
              <th scope="col">{t('people.fields.rank')}</th>
              <th scope="col">{t('people.fields.status')}</th>
              <th scope="col">{t('people.fields.sponsor')}</th>
              <th scope="col">{t('people.fields.email')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} className="people-row" data-testid={`person-row-${p.id}`}>
                <td className="people-cell people-cell--name">
                  <Link to={`/people/${p.id}`}>{p.name}</Link>
                </td>
                <td className="people-cell people-cell--kind">
                  <span className={`people-kind people-kind--${p.kind}`}>{t(`people.kind.${p.kind}`)}</span>
                </td>
                <td className="people-cell people-cell--rank">{p.rank ?? ''}</td>
                <td className="people-cell people-cell--status">
                  {p.commercial_status ? t(`people.status.${p.commercial_status}`) : ''}
                </td>
                <td className="people-cell people-cell--sponsor">
                  {p.sponsor && <Link to={`/people/${p.sponsor.id}`}>{p.sponsor.name}</Link>}
                </td>
                <td className="people-cell people-cell--email">{p.email}</td>
              </tr>
            ))}
            {list.isSuccess && items.length === 0 && (
              <tr>
                <td colSpan={6} className="people-table__empty">
                  {t('people.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {list.isPending && <p className="page-status">{t('common.loading')}</p>}
      {list.hasNextPage && (
        <button
          type="button"
          className="btn btn--subtle people-more"
          data-testid="people-more"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? t('common.loading') : t('people.more')}
        </button>
      )}
      {creating && (
        <NewPersonDialog
          onClose={() => setCreating(false)}
          onCreated={(p) => {
            setCreating(false);
            void navigate(`/people/${p.id}`);
          }}
        />
      )}
    </main>
  );
}
