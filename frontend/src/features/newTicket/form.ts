// The new-ticket form: the draft the dialog edits, the server's checks made before sending, the
// request body, and the server's field errors placed by the fields they are about.
import type { Category, Channel, NewTicketRequest, PersonRef, Priority } from '../../api/types';

/** Requester is who the ticket is for: a person found by search, a new person, or nobody chosen yet. */
export type Requester =
  | { mode: 'none' }
  | { mode: 'existing'; person: PersonRef }
  | { mode: 'new'; name: string; email: string };

/** Draft is what the dialog's fields hold; ids as text, '' for none. */
export interface Draft {
  channel: string;
  category: string;
  subcategory: string;
  /** priority: '' means the default (the `delegate` priority). */
  priority: string;
  requester: Requester;
  affected: PersonRef | null;
  order: string;
  subject: string;
  description: string;
  files: File[];
}

export const emptyDraft: Draft = {
  channel: '',
  category: '',
  subcategory: '',
  priority: '',
  requester: { mode: 'none' },
  affected: null,
  order: '',
  subject: '',
  description: '',
  files: [],
};

/** Field is a place in the dialog an error is shown next to. */
export type Field =
  | 'channel'
  | 'category'
  | 'subcategory'
  | 'priority'
  | 'requester'
  | 'requesterName'
  | 'requesterEmail'
  | 'affected'
  | 'order'
  | 'subject'
  | 'description'
  | 'files';

/** fieldOrder is the order of the fields on screen (the first with an error gets the focus). */
export const fieldOrder: readonly Field[] = [
  'channel',
  'category',
  'subcategory',
  'priority',
  'requester',
  'requesterName',
  'requesterEmail',
  'affected',
  'order',
  'subject',
  'description',
  'files',
];

/** FieldError is a message key under newTicket.errors with its parameters. */
export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}

export type Errors = Partial<Record<Field, FieldError>>;

/** maxFileBytes is the server's default ATTACHMENT_MAX_BYTES (10 MiB). */
export const maxFileBytes = 10 * 1024 * 1024;

export const orderPattern = /^[A-Za-z0-9-]{1,40}$/;
// The server checks addresses fully; this catches the typing mistakes.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** FileLike is the part of a File the checks read. */
export type FileLike = Pick<File, 'name' | 'size'>;

/** oversized lists the files larger than the server takes. */
export function oversized<F extends FileLike>(files: readonly F[]): F[] {
  return files.filter((f) => f.size > maxFileBytes);
}

/** validateDraft checks the draft as POST /tickets will; an empty result means it may be sent. `staff`:
 * the user holds ticket.create_for (picks the channel, priority and requester; others are their own
 * requester, as the server decides with access.CanCreateFor). */
export function validateDraft(d: Draft, staff: boolean): Errors {
  const e: Errors = {};
  const subject = d.subject.trim();
  if (subject === '') e.subject = { key: 'required' };
  else if (subject.length > 300) e.subject = { key: 'tooLong', params: { max: 300 } };
  if (d.description.length > 50_000) e.description = { key: 'tooLong', params: { max: 50_000 } };
  if (d.category === '') e.category = { key: 'required' };
  const order = d.order.trim();
  if (order !== '' && !orderPattern.test(order)) e.order = { key: 'order' };
  if (staff) {
    if (d.channel === '') e.channel = { key: 'required' };
    if (d.requester.mode === 'none') e.requester = { key: 'requester' };
    if (d.requester.mode === 'new') {
      const name = d.requester.name.trim();
      const email = d.requester.email.trim();
      if (name === '') e.requesterName = { key: 'required' };
      else if (name.length > 120) e.requesterName = { key: 'tooLong', params: { max: 120 } };
      if (email === '') e.requesterEmail = { key: 'required' };
      else if (email.length > 254 || !emailPattern.test(email)) e.requesterEmail = { key: 'email' };
    }
  }
  const big = oversized(d.files);
  if (big.length > 0) e.files = { key: 'fileTooLarge', params: { names: big.map((f) => f.name).join(', '), max: '10 MiB' } };
  return e;
}

function id(v: string): number | undefined {
  return v === '' ? undefined : Number(v);
}

/** toRequest is POST /tickets' body; fields others may not set are left out for non-staff. */
export function toRequest(d: Draft, staff: boolean): NewTicketRequest {
  const body: NewTicketRequest = { subject: d.subject.trim(), category_id: Number(d.category) };
  if (d.description.trim() !== '') body.description = d.description;
  const sub = id(d.subcategory);
  if (sub !== undefined) body.subcategory_id = sub;
  const order = d.order.trim();
  if (order !== '') body.order_number = order;
  if (staff) {
    const channel = id(d.channel);
    if (channel !== undefined) body.channel_id = channel;
    const priority = id(d.priority);
    if (priority !== undefined) body.priority_id = priority;
    if (d.requester.mode === 'existing') body.requester_id = d.requester.person.id;
    if (d.requester.mode === 'new') body.requester = { name: d.requester.name.trim(), email: d.requester.email.trim() };
    if (d.affected !== null) body.affected_id = d.affected.id;
  }
  return body;
}

const serverField: Record<string, Field> = {
  subject: 'subject',
  description: 'description',
  channel_id: 'channel',
  category_id: 'category',
  subcategory_id: 'subcategory',
  priority_id: 'priority',
  requester_id: 'requester',
  requester: 'requester',
  'requester.name': 'requesterName',
  'requester.email': 'requesterEmail',
  affected_id: 'affected',
  order_number: 'order',
};

/** serverErrors places the server's field errors by the dialog's fields; the rest are shown above
 * the buttons. */
export function serverErrors(fields: Record<string, string>): { byField: Partial<Record<Field, string>>; other: string[] } {
  const byField: Partial<Record<Field, string>> = {};
  const other: string[] = [];
  for (const [name, message] of Object.entries(fields)) {
    const f = serverField[name];
    if (f === undefined) other.push(message);
    else byField[f] = byField[f] === undefined ? message : `${byField[f]} ${message}`;
  }
  return { byField, other };
}

function byPosition<E extends { position: number; id: number }>(a: E, b: E): number {
  return a.position - b.position || a.id - b.id;
}

/** topCategories are the active top-level categories, in order. */
export function topCategories(all: readonly Category[]): Category[] {
  return all.filter((c) => c.parent_id === null && c.active).sort(byPosition);
}

/** subcategoriesOf are the active subcategories of an active category, in order (none for an inactive
 * category: deactivating a category hides its subcategories here). */
export function subcategoriesOf(all: readonly Category[], categoryId: string): Category[] {
  if (categoryId === '') return [];
  const parent = Number(categoryId);
  if (!all.some((c) => c.id === parent && c.active && c.parent_id === null)) return [];
  return all.filter((c) => c.parent_id === parent && c.active).sort(byPosition);
}

/** withCategory sets the category and drops a subcategory that does not belong to it. */
export function withCategory(d: Draft, all: readonly Category[], categoryId: string): Draft {
  const keep = subcategoriesOf(all, categoryId).some((s) => String(s.id) === d.subcategory);
  return { ...d, category: categoryId, subcategory: keep ? d.subcategory : '' };
}

/** activeOf keeps the active entries, in order. */
export function activeOf<E extends Channel | Priority>(all: readonly E[]): E[] {
  return all.filter((e) => e.active).sort(byPosition);
}

/** defaultPriority is the id of the `delegate` (Media) priority when active: the server's default. */
export function defaultPriority(all: readonly Priority[]): number | null {
  return all.find((p) => p.key === 'delegate' && p.active)?.id ?? null;
}

/** IdempotencyKeys keeps one Idempotency-Key per request body: a retry of the same form sends the same
 * key (the server answers the first result again), a changed form gets a new one (the server would
 * refuse the old key with another body). */
export class IdempotencyKeys {
  private body: string | null = null;
  private key = '';
  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  keyFor(body: string): string {
    if (body !== this.body) {
      this.body = body;
      this.key = this.newKey();
    }
    return this.key;
  }
}

/** KeyEventLike is the part of a keydown event the shortcut reads. */
export interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat: boolean;
  defaultPrevented: boolean;
  target: EventTarget | null;
}

function isTyping(target: EventTarget | null): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const el = target as { tagName?: unknown; isContentEditable?: unknown };
  if (el.isContentEditable === true) return true;
  return typeof el.tagName === 'string' && ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName.toUpperCase());
}

/** isNewTicketShortcut: `n` alone, not while typing in a field. */
export function isNewTicketShortcut(e: KeyEventLike): boolean {
  if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return false;
  if (e.key !== 'n' && e.key !== 'N') return false;
  return !isTyping(e.target);
}

/** formatSize shows a byte count as B, KiB or MiB. */
export function formatSize(bytes: number, lang: string): string {
  const nf = (n: number) => n.toLocaleString(lang === 'en' ? 'en' : 'es', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${nf(bytes / 1024)} KiB`;
  return `${nf(bytes / (1024 * 1024))} MiB`;
}

/** addFiles appends picked files, skipping ones already in the list. */
export function addFiles(current: readonly File[], picked: readonly File[]): File[] {
  const seen = new Set(current.map((f) => `${f.name}|${f.size}|${f.lastModified}`));
  const out = [...current];
  for (const f of picked) {
    const k = `${f.name}|${f.size}|${f.lastModified}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(f);
    }
  }
  return out;
}
