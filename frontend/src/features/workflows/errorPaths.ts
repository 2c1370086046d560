// Error paths (`states[1].status_id`, `transitions[0].to`, `definition.transitions[2].fields[0].key`,
// `name_es`) mapped to the element of the editor they belong to and the control inside it, so the
// server's 422 and the client's checks show on the node, the arrow and the side panel's field.

/** ElementRef names an editable element: the workflow itself, a state or a transition (by index). */
export type ElementRef = { kind: 'workflow' } | { kind: 'state'; index: number } | { kind: 'transition'; index: number };

/** PathTarget is where an error path points: an element and the control inside it (`''` for the
 * element as a whole). */
export interface PathTarget {
  element: ElementRef;
  field: string;
}

const itemPath = /^(states|transitions)\[(\d+)\](?:\.([a-z_]+))?(?:\[\d+\])?(?:\..*)?$/;

/** targetOf maps an error path to its element and control. */
export function targetOf(path: string): PathTarget {
  const p = path.startsWith('definition.') ? path.slice('definition.'.length) : path;
  const m = itemPath.exec(p);
  if (m) {
    const element: ElementRef = m[1] === 'states' ? { kind: 'state', index: Number(m[2]) } : { kind: 'transition', index: Number(m[2]) };
    return { element, field: m[3] ?? '' };
  }
  if (p === 'states' || p === 'transitions' || p === 'definition') return { element: { kind: 'workflow' }, field: p };
  return { element: { kind: 'workflow' }, field: p };
}

/** elementKey is a stable string for an element (map keys, data attributes). */
export function elementKey(e: ElementRef): string {
  return e.kind === 'workflow' ? 'workflow' : `${e.kind}:${e.index}`;
}

/** ErrorIndex holds the messages of one element by control (`''` = the element as a whole). */
export type ErrorIndex = Map<string, Map<string, string[]>>;

/** indexErrors groups messages (path → message) by element and control. */
export function indexErrors(errors: Readonly<Record<string, string>>): ErrorIndex {
  const out: ErrorIndex = new Map();
  for (const [path, message] of Object.entries(errors)) {
    const t = targetOf(path);
    const k = elementKey(t.element);
    let byField = out.get(k);
    if (!byField) {
      byField = new Map();
      out.set(k, byField);
    }
    byField.set(t.field, [...(byField.get(t.field) ?? []), message]);
  }
  return out;
}

/** errorsOf is the messages of one element by control, empty when it has none. */
export function errorsOf(index: ErrorIndex, e: ElementRef): ReadonlyMap<string, string[]> {
  return index.get(elementKey(e)) ?? new Map();
}

/** fieldError is one control's messages as a sentence, or undefined. */
export function fieldError(errs: ReadonlyMap<string, string[]>, field: string): string | undefined {
  const m = errs.get(field);
  return m && m.length > 0 ? m.join(' ') : undefined;
}

/** mergeErrors joins the client's and the server's messages for the same path. */
export function mergeErrors(...sets: Readonly<Record<string, string>>[]): Record<string, string> {
  const out: Record<string, string[]> = {};
  for (const s of sets) for (const [k, v] of Object.entries(s)) if (!(out[k] ??= []).includes(v)) out[k].push(v);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join(' ')]));
}

/** dropElementErrors removes the errors of one element (it was edited; the server's verdict is stale). */
export function dropElementErrors(errors: Readonly<Record<string, string>>, e: ElementRef): Record<string, string> {
  const k = elementKey(e);
  return Object.fromEntries(Object.entries(errors).filter(([path]) => elementKey(targetOf(path).element) !== k));
}
