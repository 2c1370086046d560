// One widget on the dashboard: its title and total, the chart (loaded with ECharts on first use) and
// the same numbers as a list of links.
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Widget, WidgetKey, WidgetSize } from '../../api/issue7-dashboard';
import { chartOption } from './charts';
import { drillHref } from './filters';
import { WidgetNumbers } from './WidgetNumbers';

const EChart = lazy(() => import('./EChart'));

interface Props {
  widgetKey: WidgetKey;
  size: WidgetSize;
  data: Widget | undefined;
  error: Error | null;
  fetching: boolean;
}

export function WidgetCard({ widgetKey, size, data, error, fetching }: Props) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const option = useMemo(() => (data ? chartOption(data) : null), [data]);
  const title = t(`dashboard.widgets.${widgetKey}`);
  const titleId = `widget-title-${widgetKey}`;
  return (
    <section
      className={`dash-card dash-card--${size}`}
      data-testid={`widget-${widgetKey}`}
      aria-labelledby={titleId}
      aria-busy={fetching}
      data-seq={data?.seq}
    >
      <header className="dash-card__head">
        <h2 id={titleId} className="dash-card__title">
          {title}
        </h2>
        {data && (
          <span className="dash-card__total" data-testid={`widget-${widgetKey}-total`} data-value={data.total}>
            {t('dashboard.total', { n: new Intl.NumberFormat(i18n.language).format(data.total) })}
          </span>
        )}
      </header>
      {error !== null && data === undefined ? (
        <p className="dash-card__status" role="alert">
          {error.message}
        </p>
      ) : data === undefined ? (
        <p className="dash-card__status">{t('common.loading')}</p>
      ) : (
        <div className="dash-card__body">
          {option !== null && (
            <Suspense fallback={<div className="dash-chart" />}>
              <EChart option={option} label={t('dashboard.chartOf', { title })} onDrill={(d) => void navigate(drillHref(d))} />
            </Suspense>
          )}
          <WidgetNumbers widget={data} />
        </div>
      )}
    </section>
  );
}
