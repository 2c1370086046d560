// Multi-selects of ids (roles, supervisors): the value as a sorted set of ids and the options with
// their labels, keeping chosen ids the list no longer has (a deleted role) visible as `#id`.
import type { RoleOption } from './useRoles';

/** IdOption is one choice of an id multi-select. */
export interface IdOption {
  id: number;
  label: string;
}

/** normalizeIds is a set of ids as the server stores it: unique, ascending. */
export function normalizeIds(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** toggleId adds or removes one id, keeping the value normalised. */
export function toggleId(ids: readonly number[], id: number, on: boolean): number[] {
  const rest = ids.filter((x) => x !== id);
  return normalizeIds(on ? [...rest, id] : rest);
}

/** sameIds tells whether two id lists hold the same set. */
export function sameIds(a: readonly number[], b: readonly number[]): boolean {
  const x = normalizeIds(a);
  const y = normalizeIds(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** roleLabel is a role's name in a language (English for `en…`, Spanish otherwise). */
export function roleLabel(r: Pick<RoleOption, 'name_es' | 'name_en'>, lang: string): string {
  return lang.startsWith('en') ? r.name_en : r.name_es;
}

/** roleOptions are the roles as choices in a language, then any chosen id that is not among them. */
export function roleOptions(roles: readonly RoleOption[], lang: string, chosen: readonly number[] = []): IdOption[] {
  return withMissing(
    roles.map((r) => ({ id: r.id, label: roleLabel(r, lang) })),
    chosen,
  );
}

/** withMissing appends chosen ids the options lack, labelled `#id`, so they can still be removed. */
export function withMissing(options: readonly IdOption[], chosen: readonly number[]): IdOption[] {
  const have = new Set(options.map((o) => o.id));
  const missing = normalizeIds(chosen).filter((id) => !have.has(id));
  return [...options, ...missing.map((id) => ({ id, label: `#${id}` }))];
}

/** labelsOf names chosen ids in the options' order ('#id' for unknown ones). */
export function labelsOf(options: readonly IdOption[], chosen: readonly number[]): string[] {
  const set = new Set(chosen);
  return withMissing(options, chosen)
    .filter((o) => set.has(o.id))
    .map((o) => o.label);
}
