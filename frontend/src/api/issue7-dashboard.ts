// Dashboard (issue 7): the API types of the layout and the widgets, declared by hand exactly as the
// contract states them until their schemas are generated from shared/api/openapi.yaml; then these
// become aliases of components['schemas'][...].
import { request, withQuery } from './client';

/** WidgetKey names a widget of the catalog (its permission is `widget.<key>`). */
export const widgetKeys = [
  'issue_type',
  'status',
  'queue',
  'priority',
  'sla',
  'agent_load',
  'response_times',
  'created_resolved',
  'top_typifications',
  'backlog_age',
] as const;
export type WidgetKey = (typeof widgetKeys)[number];

export const widgetSizes = ['s', 'm', 'l'] as const;
export type WidgetSize = (typeof widgetSizes)[number];

export interface LayoutItem {
  key: WidgetKey;
  size: WidgetSize;
}

/** DashboardLayout is GET/PUT /dashboard/layout: the widgets the user may see and their arrangement. */
export interface DashboardLayout {
  /** widgets: the keys this user may see, in catalog order. */
  widgets: WidgetKey[];
  layout: LayoutItem[];
  version: number;
}

export interface LayoutInput {
  layout: LayoutItem[];
  version: number;
}

/** WidgetSlice is one number of a counter widget; drill is the records-table query of its tickets. */
export interface WidgetSlice {
  id: string;
  label: string;
  color?: string | null;
  value: number;
  drill: string;
  children?: WidgetSlice[] | null;
}

export interface WidgetPoint {
  x: string;
  value: number;
  drill: string;
}

export interface WidgetSeries {
  id: string;
  label: string;
  points: WidgetPoint[];
}

/** WidgetStat is one clock's response time: median and p90 in wall-clock seconds (null without tickets). */
export interface WidgetStat {
  id: string;
  label: string;
  count: number;
  median_s: number | null;
  p90_s: number | null;
  drill: string;
}

export interface WidgetCompliance {
  clock: string;
  label: string;
  met: number;
  breached: number;
  /** percent: met / (met + breached) × 100; null when no clock ended in the period. */
  percent: number | null;
  drill_met: string;
  drill_breached: string;
}

/** Widget is GET /dashboard/widgets/{key}. */
export interface Widget {
  key: WidgetKey;
  total: number;
  from: string;
  to: string;
  slices?: WidgetSlice[] | null;
  series?: WidgetSeries[] | null;
  stats?: WidgetStat[] | null;
  compliance?: WidgetCompliance[] | null;
  seq: number;
}

/** WidgetFilters are the dashboard's filters: days of the desk's time zone (inclusive) and catalog ids. */
export interface WidgetFilters {
  from?: string;
  to?: string;
  queue?: number;
  category?: number;
  channel?: number;
}

// The records table's drill-down parameters the dashboard's numbers link to.
export const slaStateNames = ['on_track', 'at_risk', 'breached'] as const;
export type SlaStateName = (typeof slaStateNames)[number];
export const slaClockNames = ['first_response', 'resolution'] as const;
export type SlaClockName = (typeof slaClockNames)[number];
export const slaResults = ['met', 'breached'] as const;
export type SlaResult = (typeof slaResults)[number];

/** DrillQuery is what GET /tickets and its export accept besides the filters of issue 3. */
export interface DrillQuery {
  open?: boolean;
  resolved_from?: string;
  resolved_to?: string;
  responded_from?: string;
  responded_to?: string;
  sla_state?: SlaStateName;
  sla_clock?: SlaClockName;
  sla_result?: SlaResult;
  sla_from?: string;
  sla_to?: string;
}

export const dashboardApi = {
  layout: (signal?: AbortSignal) => request<DashboardLayout>('GET', '/dashboard/layout', undefined, signal),
  saveLayout: (body: LayoutInput) => request<DashboardLayout>('PUT', '/dashboard/layout', body),
  widget: (key: WidgetKey, f: WidgetFilters, signal?: AbortSignal) =>
    request<Widget>('GET', withQuery(`/dashboard/widgets/${key}`, { ...f }), undefined, signal),
};
