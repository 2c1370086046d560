// /admin/api-keys: the keys bots and other systems act with. The admin lists them (newest first, keyset
// "load more"), creates one (name, scopes, optional expiry) and sees its secret once, with a copy button
// and a warning, and revokes one after confirming. Needs apikeys.manage.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { InfiniteData } from '@tanstack/react-query';
import { useReducer, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { apiKeysApi, keyScopes } from '../../api/issue7-apikeys';
import type { APIKey, APIKeyPage } from '../../api/issue7-apikeys';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { ModalDialog } from '../newTicket/ModalDialog';
import { FieldError, TextInput, describedBy } from '../sla/Field';
import { formatDateTime } from '../tickets/format';
import { checkKeyForm, emptyKeyForm, keyRequest, keyStatus, secretReducer, toggleScope, withCreated } from './keyForm';
import type { KeyForm, KeyFormErrors } from './keyForm';

const listKey = ['api-keys'];

export default function ApiKeysPage() {
  const allowed = useCan('apikeys.manage');
  if (!allowed) return <AdminForbidden />;
  return <ApiKeys />;
}

function ApiKeys() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<APIKey | null>(null);
  const [shown, dispatch] = useReducer(secretReducer, { secret: null, key: null });
  const list = useInfiniteQuery({
    queryKey: listKey,
    queryFn: ({ pageParam, signal }) => apiKeysApi.list(pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const now = new Date();
  const when = (s: string | null | undefined) => (s ? formatDateTime(s, i18n.language) : t('apikeys.never'));
  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="apikeys-title" data-testid="apikeys-page">
        <div className="admin__head">
          <h2 id="apikeys-title" className="admin__kind-title">
            {t('apikeys.title')}
          </h2>
          <button type="button" className="btn btn--primary" data-testid="apikeys-new" onClick={() => setCreating(true)}>
            {t('apikeys.new')}
          </button>
        </div>
        <p className="form-field__hint">{t('apikeys.hint')}</p>
        {list.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : list.isError ? (
          <p className="page-status" role="alert">
            {list.error.message}
          </p>
        ) : rows.length === 0 ? (
          <p className="page-status">{t('apikeys.empty')}</p>
        ) : (
          <div className="admin-table__wrap">
            <table className="admin-table" data-testid="apikeys-table">
              <thead>
                <tr>
                  <th scope="col">{t('apikeys.cols.name')}</th>
                  <th scope="col">{t('apikeys.cols.prefix')}</th>
                  <th scope="col">{t('apikeys.cols.scopes')}</th>
                  <th scope="col">{t('apikeys.cols.createdBy')}</th>
                  <th scope="col">{t('apikeys.cols.createdAt')}</th>
                  <th scope="col">{t('apikeys.cols.lastUsed')}</th>
                  <th scope="col">{t('apikeys.cols.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('apikeys.cols.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((k) => {
                  const st = keyStatus(k, now);
                  return (
                    <tr key={k.id} data-testid={`apikey-row-${k.id}`}>
                      <td>{k.name}</td>
                      <td>
                        <code>atk_{k.prefix}_…</code>
                      </td>
                      <td>{k.scopes.map((s) => t(`apikeys.scopes.${s}.label`)).join(', ')}</td>
                      <td>{k.created_by?.name ?? '—'}</td>
                      <td>{when(k.created_at)}</td>
                      <td>{when(k.last_used_at)}</td>
                      <td data-testid={`apikey-status-${k.id}`}>{t(`apikeys.status.${st.status}`, { date: st.at ? when(st.at) : '' })}</td>
                      <td>
                        {st.status !== 'revoked' && (
                          <button type="button" className="btn btn--danger" data-testid={`apikey-revoke-${k.id}`} onClick={() => setRevoking(k)}>
                            {t('apikeys.revoke.button')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {list.hasNextPage && (
          <button type="button" className="btn" disabled={list.isFetchingNextPage} data-testid="apikeys-more" onClick={() => void list.fetchNextPage()}>
            {list.isFetchingNextPage ? t('common.loading') : t('apikeys.more')}
          </button>
        )}
      </section>
      {creating && (
        <CreateDialog
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            qc.setQueryData<InfiniteData<APIKeyPage, number | null>>(listKey, (d) =>
              d && d.pages[0] ? { ...d, pages: [{ ...d.pages[0], items: withCreated(d.pages[0].items, created) }, ...d.pages.slice(1)] } : d,
            );
            void qc.invalidateQueries({ queryKey: listKey });
            setCreating(false);
            dispatch({ type: 'created', created });
          }}
        />
      )}
      {shown.secret !== null && shown.key !== null && (
        <SecretDialog name={shown.key.name} secret={shown.secret} onClose={() => dispatch({ type: 'dismissed' })} />
      )}
      {revoking !== null && <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />}
    </main>
  );
}

function CreateDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Awaited<ReturnType<typeof apiKeysApi.create>>) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<KeyForm>(emptyKeyForm);
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const create = useMutation({
    mutationFn: () => apiKeysApi.create(keyRequest(form)),
    onSuccess: onCreated,
    // The answer holds the secret: once this dialog closes, the mutation cache must not keep it (by
    // default it would for five minutes, whatever page the admin moves on to); the secret dialog's state
    // is then its only holder.
    gcTime: 0,
  });
  const server = create.error instanceof ApiError ? create.error : null;
  const fieldError = (f: 'name' | 'scopes' | 'expires'): string | undefined =>
    errors[f] !== undefined ? t(errors[f]) : server?.fields[f === 'expires' ? 'expires_at' : f];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = checkKeyForm(form, new Date());
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };
  return (
    <ModalDialog titleId="apikey-new-title" onClose={onClose} testid="apikey-dialog">
      <form onSubmit={submit} noValidate>
        <h2 id="apikey-new-title">{t('apikeys.form.title')}</h2>
        <TextInput
          id="apikey-name"
          label={t('apikeys.form.name')}
          hint={t('apikeys.form.nameHint')}
          value={form.name}
          maxLength={80}
          testid="apikey-name"
          error={fieldError('name')}
          onChange={(name) => setForm({ ...form, name })}
        />
        <fieldset className="field" {...describedBy('apikey-scopes', fieldError('scopes'))}>
          <legend className="field__label">{t('apikeys.form.scopes')}</legend>
          {keyScopes.map((s) => (
            <label key={s} className="apikeys-scope">
              <input
                type="checkbox"
                checked={form.scopes.includes(s)}
                data-testid={`apikey-scope-${s}`}
                onChange={() => setForm({ ...form, scopes: toggleScope(form.scopes, s) })}
              />
              <span>
                <strong>{t(`apikeys.scopes.${s}.label`)}</strong> <code>{s}</code>
                <br />
                <span className="form-field__hint">{t(`apikeys.scopes.${s}.help`)}</span>
              </span>
            </label>
          ))}
          <FieldError id="apikey-scopes-error" text={fieldError('scopes')} />
        </fieldset>
        <TextInput
          id="apikey-expires"
          type="date"
          label={t('apikeys.form.expires')}
          hint={t('apikeys.form.expiresHint')}
          value={form.expires}
          testid="apikey-expires"
          error={fieldError('expires')}
          onChange={(expires) => setForm({ ...form, expires })}
        />
        {server !== null && Object.keys(server.fields).length === 0 && (
          <p className="field__error" role="alert">
            {server.message}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('apikeys.form.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={create.isPending} data-testid="apikey-create">
            {t('apikeys.form.create')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function SecretDialog({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
  };
  return (
    <ModalDialog titleId="apikey-secret-title" onClose={onClose} testid="apikey-secret-dialog">
      <h2 id="apikey-secret-title">{t('apikeys.secret.title')}</h2>
      <p className="apikeys-warning" role="alert">
        <strong>{name}.</strong> {t('apikeys.secret.warning')}
      </p>
      <div className="acc-link__row">
        <label className="visually-hidden" htmlFor="apikey-secret">
          {t('apikeys.secret.label')}
        </label>
        <input id="apikey-secret" className="acc-link__url" readOnly value={secret} data-testid="apikey-secret" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn" onClick={copy} data-testid="apikey-copy">
          {copied ? t('apikeys.secret.copied') : t('apikeys.secret.copy')}
        </button>
      </div>
      <div className="dialog__actions">
        <button type="button" className="btn btn--primary" onClick={onClose} data-testid="apikey-secret-done">
          {t('apikeys.secret.done')}
        </button>
      </div>
    </ModalDialog>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: APIKey; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => apiKeysApi.revoke(apiKey.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: listKey });
      onClose();
    },
  });
  return (
    <ModalDialog titleId="apikey-revoke-title" onClose={onClose} testid="apikey-revoke-dialog">
      <h2 id="apikey-revoke-title">{t('apikeys.revoke.title', { name: apiKey.name })}</h2>
      <p>{t('apikeys.revoke.body')}</p>
      {revoke.isError && (
        <p className="field__error" role="alert">
          {revoke.error.message}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('apikeys.revoke.cancel')}
        </button>
        <button type="button" className="btn btn--danger" disabled={revoke.isPending} data-testid="apikey-revoke-confirm" onClick={() => revoke.mutate()}>
          {t('apikeys.revoke.confirm')}
        </button>
      </div>
    </ModalDialog>
  );
}
