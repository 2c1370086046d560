// The custom roles of an account, as a group of checkboxes.
import { useTranslation } from 'react-i18next';
import type { AccessRole } from '../../api/types';
import { roleName } from './roles';
import { toggleId } from './userForm';

interface Props {
  idPrefix: string;
  roles: AccessRole[];
  value: number[];
  error?: string | undefined;
  onChange: (ids: number[]) => void;
}

export function RoleChecks({ idPrefix, roles, value, error, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const errorId = `${idPrefix}-roles-error`;
  return (
    <fieldset className="acc-checks" aria-describedby={error ? errorId : undefined} aria-invalid={error !== undefined}>
      <legend className="form-field__label">{t('accounts.fields.customRoles')}</legend>
      {roles.length === 0 && <p className="form-field__hint">{t('accounts.fields.noCustomRoles')}</p>}
      {roles.map((r) => (
        <label key={r.id} className="admin-form__check">
          <input
            type="checkbox"
            data-testid={`${idPrefix}-custom-role-${r.key}`}
            checked={value.includes(r.id)}
            onChange={(e) => onChange(toggleId(value, r.id, e.target.checked))}
          />
          {roleName(r, i18n.language)}
        </label>
      ))}
      {error && (
        <p className="form-field__error" id={errorId}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
