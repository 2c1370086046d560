// One catalog entry's change log in a side drawer: who, when, what, and each field before → after.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AnyCatalogEntry, CatalogKind } from '../../api/types';
import { useLabel } from '../catalog/useCatalogs';
import { ModalDialog } from '../newTicket/ModalDialog';
import { fieldChanges, formatValue } from './history';

interface Props {
  kind: CatalogKind;
  entry: AnyCatalogEntry;
  onClose: () => void;
}

/** fieldKeys are the entry fields with a translated name (others show as the API names them). */
const fieldKeys = new Set([
  'key',
  'name_es',
  'name_en',
  'parent_id',
  'description_es',
  'description_en',
  'group',
  'color',
  'wip_limit',
  'pauses_sla',
  'level',
  'kind',
  'body_es',
  'body_en',
  'position',
  'active',
  'important',
  'urgent',
]);

/** accessFields are who sees an entry's tickets (named in the access namespace). */
const accessFields = new Set(['role_ids', 'supervisor_ids']);

export function HistoryDrawer({ kind, entry, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const history = useQuery({
    // Under the catalogs' key: a write (ours or, live, anyone's) refetches it too.
    queryKey: ['catalog', 'history', kind, entry.id],
    queryFn: ({ signal }) => api.catalogHistory(kind, entry.id, signal),
  });
  const when = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en' : 'es', { dateStyle: 'medium', timeStyle: 'short' });
  const words = { yes: t('admin.yes'), no: t('admin.no'), empty: t('admin.none') };
  const titleId = 'admin-history-title';

  return (
    <ModalDialog titleId={titleId} onClose={onClose} testid="admin-history" className="modal--drawer">
      <div className="modal__head">
        <h2 id={titleId} className="modal__title">
          {t('admin.history.title', { name: label(entry) })}
        </h2>
        <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('admin.close')}>
          ×
        </button>
      </div>
      <div className="modal__body">
        {history.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : history.isError ? (
          <p className="form-alert" role="alert">
            {history.error.message}
          </p>
        ) : history.data.items.length === 0 ? (
          <p className="page-status">{t('admin.history.empty')}</p>
        ) : (
          <ol className="admin-history">
            {history.data.items.map((c) => {
              const changes = fieldChanges(c);
              return (
                <li key={c.id} className="admin-history__item" data-testid={`admin-history-${c.id}`}>
                  <p className="admin-history__meta">
                    <strong>{t(`admin.history.action.${c.action}`)}</strong>
                    {' · '}
                    <span>{c.actor?.name ?? t('admin.history.system')}</span>
                    {' · '}
                    <time dateTime={c.at}>{when.format(new Date(c.at))}</time>
                  </p>
                  {changes.length > 0 && (
                    <dl className="admin-diff">
                      {changes.map((f) => (
                        <div key={f.field} className="admin-diff__row">
                          <dt>{fieldKeys.has(f.field) ? t(`admin.fields.${f.field}`) : accessFields.has(f.field) ? t(`access.fields.${f.field}`) : f.field}</dt>
                          <dd>
                            <span className="admin-diff__before">{formatValue(f.before, words)}</span>
                            <span aria-hidden="true"> → </span>
                            <span className="visually-hidden">{t('admin.history.to')}</span>
                            <span className="admin-diff__after">{formatValue(f.after, words)}</span>
                          </dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </ModalDialog>
  );
}
