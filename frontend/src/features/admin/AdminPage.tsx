// The admin's configuration: /admin/catalogs/:kind, a side list of the eight catalogs and the chosen
// one's table. Anyone else who reaches the address is told they may not.
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, useParams } from 'react-router';
import { useSession } from '../auth/session';
import { CatalogPanel } from './CatalogPanel';
import { catalogKinds, isAdmin, isCatalogKind } from './kinds';

export default function AdminPage() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const { kind } = useParams();

  if (!isAdmin(user?.role)) {
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
  if (!isCatalogKind(kind)) return <Navigate to="/admin/catalogs/categories" replace />;

  return (
    <main className="admin">
      <nav className="admin__nav" aria-labelledby="admin-title">
        <h1 id="admin-title" className="admin__title">
          {t('admin.title')}
        </h1>
        <ul className="admin__kinds">
          {catalogKinds.map((k) => (
            <li key={k}>
              <NavLink
                to={`/admin/catalogs/${k}`}
                data-testid={`admin-kind-${k}`}
                className={({ isActive }) => (isActive ? 'admin__kind admin__kind--on' : 'admin__kind')}
              >
                {t(`admin.kinds.${k}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <CatalogPanel key={kind} kind={kind} />
    </main>
  );
}
