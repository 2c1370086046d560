// SlaBadge: a clock's countdown where a ticket is listed (board card, records table, My work): an icon
// and the time left, coloured by state, and the full sentence for screen readers and on hover.
import { useTranslation } from 'react-i18next';
import type { SLAInfo } from '../../api/issue6-sla';
import { byId, useCatalogs, useLabel } from '../catalog/useCatalogs';
import { slaView } from './countdown';
import { useSlaNow } from './useSlaNow';

/** useStatusName names a status by id in the language on screen (the status that pauses a clock). */
export function useStatusName(): (id: number) => string | undefined {
  const catalogs = useCatalogs();
  const label = useLabel();
  const statuses = byId(catalogs.data?.statuses);
  return (id) => {
    const s = statuses.get(id);
    return s ? label(s) : undefined;
  };
}

export function SlaBadge({ sla, compact = false }: { sla: SLAInfo | null | undefined; compact?: boolean }) {
  const { t } = useTranslation();
  const statusName = useStatusName();
  const now = useSlaNow(sla);
  if (!sla) return null;
  const v = slaView(sla, now, t, statusName);
  return (
    <span className={`${v.className}${compact ? ' sla--compact' : ''}`} title={v.label} data-testid="sla-badge" data-state={v.state}>
      <span className="sla__icon" aria-hidden="true">
        {v.icon}
      </span>
      <span className="sla__text" aria-hidden="true">
        {v.text}
      </span>
      <span className="visually-hidden">{v.label}</span>
    </span>
  );
}
