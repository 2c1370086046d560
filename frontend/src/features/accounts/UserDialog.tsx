// An account's edit panel: name, role, custom roles, language; disable / enable with confirmation;
// "new link" that shows the link. A 409 shows the other admin's version.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AccessRole, AdminUser, UserLink } from '../../api/types';
import { useSession } from '../auth/session';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { LinkBox } from './LinkBox';
import { RoleChecks } from './RoleChecks';
import { RoleLocaleFields } from './RoleLocaleFields';
import { conflictUser, editDraftOf, editPatch, serverErrors, validateEdit } from './userForm';
import type { EditDraft, FieldErrors } from './userForm';

interface Props {
  user: AdminUser;
  roles: AccessRole[];
  onClose: () => void;
}

const fields = ['name', 'role', 'role_ids', 'locale', 'disabled'] as const;

export function UserDialog({ user: initial, roles, onClose }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { data: me } = useSession();
  const [user, setUser] = useState(initial);
  const [draft, setDraft] = useState<EditDraft>(editDraftOf(initial));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [link, setLink] = useState<UserLink | null>(null);

  const refused = (err: unknown) => {
    const cur = conflictUser(err);
    if (cur) {
      setUser(cur);
      setDraft(editDraftOf(cur));
    }
    const e = serverErrors(err, fields);
    setErrors(e.fields);
    setMessage(e.message);
    setConfirming(false);
  };
  const saved = (u: AdminUser) => {
    setUser(u);
    setDraft(editDraftOf(u));
    setErrors({});
    setMessage(null);
    setConfirming(false);
    void qc.invalidateQueries({ queryKey: ['admin-users'] });
    void qc.invalidateQueries({ queryKey: ['roles'] });
  };
  const save = useMutation({
    mutationFn: (body: Parameters<typeof api.updateAdminUser>[1]) => api.updateAdminUser(user.id, body),
    onSuccess: saved,
    onError: refused,
  });
  const newLink = useMutation({
    mutationFn: () => api.newUserLink(user.id),
    onSuccess: (l) => {
      setLink(l);
      setMessage(null);
      void qc.invalidateQueries({ queryKey: ['admin-users'] });
    },
    onError: refused,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local = validateEdit(draft);
    setErrors(local);
    setMessage(null);
    if (Object.keys(local).length > 0) return;
    const patch = editPatch(user, draft);
    if (patch) save.mutate(patch);
    else onClose();
  };
  const err = (f: string) => {
    const m = errors[f];
    return m === undefined ? undefined : m.startsWith('accounts.') ? t(m) : m;
  };
  const disabled = user.status === 'disabled';
  const self = me?.id === user.id;

  return (
    <ModalDialog titleId="user-title" onClose={onClose} testid="user-dialog">
      <div className="modal__head">
        <h2 id="user-title" className="modal__title">
          {user.name}
          <span className="acc-dialog__email">{user.email}</span>
        </h2>
        <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('admin.close')}>
          ×
        </button>
      </div>
      <form onSubmit={submit} noValidate>
        <div className="modal__body admin-form">
          <p>
            <span className={`badge acc-status acc-status--${user.status}`} data-testid="user-status">
              {t(`accounts.status.${user.status}`)}
            </span>
          </p>
          <FormField id="user-name" label={t('accounts.fields.name')} error={err('name')}>
            {(c) => (
              <input {...c} data-testid="user-name" maxLength={120} value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
            )}
          </FormField>
          <RoleLocaleFields idPrefix="user" roles={roles} role={draft.role} locale={draft.locale}
            roleError={err('role')} localeError={err('locale')}
            onRole={(role) => setDraft({ ...draft, role })} onLocale={(locale) => setDraft({ ...draft, locale })} />
          <RoleChecks idPrefix="user" roles={roles.filter((r) => !r.builtin)} value={draft.roleIds} error={err('role_ids')}
            onChange={(roleIds) => setDraft({ ...draft, roleIds })} />
          {err('disabled') && (
            <p className="form-field__error" role="alert">
              {err('disabled')}
            </p>
          )}
          <div className="acc-dialog__actions">
            {!disabled && (
              <button type="button" className="btn" onClick={() => newLink.mutate()} disabled={newLink.isPending} data-testid="user-new-link">
                {user.status === 'invited' ? t('accounts.edit.newInvite') : t('accounts.edit.resetLink')}
              </button>
            )}
            {!self &&
              (confirming ? (
                <span className="admin-actions__confirm">
                  <button type="button" className={disabled ? 'btn btn--primary' : 'btn btn--danger'} data-testid="user-toggle-confirm"
                    onClick={() => save.mutate({ version: user.version, disabled: !disabled })}>
                    {disabled ? t('accounts.edit.enableConfirm') : t('accounts.edit.disableConfirm')}
                  </button>
                  <button type="button" className="btn" onClick={() => setConfirming(false)}>
                    {t('admin.cancel')}
                  </button>
                </span>
              ) : (
                <button type="button" className={disabled ? 'btn' : 'btn btn--danger-text'} onClick={() => setConfirming(true)} data-testid="user-toggle">
                  {disabled ? t('accounts.edit.enable') : t('accounts.edit.disable')}
                </button>
              ))}
          </div>
          {confirming && !disabled && <p className="form-field__hint">{t('accounts.edit.disableHint')}</p>}
          {link && <LinkBox link={link} email={user.email} />}
        </div>
        <div className="modal__foot">
          {message && (
            <p className="form-alert" role="alert" data-testid="user-message">
              {message}
            </p>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('admin.close')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={save.isPending} data-testid="user-save">
            {save.isPending ? t('admin.saving') : t('admin.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
