// The admin's configuration: /admin/catalogs/:kind, a side list of the eight catalogs and the chosen
// one's table. Anyone without the catalogs permission who reaches the address is told they may not.
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, useParams } from 'react-router';
import { useCan } from '../auth/can';
import { AdminForbidden, AdminNav } from './AdminNav';
import { CatalogPanel } from './CatalogPanel';
import { catalogKinds, isCatalogKind } from './kinds';

export default function AdminPage() {
  const { t } = useTranslation();
  const allowed = useCan('catalog.manage');
  const { kind } = useParams();

  if (!allowed) return <AdminForbidden />;
  if (!isCatalogKind(kind)) return <Navigate to="/admin/catalogs/categories" replace />;

  return (
    <main className="admin">
      <AdminNav>
        <ul className="admin__kinds admin__kinds--sub">
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
      </AdminNav>
      <CatalogPanel key={kind} kind={kind} />
    </main>
  );
}
