// /reports: the pivot table builder and the change history across tickets, each with its file exports.
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../auth/can';
import { HistoryView } from './HistoryView';
import { PivotView } from './PivotView';

export default function ReportsPage() {
  const { t } = useTranslation();
  const [sp, setSp] = useSearchParams();
  const canPivot = useCan('report.pivot');
  const canHistory = useCan('report.history');
  const tab = sp.get('tab') === 'history' || !canPivot ? 'history' : 'pivot';
  if (!canPivot && !canHistory) {
    return (
      <p className="reports__empty" role="alert" data-testid="reports-forbidden">
        {t('reports.forbidden')}
      </p>
    );
  }
  return (
    <div className="reports">
      <h1>{t('reports.title')}</h1>
      <div className="reports__tabs" role="tablist">
        {canPivot && (
          <button type="button" role="tab" aria-selected={tab === 'pivot'} className="btn btn--ghost" onClick={() => setSp({})} data-testid="reports-tab-pivot">
            {t('reports.tabs.pivot')}
          </button>
        )}
        {canHistory && (
          <button type="button" role="tab" aria-selected={tab === 'history'} className="btn btn--ghost" onClick={() => setSp({ tab: 'history' })} data-testid="reports-tab-history">
            {t('reports.tabs.history')}
          </button>
        )}
      </div>
      {tab === 'pivot' ? <PivotView /> : <HistoryView />}
    </div>
  );
}
