// The transition dialog's form: one input per field key (money as amount + currency, catalog ids as
// selects, text), the comment and the confirmation; client checks, the request body, and the server's
// 422 paths (`fields.amount`, `comment`) mapped back to the inputs.
import type { TicketTransition, TransitionFieldKey, TransitionFieldValue, TransitionRequest } from '../../api/issue5';

export type InputKind = 'money' | 'catalog' | 'user' | 'text' | 'longtext' | 'datetime' | 'credit_type';

/** inputKind is how the dialog asks for a field. */
export function inputKind(key: TransitionFieldKey): InputKind {
  switch (key) {
    case 'amount':
    case 'credit_limit':
      return 'money';
    case 'priority_id':
    case 'queue_id':
    case 'category_id':
    case 'subcategory_id':
    case 'note_reason_id':
      return 'catalog';
    case 'assignee_id':
      return 'user';
    case 'due_at':
      return 'datetime';
    case 'credit_type':
      return 'credit_type';
    case 'reason':
      return 'longtext';
    case 'order_number':
      return 'text';
  }
}

export const currencies = ['COP', 'USD'] as const;
export const maxReason = 2000;
const moneyPattern = /^\d{1,15}(\.\d{1,2})?$/;

/** FormValues are the dialog's inputs as typed: strings (a money field is `amount` + `currency`). */
export interface FormValues {
  fields: Partial<Record<TransitionFieldKey, string>>;
  currency: Partial<Record<TransitionFieldKey, string>>;
  comment: string;
  confirmed: boolean;
}

export function emptyForm(): FormValues {
  return { fields: {}, currency: {}, comment: '', confirmed: false };
}

/** FormErrors are i18n keys (under workflows.dialog.errors) or server messages, by input name
 * (`fields.<key>`, `comment`, `confirm`). */
export type FormErrors = Record<string, { key?: string; message?: string; values?: Record<string, string | number> }>;

/** validateForm checks what the dialog can check itself. */
export function validateForm(tr: Pick<TicketTransition, 'fields' | 'comment_required' | 'confirm'>, v: FormValues): FormErrors {
  const out: FormErrors = {};
  for (const f of tr.fields) {
    const raw = (v.fields[f.key] ?? '').trim();
    const name = `fields.${f.key}`;
    if (raw === '') {
      if (f.required) out[name] = { key: 'required' };
      continue;
    }
    const kind = inputKind(f.key);
    if (kind === 'money' && (!moneyPattern.test(raw) || Number(raw) <= 0)) out[name] = { key: 'money' };
    if (kind === 'longtext' && raw.length > maxReason) out[name] = { key: 'tooLong', values: { max: maxReason } };
    if (kind === 'datetime' && Number.isNaN(new Date(raw).getTime())) out[name] = { key: 'date' };
  }
  if (tr.comment_required && v.comment.trim() === '') out.comment = { key: 'commentRequired' };
  if (v.comment.length > 10000) out.comment = { key: 'tooLong', values: { max: 10000 } };
  if (tr.confirm && !v.confirmed) out.confirm = { key: 'confirm' };
  return out;
}

/** fieldValue turns one typed input into the value the API takes. */
export function fieldValue(key: TransitionFieldKey, v: FormValues): TransitionFieldValue | undefined {
  const raw = (v.fields[key] ?? '').trim();
  if (raw === '') return undefined;
  switch (inputKind(key)) {
    case 'money':
      return { amount: raw, currency: v.currency[key] ?? currencies[0] };
    case 'catalog':
    case 'user':
      return Number(raw);
    case 'datetime':
      return new Date(raw).toISOString();
    default:
      return raw;
  }
}

/** requestBody is the POST /tickets/{id}/transitions body. */
export function requestBody(tr: TicketTransition, v: FormValues, version: number, afterId?: number | null): TransitionRequest {
  const fields: TransitionRequest['fields'] = {};
  for (const f of tr.fields) {
    const val = fieldValue(f.key, v);
    if (val !== undefined) fields[f.key] = val;
  }
  const body: TransitionRequest = { transition: tr.key, version, fields, comment: v.comment.trim() };
  if (afterId !== undefined) body.after_id = afterId;
  return body;
}

/** serverErrors maps a 422's fields to the dialog's inputs: `fields.amount` (or `amount`, and
 * `fields.amount.currency`) to the amount input, `comment` to the comment; the rest is returned as
 * `other` messages. */
export function serverErrors(fields: Readonly<Record<string, string>>, tr: Pick<TicketTransition, 'fields'>): { errors: FormErrors; other: string[] } {
  const errors: FormErrors = {};
  const other: string[] = [];
  const keys = new Set<string>(tr.fields.map((f) => f.key));
  for (const [path, message] of Object.entries(fields)) {
    const m = /^(?:fields\.)?([a-z_]+)(?:\..*)?$/.exec(path);
    const key = m?.[1];
    if (key === 'comment' || key === 'confirm') errors[key] = { message };
    else if (key !== undefined && keys.has(key)) errors[`fields.${key}`] = { message };
    else other.push(message);
  }
  return { errors, other };
}

/** transitionFromDefinition builds the dialog's view of a definition transition (the board knows the
 * definition, not GET /tickets/{id}/transitions). */
export function transitionFromDefinition(
  t: { key: string; name_es: string; name_en: string; to: number; fields: TicketTransition['fields']; comment_required: boolean; confirm: boolean },
  lang: string,
): TicketTransition {
  return {
    key: t.key,
    name: lang === 'en' ? t.name_en : t.name_es,
    to_status_id: t.to,
    allowed: true,
    reason: '',
    fields: t.fields,
    comment_required: t.comment_required,
    confirm: t.confirm,
  };
}
