// "Invite user": name, email, role, custom roles and language; then the link to send, with a copy
// button and its expiry.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AccessRole, InvitedUser } from '../../api/types';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { LinkBox } from './LinkBox';
import { RoleChecks } from './RoleChecks';
import { RoleLocaleFields } from './RoleLocaleFields';
import { inviteBody, serverErrors, validateInvite } from './userForm';
import type { FieldErrors, InviteDraft } from './userForm';

interface Props {
  roles: AccessRole[];
  onClose: () => void;
}

const fields = ['name', 'email', 'role', 'role_ids', 'locale'] as const;

export function InviteDialog({ roles, onClose }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<InviteDraft>({ name: '', email: '', role: 'agent', roleIds: [], locale: 'es' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState<InvitedUser | null>(null);
  const invite = useMutation({
    mutationFn: () => api.inviteUser(inviteBody(draft)),
    onSuccess: (res) => {
      setDone(res);
      void qc.invalidateQueries({ queryKey: ['admin-users'] });
      void qc.invalidateQueries({ queryKey: ['roles'] });
    },
    onError: (err) => {
      const e = serverErrors(err, fields);
      setErrors(e.fields);
      setMessage(e.message);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local = validateInvite(draft);
    setErrors(local);
    setMessage(null);
    if (Object.keys(local).length === 0) invite.mutate();
  };
  const err = (f: string) => {
    const m = errors[f];
    return m === undefined ? undefined : m.startsWith('accounts.') ? t(m) : m;
  };
  const custom = roles.filter((r) => !r.builtin);

  return (
    <ModalDialog titleId="invite-title" onClose={onClose} testid="invite-dialog">
      <div className="modal__head">
        <h2 id="invite-title" className="modal__title">
          {t('accounts.invite.title')}
        </h2>
        <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('admin.close')}>
          ×
        </button>
      </div>
      {done ? (
        <>
          <div className="modal__body">
            <LinkBox link={{ invite_url: done.invite_url, expires_at: done.expires_at }} email={done.user.email} />
          </div>
          <div className="modal__foot">
            <button type="button" className="btn btn--primary" onClick={onClose} data-testid="invite-done">
              {t('admin.close')}
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <div className="modal__body admin-form">
            <FormField id="invite-name" label={t('accounts.fields.name')} error={err('name')}>
              {(c) => (
                <input {...c} data-testid="invite-name" maxLength={120} value={draft.name} autoFocus
                  onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
              )}
            </FormField>
            <FormField id="invite-email" label={t('accounts.fields.email')} error={err('email')}>
              {(c) => (
                <input {...c} data-testid="invite-email" type="email" maxLength={254} value={draft.email}
                  onChange={(e) => setDraft({ ...draft, email: e.target.value })} />
              )}
            </FormField>
            <RoleLocaleFields idPrefix="invite" roles={roles} role={draft.role} locale={draft.locale}
              roleError={err('role')} localeError={err('locale')} roleHint={t('accounts.fields.roleHint')}
              onRole={(role) => setDraft({ ...draft, role })} onLocale={(locale) => setDraft({ ...draft, locale })} />
            <RoleChecks idPrefix="invite" roles={custom} value={draft.roleIds} error={err('role_ids')}
              onChange={(roleIds) => setDraft({ ...draft, roleIds })} />
          </div>
          <div className="modal__foot">
            {message && (
              <p className="form-alert" role="alert">
                {message}
              </p>
            )}
            <button type="button" className="btn" onClick={onClose}>
              {t('admin.cancel')}
            </button>
            <button type="submit" className="btn btn--primary" disabled={invite.isPending} data-testid="invite-submit">
              {invite.isPending ? t('admin.saving') : t('accounts.invite.submit')}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
