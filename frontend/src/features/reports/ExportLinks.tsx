// The CSV and Excel download links of a report, for those who may export.
import { useTranslation } from 'react-i18next';
import type { ExportFormat } from '../../api/issue7-reports';
import { useCan } from '../auth/can';

export function ExportLinks({ url, testid }: { url: (f: ExportFormat) => string; testid: string }) {
  const { t } = useTranslation();
  if (!useCan('ticket.export')) return null;
  return (
    <span className="reports__exports">
      <a className="btn" href={url('csv')} download data-testid={`${testid}-csv`}>
        {t('reports.export.csv')}
      </a>
      <a className="btn" href={url('xlsx')} download data-testid={`${testid}-xlsx`}>
        {t('reports.export.xlsx')}
      </a>
    </span>
  );
}
