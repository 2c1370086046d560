// An account's primary role and language, side by side: the invite dialog and the edit panel share them.
import { useTranslation } from 'react-i18next';
import type { AccessRole, Role } from '../../api/types';
import { FormField } from '../newTicket/FormField';
import { builtinRoles } from './filters';
import { roleName } from './roles';
import type { Locale } from './userForm';

interface Props {
  idPrefix: string;
  roles: AccessRole[];
  role: Role;
  locale: Locale;
  roleError?: string | undefined;
  localeError?: string | undefined;
  roleHint?: string | undefined;
  onRole: (role: Role) => void;
  onLocale: (locale: Locale) => void;
}

export function RoleLocaleFields({ idPrefix, roles, role, locale, roleError, localeError, roleHint, onRole, onLocale }: Props) {
  const { t, i18n } = useTranslation();
  const builtinName = (key: string) => {
    const r = roles.find((x) => x.builtin && x.key === key);
    return r ? roleName(r, i18n.language) : key;
  };
  return (
    <div className="admin-form__pair">
      <FormField id={`${idPrefix}-role`} label={t('accounts.fields.role')} error={roleError} hint={roleHint}>
        {(c) => (
          <select {...c} data-testid={`${idPrefix}-role`} value={role} onChange={(e) => onRole(e.target.value as Role)}>
            {builtinRoles.map((r) => (
              <option key={r} value={r}>
                {builtinName(r)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id={`${idPrefix}-locale`} label={t('accounts.fields.locale')} error={localeError}>
        {(c) => (
          <select {...c} data-testid={`${idPrefix}-locale`} value={locale} onChange={(e) => onLocale(e.target.value as Locale)}>
            <option value="es">{t('accounts.locale.es')}</option>
            <option value="en">{t('accounts.locale.en')}</option>
          </select>
        )}
      </FormField>
    </div>
  );
}
