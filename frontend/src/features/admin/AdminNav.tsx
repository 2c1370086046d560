// The admin area's side navigation: its sections by permission, and under the open one its own links.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useLocation } from 'react-router';
import { useSession } from '../auth/session';
import { sectionsFor } from './sections';

export function AdminNav({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const { pathname } = useLocation();
  return (
    <nav className="admin__nav" aria-labelledby="admin-title">
      <h1 id="admin-title" className="admin__title">
        {t('admin.title')}
      </h1>
      <ul className="admin__kinds admin__sections">
        {sectionsFor(user).map((s) => (
          <li key={s.key}>
            <NavLink
              to={s.to}
              data-testid={`admin-section-${s.key}`}
              className={pathname.startsWith(s.to.replace(/\/categories$/, '')) ? 'admin__kind admin__kind--on' : 'admin__kind'}
            >
              {t(s.labelKey ?? `accounts.sections.${s.key}`)}
            </NavLink>
            {s.key === 'catalogs' && children}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** AdminForbidden tells someone without the permission of an admin page that they may not use it. */
export function AdminForbidden() {
  const { t } = useTranslation();
  return (
    <main className="admin admin--forbidden">
      <div className="admin-forbidden" role="alert" data-testid="admin-forbidden">
        <h1 className="admin-forbidden__title">{t('admin.forbidden.title')}</h1>
        <p>{t('admin.forbidden.text')}</p>
        <Link to="/" className="btn">
          {t('admin.forbidden.back')}
        </Link>
      </div>
    </main>
  );
}
