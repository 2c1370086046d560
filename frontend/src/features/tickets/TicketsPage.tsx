import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { exportUrl } from './exportUrl';
import { filtersFromSearch, searchFromFilters, withFilters } from './filters';
import type { TicketFilters } from './filters';
import { TicketFiltersBar } from './TicketFiltersBar';
import { TicketsList } from './TicketsList';
import { useTicketLookups } from './useLookups';
import { ViewsMenu } from './ViewsMenu';

/** TicketsPage is the records table route: filters and sort in the URL, saved views, the live list. */
export default function TicketsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const searchKey = useMemo(() => searchFromFilters(filters).toString(), [filters]);
  const lk = useTicketLookups();
  const session = useSession();
  const pickPeople = useCan('people.view');
  const exportable = useCan('ticket.export');
  const [requesterName, setRequesterName] = useState<{ id: number; name: string } | null>(null);
  const categories = lk.categories;

  const onChange = useCallback(
    (patch: Partial<TicketFilters>) => {
      const next = withFilters(filters, patch, (id) => categories.get(id)?.parent_id);
      setParams(searchFromFilters(next), { replace: true });
    },
    [filters, categories, setParams],
  );
  const onRequesterName = useCallback((name: string | null) => {
    if (name !== null && filters.requester !== null) setRequesterName({ id: filters.requester, name });
  }, [filters.requester]);

  return (
    <main className="tickets-page">
      <div className="tickets-head">
        <h1 className="tickets-head__title">{t('tickets.title')}</h1>
        {exportable && (
          <>
            <a className="btn" href={exportUrl(filters)} download data-testid="tickets-export">
              {t('access.export')}
            </a>
            <a className="btn" href={exportUrl(filters, 'xlsx')} download data-testid="tickets-export-xlsx">
              {t('reports.export.xlsx')}
            </a>
          </>
        )}
        <ViewsMenu query={searchKey} />
      </div>
      <TicketFiltersBar
        filters={filters}
        catalogs={lk.catalogs}
        users={lk.users}
        pickRequester={pickPeople}
        label={lk.label}
        requesterName={requesterName !== null && requesterName.id === filters.requester ? requesterName.name : null}
        onChange={onChange}
        onPickRequester={(p) => {
          if (p !== null) setRequesterName({ id: p.id, name: p.name });
          onChange({ requester: p?.id ?? null });
        }}
      />
      {lk.catalogsError ? (
        <p className="page-status" role="alert">
          {lk.catalogsError.message}
        </p>
      ) : (
        <TicketsList
          key={`${lk.me?.id ?? ''}|${searchKey}`}
          searchKey={searchKey}
          filters={filters}
          meId={lk.me?.id ?? null}
          session={session.dataUpdatedAt}
          maps={lk.maps}
          label={lk.label}
          onSort={(sort) => onChange({ sort })}
          onRequesterName={onRequesterName}
        />
      )}
    </main>
  );
}
