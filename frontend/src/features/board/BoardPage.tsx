import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { useWorkflows } from '../workflows/useWorkflows';
import { Board } from './Board';
import { BoardToolbar } from './BoardToolbar';
import { useAssignees, usePriorities, useStatuses } from './catalog';
import { filtersFromSearch, searchWithFilters } from './filters';

/** BoardPage is the board route: the filter toolbar and the board of those filters. */
export default function BoardPage() {
  const { t } = useTranslation();
  const { data: me } = useSession();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const statuses = useStatuses();
  const priorities = usePriorities();
  const users = useAssignees();
  // The workflow filter, for staff (GET /workflows is theirs).
  const workflows = useWorkflows(useCan('ticket.comment_internal'));
  const catalogError = statuses.error ?? priorities.error;

  return (
    <main className="board-page">
      <h1 className="visually-hidden">{t('board.title')}</h1>
      <BoardToolbar
        filters={filters}
        priorities={priorities.data ?? []}
        users={users.data ?? []}
        workflows={workflows.data ?? []}
        onChange={(f) => setParams((p) => searchWithFilters(p, f), { replace: true })}
      />
      {catalogError ? (
        <p className="page-status" role="alert">
          {catalogError.message}
        </p>
      ) : (
        // Mounted before the catalogs arrive, so that the board's own request runs alongside theirs.
        <Board
          key={JSON.stringify(filters)}
          filters={filters}
          meId={me?.id ?? null}
          statuses={statuses.data ?? null}
          priorities={priorities.data ?? null}
        />
      )}
    </main>
  );
}
