// Editing a dashboard's arrangement: which of the allowed widgets show, in which order, at which size.
// Pure functions over the list PUT /dashboard/layout takes.
import type { DashboardLayout, LayoutItem, WidgetKey, WidgetSize } from '../../api/issue7-dashboard';

/** shownItems is the arrangement to draw: widgets the user may no longer see are left out. */
export function shownItems(l: DashboardLayout): LayoutItem[] {
  const allowed = new Set(l.widgets);
  return l.layout.filter((i) => allowed.has(i.key));
}

/** toggleWidget shows a hidden widget (at the end, size m) or hides a shown one. */
export function toggleWidget(items: readonly LayoutItem[], key: WidgetKey): LayoutItem[] {
  if (items.some((i) => i.key === key)) return items.filter((i) => i.key !== key);
  return [...items, { key, size: 'm' }];
}

/** moveWidget moves the widget at `from` to `to` (indexes into items; out of range: unchanged). */
export function moveWidget(items: readonly LayoutItem[], from: number, to: number): LayoutItem[] {
  if (from === to || from < 0 || to < 0 || from >= items.length || to >= items.length) return [...items];
  const next = [...items];
  const [it] = next.splice(from, 1);
  if (it !== undefined) next.splice(to, 0, it);
  return next;
}

export function resizeWidget(items: readonly LayoutItem[], key: WidgetKey, size: WidgetSize): LayoutItem[] {
  return items.map((i) => (i.key === key ? { ...i, size } : i));
}

/** sameLayout tells whether two arrangements are equal (nothing to save). */
export function sameLayout(a: readonly LayoutItem[], b: readonly LayoutItem[]): boolean {
  return a.length === b.length && a.every((x, i) => x.key === b[i]?.key && x.size === b[i]?.size);
}
