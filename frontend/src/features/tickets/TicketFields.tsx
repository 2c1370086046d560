// In-place editors of a ticket's fields. Selects save on change; text, people and dates open an editor
// (Enter or Save saves, Esc cancels). Each save sends only that field, based on the ticket the user saw
// when they started (see DetailStore.save); a field changed by someone else while its editor is open
// keeps the user's draft and says so.
import { useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { PersonRef, TicketDetail } from '../../api/types';
import { useCan } from '../auth/can';
import { IdMultiSelect } from '../roles/IdMultiSelect';
import { labelsOf, roleOptions, sameIds } from '../roles/roleOptions';
import { useRoles } from '../roles/useRoles';
import type { DetailStore } from './detailStore';
import { isoFromLocalInput, localInputFromIso, orderNumberPattern, parseTags } from './fields';
import type { PatchFields, Refs } from './fields';
import { formatDateTime } from './format';
import { gateOf } from './gating';
import { PersonPicker } from './PersonPicker';
import { activeOrCurrent } from './useLookups';
import type { useTicketLookups } from './useLookups';

type Lk = ReturnType<typeof useTicketLookups>;

interface Ids {
  controlId: string;
  errorId: string;
  describedBy: string | undefined;
  invalid: boolean;
}

/** useSave saves through the store and keeps the field's error (a field message or the server's). */
function useSave(store: DetailStore, keys: readonly string[]) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const save = async (mine: PatchFields, refs: Refs, base: TicketDetail): Promise<boolean> => {
    setError(null);
    try {
      await store.save(mine, refs, base);
      return true;
    } catch (err) {
      if (err instanceof ApiError) {
        const field = keys.map((k) => err.fields[k]).find((m) => m !== undefined);
        setError(field ?? err.message);
      } else {
        setError(t('errors.unknown'));
      }
      return false;
    }
  };
  return { error, setError, save };
}

function FieldBox({ name, label, error, children, labelFor = true }: { name: string; label: string; error: string | null; children: (ids: Ids) => ReactNode; labelFor?: boolean }) {
  const controlId = useId();
  const errorId = useId();
  const ids: Ids = { controlId, errorId, describedBy: error !== null ? errorId : undefined, invalid: error !== null };
  return (
    <div className="tf" data-testid={`field-${name}`}>
      {labelFor ? (
        <label htmlFor={controlId} className="tf__label">
          {label}
        </label>
      ) : (
        <span className="tf__label" id={`${controlId}-label`}>
          {label}
        </span>
      )}
      {children(ids)}
      {error !== null && (
        <p id={errorId} className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

interface Option {
  value: string;
  label: string;
}

interface SelectFieldProps {
  name: string;
  label: string;
  apiKeys: readonly string[];
  store: DetailStore;
  ticket: TicketDetail;
  value: string;
  options: Option[];
  /** none: the label of the empty choice, when the field may be empty. */
  none?: string;
  editable: boolean;
  toPatch: (v: string) => { mine: PatchFields; refs?: Refs };
}

function SelectField({ name, label, apiKeys, store, ticket, value, options, none, editable, toPatch }: SelectFieldProps) {
  const { error, save } = useSave(store, apiKeys);
  const shown = options.find((o) => o.value === value)?.label ?? (value === '' ? (none ?? '—') : '—');
  return (
    <FieldBox name={name} label={label} error={error} labelFor={editable}>
      {(ids) =>
        editable ? (
          <select
            id={ids.controlId}
            className="tf__select"
            value={value}
            aria-invalid={ids.invalid || undefined}
            aria-describedby={ids.describedBy}
            onChange={(e) => {
              const { mine, refs } = toPatch(e.target.value);
              void save(mine, refs ?? {}, ticket);
            }}
          >
            {(none !== undefined || value === '') && <option value="">{none ?? '—'}</option>}
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <span className="tf__text" aria-labelledby={`${ids.controlId}-label`}>
            {shown}
          </span>
        )
      }
    </FieldBox>
  );
}

interface TextFieldProps {
  name: string;
  label: string;
  apiKeys: readonly string[];
  store: DetailStore;
  ticket: TicketDetail;
  /** value: the field as text for the input; display: as shown. */
  value: string;
  display: string;
  editable: boolean;
  inputType?: 'text' | 'datetime-local';
  maxLength?: number;
  placeholder?: string;
  /** parse turns the input into a patch, or an error message. */
  parse: (text: string) => PatchFields | string;
  className?: string;
}

/** TextField shows a value and edits it in place. */
export function TextField({ name, label, apiKeys, store, ticket, value, display, editable, inputType = 'text', maxLength, placeholder, parse, className }: TextFieldProps) {
  const { t } = useTranslation();
  const { error, setError, save } = useSave(store, apiKeys);
  const [draft, setDraft] = useState<{ text: string; start: string; base: TicketDetail } | null>(null);
  const [busy, setBusy] = useState(false);
  const noteId = useId();
  const changedUnderneath = draft !== null && draft.start !== value;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (draft === null) return;
    const p = parse(draft.text);
    if (typeof p === 'string') {
      setError(p);
      return;
    }
    setBusy(true);
    const ok = await save(p, {}, draft.base);
    setBusy(false);
    if (ok) setDraft(null);
  };

  return (
    <FieldBox name={name} label={label} error={error} labelFor={draft !== null}>
      {(ids) =>
        draft === null ? (
          editable ? (
            <button
              type="button"
              className={`tf__value ${className ?? ''}`}
              aria-label={t('ticket.editField', { field: label, value: display || '—' })}
              onClick={() => {
                setError(null);
                setDraft({ text: value, start: value, base: ticket });
              }}
            >
              <span>{display || <span className="tf__empty">{t('ticket.empty')}</span>}</span>
              <span className="tf__pencil" aria-hidden="true">
                ✎
              </span>
            </button>
          ) : (
            <span className={`tf__text ${className ?? ''}`} aria-labelledby={`${ids.controlId}-label`}>
              {display || '—'}
            </span>
          )
        ) : (
          <form className="tf__form" onSubmit={(e) => void submit(e)}>
            <input
              id={ids.controlId}
              className="input tf__input"
              type={inputType}
              value={draft.text}
              maxLength={maxLength}
              placeholder={placeholder}
              autoFocus
              aria-invalid={ids.invalid || undefined}
              aria-describedby={[ids.describedBy, changedUnderneath ? noteId : undefined].filter(Boolean).join(' ') || undefined}
              onChange={(e) => setDraft({ ...draft, text: e.target.value })}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setDraft(null);
                  setError(null);
                }
              }}
            />
            <div className="tf__actions">
              <button type="submit" className="btn btn--primary btn--small" disabled={busy} data-testid={`field-${name}-save`}>
                {t('ticket.save')}
              </button>
              <button
                type="button"
                className="btn btn--small"
                onClick={() => {
                  setDraft(null);
                  setError(null);
                }}
              >
                {t('ticket.cancel')}
              </button>
            </div>
            {changedUnderneath && (
              <p id={noteId} className="tf__note" role="status">
                {t('ticket.changedUnderneath', { value: display || '—' })}
              </p>
            )}
          </form>
        )
      }
    </FieldBox>
  );
}

interface PersonFieldProps {
  name: string;
  label: string;
  apiKey: 'requester_id' | 'affected_id';
  store: DetailStore;
  ticket: TicketDetail;
  value: PersonRef | null;
  editable: boolean;
  clearable: boolean;
}

function PersonField({ name, label, apiKey, store, ticket, value, editable, clearable }: PersonFieldProps) {
  const { t } = useTranslation();
  const { error, setError, save } = useSave(store, [apiKey]);
  const [base, setBase] = useState<TicketDetail | null>(null);
  const startId = base === null ? null : base[apiKey === 'requester_id' ? 'requester' : 'affected']?.id ?? null;
  const changedUnderneath = base !== null && startId !== (value?.id ?? null);
  const pick = async (p: PersonRef | null) => {
    if (base === null) return;
    if (p === null && !clearable) return;
    const mine: PatchFields = apiKey === 'requester_id' ? { requester_id: p?.id ?? 0 } : { affected_id: p?.id ?? null };
    const refs: Refs = apiKey === 'requester_id' ? { requester: p } : { affected: p };
    if (await save(mine, refs, base)) setBase(null);
  };
  return (
    <FieldBox name={name} label={label} error={error} labelFor={false}>
      {(ids) =>
        base === null ? (
          editable ? (
            <button
              type="button"
              className="tf__value"
              aria-label={t('ticket.editField', { field: label, value: value?.name ?? '—' })}
              onClick={() => {
                setError(null);
                setBase(ticket);
              }}
            >
              <span>{value ? <PersonName p={value} /> : <span className="tf__empty">{t('ticket.empty')}</span>}</span>
              <span className="tf__pencil" aria-hidden="true">
                ✎
              </span>
            </button>
          ) : (
            <span className="tf__text" aria-labelledby={`${ids.controlId}-label`}>
              {value ? <PersonName p={value} /> : '—'}
            </span>
          )
        ) : (
          <div className="tf__form">
            <PersonPicker
              label={label}
              hideLabel
              testId={`field-${name}-input`}
              value={value}
              clearable={clearable}
              autoFocus
              describedBy={ids.describedBy}
              invalid={ids.invalid}
              onChange={(p) => void pick(p)}
              onEscape={() => setBase(null)}
            />
            <div className="tf__actions">
              <button type="button" className="btn btn--small" onClick={() => setBase(null)}>
                {t('ticket.cancel')}
              </button>
            </div>
            {changedUnderneath && (
              <p className="tf__note" role="status">
                {t('ticket.changedUnderneath', { value: value?.name ?? '—' })}
              </p>
            )}
          </div>
        )
      }
    </FieldBox>
  );
}

function PersonName({ p }: { p: PersonRef }) {
  return (
    <span className="person">
      <span className="person__name">{p.name}</span>
      {p.email && <span className="person__email">{p.email}</span>}
    </span>
  );
}

interface FieldsProps {
  store: DetailStore;
  ticket: TicketDetail;
  lk: Lk;
}

/** TicketFields is the side panel: every field but subject and description. */
export function TicketFields({ store, ticket, lk }: FieldsProps) {
  const { t } = useTranslation();
  // Each field is editable only when the server lists it in can.fields; the rest are read-only.
  const gate = gateOf(ticket);
  const staff = useCan('ticket.comment_internal');
  // The person pickers search GET /people, which needs people.view.
  const pickPeople = useCan('people.view');
  const c = lk.catalogs;
  const opts = <T extends { id: number; active: boolean; name_es: string; name_en: string }>(entries: readonly T[] | undefined, current: number | null): Option[] =>
    activeOrCurrent(entries, current).map((e) => ({ value: String(e.id), label: lk.label(e) }));
  const categories = (c?.categories ?? []).filter((x) => x.parent_id === null);
  const subcategories = (c?.categories ?? []).filter((x) => x.parent_id !== null && x.parent_id === ticket.category_id);
  const users = lk.users.some((u) => u.id === ticket.assignee?.id) || ticket.assignee === null ? lk.users : [...lk.users, ticket.assignee];
  const str = (v: number | null) => (v === null ? '' : String(v));
  const orderError = t('ticket.errors.orderNumber');

  return (
    <div className="ticket-fields">
      <SelectField
        name="status"
        label={t('ticket.fields.status_id')}
        apiKeys={['status_id']}
        store={store}
        ticket={ticket}
        editable={gate('status_id')}
        value={String(ticket.status_id)}
        options={opts(c?.statuses, ticket.status_id)}
        toPatch={(v) => ({ mine: { status_id: Number(v) } })}
      />
      <SelectField
        name="priority"
        label={t('ticket.fields.priority_id')}
        apiKeys={['priority_id']}
        store={store}
        ticket={ticket}
        editable={gate('priority_id')}
        value={String(ticket.priority_id)}
        options={opts(c?.priorities, ticket.priority_id)}
        toPatch={(v) => ({ mine: { priority_id: Number(v) } })}
      />
      <SelectField
        name="category"
        label={t('ticket.fields.category_id')}
        apiKeys={['category_id', 'subcategory_id']}
        store={store}
        ticket={ticket}
        editable={gate('category_id')}
        value={str(ticket.category_id)}
        options={opts(categories, ticket.category_id)}
        toPatch={(v) => {
          const id = Number(v);
          const sub = ticket.subcategory_id === null ? undefined : lk.categories.get(ticket.subcategory_id);
          // A subcategory of another category goes with the change (the server would clear it too).
          return { mine: sub !== undefined && sub.parent_id !== id ? { category_id: id, subcategory_id: null } : { category_id: id } };
        }}
      />
      <SelectField
        name="subcategory"
        label={t('ticket.fields.subcategory_id')}
        apiKeys={['subcategory_id']}
        store={store}
        ticket={ticket}
        editable={gate('subcategory_id') && ticket.category_id !== null}
        value={str(ticket.subcategory_id)}
        none={t('ticket.none')}
        options={opts(subcategories, ticket.subcategory_id)}
        toPatch={(v) => ({ mine: { subcategory_id: v === '' ? null : Number(v) } })}
      />
      <SelectField
        name="channel"
        label={t('ticket.fields.channel_id')}
        apiKeys={['channel_id']}
        store={store}
        ticket={ticket}
        editable={gate('channel_id')}
        value={str(ticket.channel_id)}
        options={opts(c?.channels, ticket.channel_id)}
        toPatch={(v) => ({ mine: v === '' ? {} : { channel_id: Number(v) } })}
      />
      <SelectField
        name="queue"
        label={t('ticket.fields.queue_id')}
        apiKeys={['queue_id']}
        store={store}
        ticket={ticket}
        editable={gate('queue_id')}
        value={str(ticket.queue_id)}
        none={t('ticket.none')}
        options={opts(c?.queues, ticket.queue_id)}
        toPatch={(v) => ({ mine: { queue_id: v === '' ? null : Number(v) } })}
      />
      <SelectField
        name="assignee"
        label={t('ticket.fields.assignee_id')}
        apiKeys={['assignee_id']}
        store={store}
        ticket={ticket}
        editable={gate('assignee_id')}
        value={str(ticket.assignee?.id ?? null)}
        none={t('ticket.unassigned')}
        options={users.map((u) => ({ value: String(u.id), label: u.name }))}
        toPatch={(v) => {
          if (v === '') return { mine: { assignee_id: null }, refs: { assignee: null } };
          const u = users.find((x) => String(x.id) === v) ?? null;
          return { mine: { assignee_id: Number(v) }, refs: { assignee: u } };
        }}
      />
      <PersonField name="requester" label={t('ticket.fields.requester_id')} apiKey="requester_id" store={store} ticket={ticket} value={ticket.requester} editable={gate('requester_id') && pickPeople} clearable={false} />
      <PersonField name="affected" label={t('ticket.fields.affected_id')} apiKey="affected_id" store={store} ticket={ticket} value={ticket.affected} editable={gate('affected_id') && pickPeople} clearable />
      <TextField
        name="order_number"
        label={t('ticket.fields.order_number')}
        apiKeys={['order_number']}
        store={store}
        ticket={ticket}
        editable={gate('order_number')}
        value={ticket.order_number ?? ''}
        display={ticket.order_number ?? ''}
        maxLength={40}
        parse={(text) => {
          const v = text.trim();
          if (v === '') return { order_number: null };
          return orderNumberPattern.test(v) ? { order_number: v } : orderError;
        }}
      />
      <TextField
        name="tags"
        label={t('ticket.fields.tags')}
        apiKeys={['tags']}
        store={store}
        ticket={ticket}
        editable={gate('tags')}
        value={ticket.tags.join(', ')}
        display={ticket.tags.map((x) => `#${x}`).join(' ')}
        placeholder={t('ticket.tagsHint')}
        parse={(text) => {
          const r = parseTags(text);
          if (r.ok) return { tags: r.tags };
          return r.error === 'tooMany' ? t('ticket.errors.tooManyTags') : t('ticket.errors.badTag', { tag: r.tag ?? '' });
        }}
      />
      <TextField
        name="due_at"
        label={t('ticket.fields.due_at')}
        apiKeys={['due_at']}
        store={store}
        ticket={ticket}
        editable={gate('due_at')}
        inputType="datetime-local"
        value={localInputFromIso(ticket.due_at)}
        display={ticket.due_at === null ? '' : formatDateTime(ticket.due_at, lk.lang)}
        parse={(text) => {
          const v = isoFromLocalInput(text);
          return v === undefined ? t('ticket.errors.badDate') : { due_at: v };
        }}
      />
      {staff && <AllowedRolesField store={store} ticket={ticket} editable={gate('allowed_roles')} lang={lk.lang} />}
    </div>
  );
}

interface AllowedRolesProps {
  store: DetailStore;
  ticket: TicketDetail;
  editable: boolean;
  lang: string;
}

/** AllowedRolesField shows the roles whose holders see the ticket and, with ticket.set_roles, edits
 * them (a new queue or typification resets them to theirs, so the hint says so). */
function AllowedRolesField({ store, ticket, editable, lang }: AllowedRolesProps) {
  const { t } = useTranslation();
  const roles = useRoles();
  const { error, setError, save } = useSave(store, ['allowed_roles']);
  const [draft, setDraft] = useState<{ ids: number[]; start: number[]; base: TicketDetail } | null>(null);
  const [busy, setBusy] = useState(false);
  const groupId = useId();
  const label = t('access.allowedRoles.label');
  const options = roleOptions(roles.data ?? [], lang, draft?.ids ?? ticket.allowed_roles);
  const names = labelsOf(options, ticket.allowed_roles);
  const display = names.length === 0 ? t('access.allowedRoles.none') : names.join(', ');
  const changedUnderneath = draft !== null && !sameIds(draft.start, ticket.allowed_roles);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    setBusy(true);
    const ok = await save({ allowed_roles: draft.ids }, {}, draft.base);
    setBusy(false);
    if (ok) setDraft(null);
  };
  const cancel = () => {
    setDraft(null);
    setError(null);
  };

  return (
    <div className="tf" data-testid="field-allowed_roles">
      {draft === null ? (
        <>
          <span className="tf__label" id={`${groupId}-label`}>
            {label}
          </span>
          {editable ? (
            <button
              type="button"
              className="tf__value"
              data-testid="field-allowed_roles-edit"
              aria-label={t('ticket.editField', { field: label, value: display })}
              onClick={() => {
                setError(null);
                setDraft({ ids: [...ticket.allowed_roles], start: [...ticket.allowed_roles], base: ticket });
              }}
            >
              <span>{display}</span>
              <span className="tf__pencil" aria-hidden="true">
                ✎
              </span>
            </button>
          ) : (
            <span className="tf__text" aria-labelledby={`${groupId}-label`} data-testid="field-allowed_roles-value">
              {display}
            </span>
          )}
          {error !== null && (
            <p className="field__error" role="alert">
              {error}
            </p>
          )}
        </>
      ) : (
        <form
          className="tf__form"
          onSubmit={(e) => void submit(e)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              cancel();
            }
          }}
        >
          <IdMultiSelect
            id={groupId}
            testid="field-allowed_roles-input"
            legend={label}
            options={options}
            value={draft.ids}
            onChange={(ids) => setDraft({ ...draft, ids })}
            error={error ?? (roles.error ? roles.error.message : undefined)}
            hint={t('access.allowedRoles.hint')}
            empty={roles.isPending ? t('common.loading') : t('access.allowedRoles.noRoles')}
          />
          <div className="tf__actions">
            <button type="submit" className="btn btn--primary btn--small" disabled={busy} data-testid="field-allowed_roles-save">
              {t('ticket.save')}
            </button>
            <button type="button" className="btn btn--small" onClick={cancel}>
              {t('ticket.cancel')}
            </button>
          </div>
          {changedUnderneath && (
            <p className="tf__note" role="status">
              {t('ticket.changedUnderneath', { value: display })}
            </p>
          )}
        </form>
      )}
    </div>
  );
}

interface DescriptionProps {
  store: DetailStore;
  ticket: TicketDetail;
  editable: boolean;
}

/** Description shows the server-rendered description and edits its Markdown. */
export function Description({ store, ticket, editable }: DescriptionProps) {
  const { t } = useTranslation();
  const { error, setError, save } = useSave(store, ['description']);
  const [draft, setDraft] = useState<{ text: string; start: string; base: TicketDetail } | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const changedUnderneath = draft !== null && draft.start !== ticket.description;

  const submit = async (e: { preventDefault: () => void }) => {
    e.preventDefault();
    if (draft === null) return;
    setBusy(true);
    const ok = await save({ description: draft.text }, {}, draft.base);
    setBusy(false);
    if (ok) setDraft(null);
  };

  return (
    <section className="ticket-description" data-testid="field-description" aria-labelledby={`${inputId}-h`}>
      <div className="ticket-section__head">
        <h2 id={`${inputId}-h`} className="ticket-section__title">
          {t('ticket.fields.description')}
        </h2>
        {editable && draft === null && (
          <button
            type="button"
            className="btn btn--small"
            data-testid="field-description-edit"
            onClick={() => {
              setError(null);
              setDraft({ text: ticket.description, start: ticket.description, base: ticket });
            }}
          >
            {t('ticket.edit')}
          </button>
        )}
      </div>
      {draft === null ? (
        ticket.description_html !== '' ? (
          // Safe: description_html is rendered and sanitised by the server (goldmark without raw HTML,
          // then a bluemonday UGC policy: no scripts, no event handlers, only http/https/mailto links).
          // It is the only HTML this component injects, and never anything the browser typed.
          <div className="markdown" dangerouslySetInnerHTML={{ __html: ticket.description_html }} />
        ) : ticket.description !== '' ? (
          <p className="markdown markdown--plain">{ticket.description}</p>
        ) : (
          <p className="tf__empty">{t('ticket.noDescription')}</p>
        )
      ) : (
        <form className="ticket-description__form" onSubmit={(e) => void submit(e)}>
          <label htmlFor={inputId} className="visually-hidden">
            {t('ticket.fields.description')}
          </label>
          <textarea
            id={inputId}
            className="textarea"
            rows={10}
            maxLength={50_000}
            value={draft.text}
            autoFocus
            aria-invalid={error !== null || undefined}
            aria-describedby={error !== null ? errorId : undefined}
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setDraft(null);
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
            }}
          />
          <p className="hint">{t('ticket.markdownHint')}</p>
          {changedUnderneath && (
            <p className="tf__note" role="status">
              {t('ticket.descriptionChanged')}
            </p>
          )}
          {error !== null && (
            <p id={errorId} className="field__error" role="alert">
              {error}
            </p>
          )}
          <div className="tf__actions">
            <button type="submit" className="btn btn--primary btn--small" disabled={busy} data-testid="field-description-save">
              {t('ticket.save')}
            </button>
            <button type="button" className="btn btn--small" onClick={() => setDraft(null)}>
              {t('ticket.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
