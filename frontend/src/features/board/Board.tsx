import { DndContext, DragOverlay, KeyboardSensor, TouchSensor, useSensor, useSensors } from '@dnd-kit/core';
import type { DragEndEvent, DragOverEvent, DragStartEvent } from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { Priority, Status, StatusGroup } from '../../api/types';
import { useLive } from '../../live/useLive';
import type { TicketTransition } from '../../api/issue5';
import { useCan } from '../auth/can';
import { useSession } from '../auth/session';
import { acceptance, subjectOf } from '../workflows/allowed';
import type { Acceptance } from '../workflows/allowed';
import { acceptanceText } from '../workflows/reasons';
import { TransitionDialog } from '../workflows/TransitionDialog';
import { transitionFromDefinition } from '../workflows/transitionForm';
import { useWorkflowVersions } from '../workflows/useWorkflows';
import { useLiveStatus } from '../layout/liveStatus';
import { useToast } from '../toast/toast';
import { BoardColumn } from './BoardColumn';
import { CardBody } from './BoardCard';
import type { BoardFilters, ColumnState } from './boardState';
import { BoardStore } from './boardStore';
import { labelOf } from './catalog';
import { announcements, collisionFor, instructions, locateIn, MousePointerSensor, statusOfDroppable, withDrag } from './dnd';
import type { DragState } from './dnd';

interface Props {
  filters: BoardFilters;
  meId: number | null;
  /** statuses and priorities: the catalogs, null while they load (the board loads meanwhile). */
  statuses: readonly Status[] | null;
  priorities: readonly Priority[] | null;
}

const topics = ['board'];
/** resyncAfterMs: how long to gather uncertain changes before reloading the board once. */
const resyncAfterMs = 2000;

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

interface Group {
  group: StatusGroup;
  columns: { column: ColumnState; status: Status }[];
}

/** Board is the kanban board of one filter set (a new filter set mounts a new Board). */
export function Board({ filters, meId, statuses, priorities }: Props) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { setState: setLiveState } = useLiveStatus();
  const [store] = useState(() => new BoardStore(filters, meId));
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const now = useNow(60_000);
  // Dragging changes status and place: only with ticket.move (the server refuses it otherwise).
  const canMove = useCan('ticket.move');

  useEffect(() => {
    store.load().catch(() => undefined);
    return () => store.dispose();
  }, [store]);

  const live = useLive({
    key: store,
    after: snap.seq,
    topics,
    onChange: store.applyLive,
    onReload: () => store.load(),
    onState: setLiveState,
  });
  useEffect(() => {
    setLiveState('connecting');
    return () => setLiveState(null);
  }, [setLiveState]);

  // A change the board could not place exactly: reload once, a moment later.
  const reload = live.reload;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    store.setUncertainHandler(() => {
      timer ??= setTimeout(() => {
        timer = null;
        reload();
      }, resyncAfterMs);
    });
    return () => {
      store.setUncertainHandler(null);
      if (timer !== null) clearTimeout(timer);
    };
  }, [store, reload]);

  const statusById = useMemo(() => new Map((statuses ?? []).map((s) => [s.id, s])), [statuses]);
  const priorityById = useMemo(() => new Map((priorities ?? []).map((p) => [p.id, p])), [priorities]);

  const [drag, setDrag] = useState<DragState | null>(null);
  const columns = useMemo(() => withDrag(snap.board?.columns ?? [], drag), [snap.board, drag]);

  // Workflows (issue 5): the versions of the loaded cards (immutable, cached forever) say which
  // columns a dragged card may enter; a drop needing input opens the transition dialog.
  const { data: user } = useSession();
  const subject = useMemo(() => subjectOf(user), [user]);
  const versionIds = useMemo(() => {
    const ids = new Set<number>();
    for (const c of snap.board?.columns ?? []) for (const card of c.cards) if (card.workflow_version_id !== null) ids.add(card.workflow_version_id);
    return [...ids].sort((a, b) => a - b);
  }, [snap.board]);
  const versions = useWorkflowVersions(versionIds);
  const [pending, setPending] = useState<{ cardId: number; number: number; version: number; transition: TicketTransition; afterId: number | null } | null>(null);
  const origin = drag !== null && snap.board !== null ? locateIn(snap.board.columns, drag.id) : null;
  const acceptFor = (to: number): Acceptance | null => {
    if (origin === null) return null;
    const v = origin.card.workflow_version_id;
    return acceptance(origin.statusId, to, v === null ? null : versions.get(v)?.definition, subject);
  };

  const sensors = useSensors(
    useSensor(MousePointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  // A board left mid-drag (a route change) does not leave the page's grabbing hand behind.
  useEffect(() => () => document.documentElement.classList.remove('dragging'), []);
  const lang = i18n.language;
  const accessibility = useMemo(() => {
    const columnName = (id: number) => {
      const s = statusById.get(id);
      return s ? labelOf(s, lang) : String(id);
    };
    return {
      announcements: announcements(t, columns, columnName),
      screenReaderInstructions: instructions(t),
    };
  }, [t, lang, statusById, columns]);
  const collisionDetection = useMemo(() => collisionFor(columns), [columns]);

  const groups = useMemo(() => {
    const out: Group[] = [];
    for (const column of columns) {
      const status = statusById.get(column.statusId);
      if (!status) continue;
      const last = out[out.length - 1];
      if (last && last.group === status.group) last.columns.push({ column, status });
      else out.push({ group: status.group, columns: [{ column, status }] });
    }
    return out;
  }, [columns, statusById]);

  if (snap.phase === 'loading' || statuses === null || priorities === null) return <p className="page-status">{t('board.loading')}</p>;
  if (snap.phase === 'error') {
    return (
      <div className="page-status" role="alert">
        <p>{snap.error}</p>
        <button type="button" className="btn" onClick={() => void store.load().catch(() => undefined)}>
          {t('common.retry')}
        </button>
      </div>
    );
  }

  const onDragStart = ({ active }: DragStartEvent) => {
    const at = typeof active.id === 'number' ? locateIn(columns, active.id) : null;
    if (at) {
      // Live changes wait until the drop or the cancel (see BoardStore.hold): a re-render of the
      // columns under the pointer would make dnd-kit lose what the card is over.
      store.hold();
      document.documentElement.classList.add('dragging');
      setDrag({ id: active.id as number, to: at.statusId, index: at.index });
    }
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (!over || drag === null) return;
    const to = statusOfDroppable(columns, over.id);
    const at = locateIn(columns, drag.id);
    if (to === null || at === null || at.statusId === to) return;
    // A column that refuses the card: the card stays (back in its own column).
    if (acceptFor(to)?.kind === 'refused') {
      if (origin !== null && at.statusId !== origin.statusId) setDrag({ id: drag.id, to: origin.statusId, index: origin.index });
      return;
    }
    const target = columns.find((c) => c.statusId === to);
    if (!target) return;
    let index = target.cards.length;
    if (typeof over.id === 'number') {
      const overIndex = target.cards.findIndex((c) => c.id === over.id);
      const r = active.rect.current.translated;
      const below = r !== null && r.top > over.rect.top + over.rect.height / 2;
      if (overIndex >= 0) index = overIndex + (below ? 1 : 0);
    }
    setDrag({ id: drag.id, to, index });
  };

  const onDragEnd = (e: DragEndEvent) => {
    document.documentElement.classList.remove('dragging');
    try {
      drop(e);
    } finally {
      // After the drop's own optimistic move, so that the held changes are checked against it.
      store.release();
    }
  };

  const drop = ({ active, over }: DragEndEvent) => {
    setDrag(null);
    if (!over || typeof active.id !== 'number') return;
    const id = active.id;
    const at = locateIn(columns, id);
    if (at === null) return;
    const overStatus = statusOfDroppable(columns, over.id);
    const verdict = overStatus === null ? null : acceptFor(overStatus);
    // A drop on a column that refuses the card does nothing (the column said why during the drag).
    if (verdict?.kind === 'refused') return;
    if (verdict?.kind === 'input' && origin !== null) {
      const col = columns.find((c) => c.statusId === at.statusId);
      const afterId = at.statusId === overStatus ? (col?.cards[at.index - 1]?.id ?? null) : null;
      setPending({
        cardId: id,
        number: origin.card.number,
        version: origin.card.version,
        transition: transitionFromDefinition(verdict.transition, lang),
        afterId,
      });
      return;
    }
    let index = at.index;
    if (typeof over.id === 'number' && over.id !== id) {
      const col = columns.find((c) => c.statusId === at.statusId);
      const overIndex = col ? col.cards.findIndex((c) => c.id === over.id) : -1;
      if (overIndex >= 0) index = overIndex;
    }
    store.move(id, at.statusId, index).catch((err: unknown) => {
      toast.show(err instanceof Error ? err.message : t('errors.unknown'));
    });
  };

  const active = drag !== null ? locateIn(columns, drag.id) : null;
  const columnAccept = (statusId: number) => {
    const a = acceptFor(statusId);
    if (a === null || origin === null) return undefined;
    const name = (sid: number) => {
      const s = statusById.get(sid);
      return s ? labelOf(s, lang) : String(sid);
    };
    const v = origin.card.workflow_version_id === null ? undefined : versions.get(origin.card.workflow_version_id);
    const text = acceptanceText(a, { workflow: v ? labelOf(v, lang) : '', from: name(origin.statusId), to: name(statusId), lang }, t);
    return { kind: a.kind, text };
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      accessibility={accessibility}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={() => {
        document.documentElement.classList.remove('dragging');
        setDrag(null);
        store.release();
      }}
    >
      <div className="board" role="region" aria-label={t('board.label')} tabIndex={-1}>
        {groups.map((g, i) => (
          <section key={`${g.group}-${i}`} className={`group group--${g.group}`} aria-label={t(`group.${g.group}`)}>
            <h2 className="group__title">{t(`group.${g.group}`)}</h2>
            <div className="group__columns">
              {g.columns.map(({ column, status }) => (
                <BoardColumn
                  key={column.statusId}
                  column={column}
                  status={status}
                  priorities={priorityById}
                  now={now}
                  loadingMore={snap.loadingMore.has(column.statusId)}
                  canMove={canMove}
                  accept={columnAccept(column.statusId)}
                  onLoadMore={(sid) => {
                    store.loadMore(sid).catch((err: unknown) => toast.show(err instanceof Error ? err.message : t('errors.unknown')));
                  }}
                />
              ))}
            </div>
          </section>
        ))}
      </div>
      {pending !== null && (
        <TransitionDialog
          ticketId={pending.cardId}
          ticketNumber={pending.number}
          version={pending.version}
          transition={pending.transition}
          afterId={pending.afterId}
          onClose={() => setPending(null)}
          onDone={(detail) => {
            setPending(null);
            store.accept(detail);
          }}
        />
      )}
      {/* The overlay never catches the pointer: while its drop animation plays it lies over the card it
          lands on, and a quick second grab must reach the card, not the picture of it. */}
      <DragOverlay className="drag-overlay">
        {active ? (
          <div className="card card--overlay">
            <CardBody card={active.card} priority={priorityById.get(active.card.priority_id)} now={now} t={t} lang={lang} />
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
