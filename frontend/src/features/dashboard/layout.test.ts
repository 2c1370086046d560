import { describe, expect, it } from 'vitest';
import type { LayoutItem } from '../../api/issue7-dashboard';
import { moveWidget, resizeWidget, sameLayout, shownItems, toggleWidget } from './layout';

const items: LayoutItem[] = [
  { key: 'status', size: 'm' },
  { key: 'queue', size: 's' },
  { key: 'sla', size: 'l' },
];

describe('dashboard layout editing', () => {
  it('draws only widgets the user may still see, in the saved order', () => {
    expect(shownItems({ widgets: ['sla', 'status'], layout: items, version: 3 })).toEqual([items[0], items[2]]);
  });

  it('hides a shown widget and shows a hidden one at the end, size m', () => {
    expect(toggleWidget(items, 'queue').map((i) => i.key)).toEqual(['status', 'sla']);
    expect(toggleWidget(items, 'agent_load')).toEqual([...items, { key: 'agent_load', size: 'm' }]);
  });

  it('moves a widget up or down and leaves out-of-range moves alone', () => {
    expect(moveWidget(items, 2, 0).map((i) => i.key)).toEqual(['sla', 'status', 'queue']);
    expect(moveWidget(items, 0, 1).map((i) => i.key)).toEqual(['queue', 'status', 'sla']);
    expect(moveWidget(items, 0, 3)).toEqual(items);
    expect(moveWidget(items, -1, 0)).toEqual(items);
  });

  it('resizes one widget and tells an unchanged arrangement', () => {
    const r = resizeWidget(items, 'queue', 'l');
    expect(r[1]).toEqual({ key: 'queue', size: 'l' });
    expect(sameLayout(r, items)).toBe(false);
    expect(sameLayout(resizeWidget(r, 'queue', 's'), items)).toBe(true);
    expect(sameLayout(moveWidget(items, 0, 1), items)).toBe(false);
  });
});
