// The admin's configuration: /admin/catalogs/:kind, a side list of the eight catalogs and the chosen
// one's table. Anyone who may manage no catalog and reaches the address is told they may not; kb.manage alone
// opens the knowledge-base categories.
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, useParams } from 'react-router';
import { useSession } from '../auth/session';
import { AdminForbidden, AdminNav } from './AdminNav';
import { CatalogPanel } from './CatalogPanel';
import { isCatalogKind } from './kinds';
import { catalogKindsFor } from './sections';

export default function AdminPage() {
  const { t } = useTranslation();
  const { data: user } = useSession();
  const kinds = catalogKindsFor(user);
  const { kind } = useParams();

  if (kinds.length === 0) return <AdminForbidden />;
  if (!isCatalogKind(kind) || !kinds.includes(kind)) return <Navigate to={`/admin/catalogs/${kinds[0]}`} replace />;

  return (
    <main className="admin">
      <AdminNav>
        <ul className="admin__kinds admin__kinds--sub">
          {kinds.map((k) => (
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
