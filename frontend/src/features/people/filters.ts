// The persons list's filters live in the URL (?q=&kind=), so a search can be shared and survives a reload.
import type { PersonKind, PersonQuery } from '../../api/types';

export const personKinds: readonly PersonKind[] = ['customer', 'consultant', 'employee'];

export interface PeopleFilters {
  q: string;
  kind: PersonKind | '';
}

function isKind(v: string | null): v is PersonKind {
  return v !== null && (personKinds as readonly string[]).includes(v);
}

/** parseFilters reads the filters from the URL; unknown values are ignored. */
export function parseFilters(sp: URLSearchParams): PeopleFilters {
  const kind = sp.get('kind');
  return { q: (sp.get('q') ?? '').slice(0, 200), kind: isKind(kind) ? kind : '' };
}

/** filtersToParams writes the filters back, leaving out empty ones. */
export function filtersToParams(f: PeopleFilters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.q.trim() !== '') sp.set('q', f.q);
  if (f.kind !== '') sp.set('kind', f.kind);
  return sp;
}

/** toQuery is the API query for one page of the list. */
export function toQuery(f: PeopleFilters, cursor: string | null): PersonQuery {
  const q: PersonQuery = { limit: 50 };
  if (f.q.trim() !== '') q.q = f.q.trim();
  if (f.kind !== '') q.kind = f.kind;
  if (cursor !== null) q.cursor = cursor;
  return q;
}
