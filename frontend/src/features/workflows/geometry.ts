// The diagram's geometry: state boxes at (x, y), arrows from box edge to box edge (two arrows between
// the same states in opposite directions bend apart), the label point of each arrow, the canvas size,
// and moving a box with the keyboard. Pure functions, unit-tested.
import type { WorkflowDefinition, WorkflowState } from '../../api/issue5';

export const nodeWidth = 150;
export const nodeHeight = 48;
export const canvasMargin = 40;
/** bend is how far (px) an arrow's middle leaves the straight line when it shares its two states. */
export const bend = 26;
export const keyStep = 10;
export const keyStepLarge = 50;
export const maxCoord = 4000;

export interface Point {
  x: number;
  y: number;
}

/** centerOf is the middle of a state's box. */
export function centerOf(s: Pick<WorkflowState, 'x' | 'y'>): Point {
  return { x: s.x + nodeWidth / 2, y: s.y + nodeHeight / 2 };
}

/** borderPoint is where the ray from a box's centre towards `toward` leaves the box. */
export function borderPoint(c: Point, toward: Point): Point {
  const dx = toward.x - c.x;
  const dy = toward.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : nodeWidth / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : nodeHeight / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

/** Arrow is one drawn arrow: its SVG path, its ends and its label point. */
export interface Arrow {
  /** transition is the index of its transition; one transition with several `from` draws several arrows. */
  transition: number;
  from: number;
  to: number;
  d: string;
  start: Point;
  end: Point;
  label: Point;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** arrowBetween draws an arrow between two boxes, bent sideways by `offset` px (0 = straight). */
export function arrowBetween(a: Pick<WorkflowState, 'x' | 'y'>, b: Pick<WorkflowState, 'x' | 'y'>, offset: number): Omit<Arrow, 'transition' | 'from' | 'to'> {
  const ca = centerOf(a);
  const cb = centerOf(b);
  const dx = cb.x - ca.x;
  const dy = cb.y - ca.y;
  const len = Math.hypot(dx, dy) || 1;
  // The normal to the left of a→b: b→a bends to the other side with the same offset.
  const nx = -dy / len;
  const ny = dx / len;
  const mid = { x: (ca.x + cb.x) / 2 + nx * offset * 2, y: (ca.y + cb.y) / 2 + ny * offset * 2 };
  const start = borderPoint(ca, offset === 0 ? cb : mid);
  const end = borderPoint(cb, offset === 0 ? ca : mid);
  const label = offset === 0 ? { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 } : { x: (ca.x + cb.x) / 2 + nx * offset, y: (ca.y + cb.y) / 2 + ny * offset };
  const d =
    offset === 0
      ? `M${round(start.x)},${round(start.y)} L${round(end.x)},${round(end.y)}`
      : `M${round(start.x)},${round(start.y)} Q${round(mid.x)},${round(mid.y)} ${round(end.x)},${round(end.y)}`;
  return { d, start, end, label: { x: round(label.x), y: round(label.y) } };
}

/** arrowsOf lists the arrows of a definition: one per (transition, from state) whose states exist. */
export function arrowsOf(def: WorkflowDefinition): Arrow[] {
  const byStatus = new Map(def.states.map((s) => [s.status_id, s]));
  const pairs: { transition: number; from: number; to: number }[] = [];
  def.transitions.forEach((t, i) => {
    for (const f of t.from) if (byStatus.has(f) && byStatus.has(t.to) && f !== t.to) pairs.push({ transition: i, from: f, to: t.to });
  });
  // Arrows sharing their two states (either way) fan out: straight when alone.
  const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
  const groups = new Map<string, number>();
  for (const p of pairs) groups.set(key(p.from, p.to), (groups.get(key(p.from, p.to)) ?? 0) + 1);
  const seenDir = new Map<string, number>();
  return pairs.map((p) => {
    const n = groups.get(key(p.from, p.to)) ?? 1;
    const dirKey = `${p.from}>${p.to}`;
    const rank = seenDir.get(dirKey) ?? 0;
    seenDir.set(dirKey, rank + 1);
    const offset = n === 1 ? 0 : bend * (rank + 1);
    return { ...p, ...arrowBetween(byStatus.get(p.from)!, byStatus.get(p.to)!, offset) };
  });
}

/** canvasSize is the SVG's size: every box plus a margin (at least a small canvas). */
export function canvasSize(states: readonly Pick<WorkflowState, 'x' | 'y'>[]): { width: number; height: number } {
  let w = 600;
  let h = 320;
  for (const s of states) {
    w = Math.max(w, s.x + nodeWidth + canvasMargin);
    h = Math.max(h, s.y + nodeHeight + canvasMargin);
  }
  return { width: w, height: h };
}

/** clampPos keeps a box on the canvas (not left of or above it, not absurdly far), in whole px. */
export function clampPos(p: Point): Point {
  return { x: Math.round(Math.min(maxCoord, Math.max(0, p.x))), y: Math.round(Math.min(maxCoord, Math.max(0, p.y))) };
}

/** keyMove is the new position of a box for an arrow key (Shift: larger steps), or null for other keys. */
export function keyMove(p: Point, key: string, large: boolean): Point | null {
  const step = large ? keyStepLarge : keyStep;
  const d: Record<string, Point> = { ArrowLeft: { x: -step, y: 0 }, ArrowRight: { x: step, y: 0 }, ArrowUp: { x: 0, y: -step }, ArrowDown: { x: 0, y: step } };
  const m = d[key];
  return m ? clampPos({ x: p.x + m.x, y: p.y + m.y }) : null;
}

/** nextFreeSpot places a new state to the right of the others, on the first row with room. */
export function nextFreeSpot(states: readonly Pick<WorkflowState, 'x' | 'y'>[]): Point {
  if (states.length === 0) return { x: canvasMargin, y: canvasMargin };
  const maxX = Math.max(...states.map((s) => s.x));
  return clampPos({ x: maxX + nodeWidth + 60, y: states[states.length - 1]!.y });
}
