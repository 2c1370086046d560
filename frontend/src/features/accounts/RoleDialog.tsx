// Create a custom role (names in Spanish and English) or rename a role.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AccessRole } from '../../api/types';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { conflictRole } from './roles';
import { serverErrors } from './userForm';
import type { FieldErrors } from './userForm';

interface Props {
  role: AccessRole | null; // null: a new role
  onClose: () => void;
}

function checkName(s: string): string | undefined {
  if (s.trim() === '') return 'accounts.errors.required';
  if ([...s.trim()].length > 80) return 'accounts.errors.roleNameTooLong';
  return undefined;
}

export function RoleDialog({ role, onClose }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [nameEs, setNameEs] = useState(role?.name_es ?? '');
  const [nameEn, setNameEn] = useState(role?.name_en ?? '');
  const [version, setVersion] = useState(role?.version ?? 0);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      role
        ? api.updateRole(role.id, { version, name_es: nameEs.trim(), name_en: nameEn.trim() })
        : api.createRole({ name_es: nameEs.trim(), name_en: nameEn.trim() }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['roles'] });
      onClose();
    },
    onError: (err) => {
      const cur = conflictRole(err);
      if (cur) {
        setNameEs(cur.name_es);
        setNameEn(cur.name_en);
        setVersion(cur.version);
        void qc.invalidateQueries({ queryKey: ['roles'] });
      }
      const e = serverErrors(err, ['name_es', 'name_en']);
      setErrors(e.fields);
      setMessage(e.message);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const local: FieldErrors = {};
    const es = checkName(nameEs);
    const en = checkName(nameEn);
    if (es) local.name_es = es;
    if (en) local.name_en = en;
    setErrors(local);
    setMessage(null);
    if (Object.keys(local).length === 0) save.mutate();
  };
  const err = (f: string) => {
    const m = errors[f];
    return m === undefined ? undefined : m.startsWith('accounts.') ? t(m) : m;
  };
  return (
    <ModalDialog titleId="role-title" onClose={onClose} testid="role-dialog">
      <form onSubmit={submit} noValidate>
        <div className="modal__head">
          <h2 id="role-title" className="modal__title">
            {role ? t('accounts.roles.renameTitle') : t('accounts.roles.newTitle')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('admin.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          <FormField id="role-name-es" label={t('admin.fields.name_es')} error={err('name_es')}>
            {(c) => <input {...c} data-testid="role-name-es" maxLength={80} value={nameEs} autoFocus onChange={(e) => setNameEs(e.target.value)} />}
          </FormField>
          <FormField id="role-name-en" label={t('admin.fields.name_en')} error={err('name_en')}>
            {(c) => <input {...c} data-testid="role-name-en" maxLength={80} value={nameEn} onChange={(e) => setNameEn(e.target.value)} />}
          </FormField>
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
          <button type="submit" className="btn btn--primary" disabled={save.isPending} data-testid="role-save">
            {save.isPending ? t('admin.saving') : t('admin.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
