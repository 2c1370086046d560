// The person form (new-person dialog and the profile's edit mode): values, checks that mirror the
// server's (so most mistakes show before a round trip), the request bodies, and the server's field
// errors mapped back onto the form's fields.
import type { CommercialStatus, ContactKind, Person, PersonCreate, PersonKind, PersonPatch } from '../../api/types';

export const commercialStatuses: readonly CommercialStatus[] = ['active', 'inactive', 'suspended', 'retired'];

export interface SponsorRef {
  id: number;
  name: string;
}

export interface PersonFormValues {
  name: string;
  email: string;
  kind: PersonKind;
  document_id: string;
  rank: string;
  commercial_status: CommercialStatus | '';
  sponsor: SponsorRef | null;
  /** phone is the new-person dialog's optional first phone. */
  phone: string;
}

export type PersonField = keyof PersonFormValues;
export type FormErrors = Partial<Record<PersonField, string>>;

/** Translate is the subset of i18next's t the checks need. */
export type Translate = (key: string, opts?: Record<string, unknown>) => string;

export function emptyForm(): PersonFormValues {
  return { name: '', email: '', kind: 'customer', document_id: '', rank: '', commercial_status: '', sponsor: null, phone: '' };
}

export function formFromPerson(p: Person): PersonFormValues {
  return {
    name: p.name,
    email: p.email,
    kind: p.kind,
    document_id: p.document_id ?? '',
    rank: p.rank ?? '',
    commercial_status: p.commercial_status ?? '',
    sponsor: p.sponsor ? { id: p.sponsor.id, name: p.sponsor.name } : null,
    phone: '',
  };
}

const emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(v: string): boolean {
  return emailRe.test(v.trim()) && v.trim().length <= 254;
}

/** isValidPhone accepts digits, spaces and + ( ) - . with 6 to 20 digits, as the server does. */
export function isValidPhone(v: string): boolean {
  if (!/^[0-9 +().-]*$/.test(v)) return false;
  const digits = v.replace(/\D/g, '').length;
  return digits >= 6 && digits <= 20;
}

/** contactError checks a contact value for its kind; undefined when it is fine. */
export function contactError(kind: ContactKind, value: string, t: Translate): string | undefined {
  const v = value.trim();
  switch (kind) {
    case 'email':
      return isValidEmail(v) ? undefined : t('people.errors.email');
    case 'phone':
      return isValidPhone(v) ? undefined : t('people.errors.phone');
    case 'address':
      return v.length >= 1 && v.length <= 500 ? undefined : t('people.errors.address');
  }
}

/** validatePerson returns the form's problems; an empty object means it may be sent. */
export function validatePerson(v: PersonFormValues, t: Translate): FormErrors {
  const e: FormErrors = {};
  const name = v.name.trim();
  if (name.length < 1 || name.length > 120) e.name = t('people.errors.name');
  if (v.email.trim() === '') e.email = t('people.errors.required');
  else if (!isValidEmail(v.email)) e.email = t('people.errors.email');
  if (v.document_id.trim().length > 40) e.document_id = t('people.errors.max', { max: 40 });
  if (v.kind === 'consultant' && v.rank.trim().length > 60) e.rank = t('people.errors.max', { max: 60 });
  if (v.phone.trim() !== '' && !isValidPhone(v.phone)) e.phone = t('people.errors.phone');
  return e;
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** toCreateBody is the POST /persons body for the form. */
export function toCreateBody(v: PersonFormValues): PersonCreate {
  const body: PersonCreate = { name: v.name.trim(), email: v.email.trim(), kind: v.kind };
  const doc = orNull(v.document_id);
  if (doc !== null) body.document_id = doc;
  if (v.kind === 'consultant') {
    const rank = orNull(v.rank);
    if (rank !== null) body.rank = rank;
    if (v.commercial_status !== '') body.commercial_status = v.commercial_status;
  }
  if (v.sponsor) body.sponsor_id = v.sponsor.id;
  if (v.phone.trim() !== '') body.contacts = [{ kind: 'phone', value: v.phone.trim() }];
  return body;
}

/** toPatchBody is the PATCH body with only what changed against p, or null when nothing did. */
export function toPatchBody(v: PersonFormValues, p: Person): PersonPatch | null {
  const body: PersonPatch = { version: p.version };
  let changed = false;
  if (v.name.trim() !== p.name) {
    body.name = v.name.trim();
    changed = true;
  }
  if (v.email.trim() !== p.email) {
    body.email = v.email.trim();
    changed = true;
  }
  if (v.kind !== p.kind) {
    body.kind = v.kind;
    changed = true;
  }
  if (orNull(v.document_id) !== (p.document_id ?? null)) {
    body.document_id = orNull(v.document_id);
    changed = true;
  }
  if (v.kind === 'consultant') {
    if (orNull(v.rank) !== (p.rank ?? null)) {
      body.rank = orNull(v.rank);
      changed = true;
    }
    const status = v.commercial_status === '' ? null : v.commercial_status;
    if (status !== null && status !== p.commercial_status) {
      body.commercial_status = status;
      changed = true;
    }
  }
  if ((v.sponsor?.id ?? null) !== (p.sponsor?.id ?? null)) {
    body.sponsor_id = v.sponsor?.id ?? null;
    changed = true;
  }
  return changed ? body : null;
}

const serverField: Record<string, PersonField> = {
  name: 'name',
  email: 'email',
  kind: 'kind',
  document_id: 'document_id',
  rank: 'rank',
  commercial_status: 'commercial_status',
  sponsor_id: 'sponsor',
  'contacts[0].value': 'phone',
  'contacts[0].kind': 'phone',
};

/** mapServerErrors puts the server's per-field messages on the form's fields; the rest comes back in
 * `other`, to be shown above the buttons. */
export function mapServerErrors(fields: Record<string, string>): { errors: FormErrors; other: string[] } {
  const errors: FormErrors = {};
  const other: string[] = [];
  for (const [k, msg] of Object.entries(fields)) {
    const f = serverField[k];
    if (f !== undefined) errors[f] = msg;
    else other.push(msg);
  }
  return { errors, other };
}
