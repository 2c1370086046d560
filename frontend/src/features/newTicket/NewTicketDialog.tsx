// The new-ticket dialog: typification, requester, subject, description and files. The draft lives in
// the launcher, so closing the dialog or a refused request loses nothing; files are uploaded once the
// ticket exists, each with its own result.
import { useEffect, useRef, useState } from 'react';
import type { Dispatch, FormEvent, SetStateAction } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { TicketDetail } from '../../api/types';
import { byId, useCatalogs, useLabel } from '../catalog/useCatalogs';
import { useToast } from '../toast/toast';
import { FormField } from './FormField';
import { ModalDialog } from './ModalDialog';
import { PersonPicker } from './PersonPicker';
import {
  activeOf,
  addFiles,
  defaultPriority,
  fieldOrder,
  formatSize,
  maxFileBytes,
  serverErrors,
  subcategoriesOf,
  toRequest,
  topCategories,
  validateDraft,
  withCategory,
} from './form';
import type { Draft, Errors, Field, IdempotencyKeys } from './form';
import { uploadAll, uploadErrorMessage } from './uploads';
import type { UploadState } from './uploads';

interface Props {
  draft: Draft;
  setDraft: Dispatch<SetStateAction<Draft>>;
  keys: IdempotencyKeys;
  staff: boolean;
  onClose: () => void;
  /** onCreated clears the draft: the ticket exists, the next one starts empty. */
  onCreated: () => void;
  /** stay keeps the user on the page they opened the form from (the portal's order listing, where the
   * new ticket appears on its order) instead of opening the new ticket. */
  stay?: boolean;
}

/** inputIds are the ids of the fields' inputs, to focus the first one with an error. */
const inputIds: Record<Field, string> = {
  channel: 'nt-channel',
  category: 'nt-category',
  subcategory: 'nt-subcategory',
  priority: 'nt-priority',
  requester: 'nt-requester',
  requesterName: 'nt-requester-name',
  requesterEmail: 'nt-requester-email',
  affected: 'nt-affected',
  order: 'nt-order',
  subject: 'nt-subject',
  description: 'nt-description',
  files: 'nt-files',
};

// A stable ref callback: runs once when the upload view appears, so the focus moves to its heading.
function focusOnMount(el: HTMLDivElement | null): void {
  el?.querySelector<HTMLElement>('h2')?.focus();
}

interface Created {
  ticket: TicketDetail;
  files: File[];
  states: UploadState[];
}

export default function NewTicketDialog({ draft, setDraft, keys, staff, onClose, onCreated, stay = false }: Props) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const toast = useToast();
  const navigate = useNavigate();
  const catalogs = useCatalogs();
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [created, setCreated] = useState<Created | null>(null);
  const [uploading, setUploading] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const c = catalogs.data;
  const categories = c?.categories ?? [];
  const tops = topCategories(categories);
  const subs = subcategoriesOf(categories, draft.category);
  const channels = activeOf(c?.channels ?? []);
  const priorities = activeOf(c?.priorities ?? []);
  const defaultPriorityId = defaultPriority(c?.priorities ?? []);
  const categoryById = byId(categories);
  const lang = i18n.language === 'en' ? 'en' : 'es';
  const describe = (id: string) => {
    const e = id === '' ? undefined : categoryById.get(Number(id));
    return e ? (lang === 'en' ? e.description_en : e.description_es) : '';
  };

  const clearErrors = (fields: Field[]) => {
    if (!fields.some((f) => errors[f] !== undefined)) return;
    setErrors((e) => {
      const next = { ...e };
      for (const f of fields) delete next[f];
      return next;
    });
  };
  const update = (patch: Partial<Draft>, clear: Field[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    clearErrors(clear);
  };

  const message = (e: Errors): Partial<Record<Field, string>> => {
    const out: Partial<Record<Field, string>> = {};
    for (const [f, fe] of Object.entries(e) as [Field, { key: string; params?: Record<string, string | number> }][]) {
      out[f] = t(`newTicket.errors.${fe.key}`, fe.params ?? {});
    }
    return out;
  };

  const focusFirst = (fields: Partial<Record<Field, string>>) => {
    const first = fieldOrder.find((f) => fields[f] !== undefined);
    if (first === undefined) return;
    if (first === 'description') setTab('write');
    requestAnimationFrame(() => document.getElementById(inputIds[first])?.focus());
  };

  const runUploads = async (ticket: TicketDetail, files: File[], states: UploadState[]) => {
    setUploading(true);
    const ok = await uploadAll(
      files,
      states,
      (f) => api.uploadAttachment(ticket.id, f),
      (i, s) =>
        setCreated((cr) => (cr === null ? cr : { ...cr, states: cr.states.map((x, j) => (j === i ? s : x)) })),
      (err) => uploadErrorMessage(err, t('newTicket.files.tooLargeServer'), t('errors.unknown')),
    );
    if (!mounted.current) return;
    setUploading(false);
    if (ok) {
      onClose();
      void navigate(`/tickets/${ticket.id}`);
    }
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (submitting) return;
    const found = message(validateDraft(draft, staff));
    if (Object.keys(found).length > 0) {
      setErrors(found);
      setGeneral([]);
      focusFirst(found);
      return;
    }
    const body = toRequest(draft, staff);
    const key = keys.keyFor(JSON.stringify(body));
    setSubmitting(true);
    setGeneral([]);
    let ticket: TicketDetail;
    try {
      ticket = await api.createTicket(body, key);
    } catch (err) {
      if (!mounted.current) return;
      setSubmitting(false);
      if (err instanceof ApiError) {
        const { byField, other } = serverErrors(err.fields);
        setErrors(byField);
        setGeneral(other.length > 0 || Object.keys(byField).length === 0 ? [err.message, ...other] : []);
        focusFirst(byField);
      } else {
        setGeneral([t('errors.unknown')]);
      }
      return;
    }
    const files = draft.files;
    onCreated();
    toast.show(t('newTicket.created', { number: ticket.number }), {
      to: `/tickets/${ticket.id}`,
      label: t('newTicket.openTicket'),
    });
    if (!mounted.current) return;
    setSubmitting(false);
    if (files.length === 0) {
      onClose();
      if (!stay) void navigate(`/tickets/${ticket.id}`);
      return;
    }
    const states: UploadState[] = files.map(() => ({ state: 'pending' }));
    setCreated({ ticket, files, states });
    await runUploads(ticket, files, states);
  };

  const titleId = 'nt-title';

  if (created !== null) {
    const failed = created.states.some((s) => s.state === 'error');
    return (
      <ModalDialog titleId={titleId} onClose={onClose} testid="new-ticket-dialog" className="modal--wide">
        <div className="modal__head" ref={focusOnMount}>
          <h2 id={titleId} className="modal__title" tabIndex={-1}>
            {t('newTicket.created', { number: created.ticket.number })}
          </h2>
        </div>
        <div className="modal__body">
          <p>{uploading ? t('newTicket.files.uploading') : failed ? t('newTicket.files.someFailed') : t('newTicket.files.allDone')}</p>
          <ul className="nt-files" data-testid="nt-upload-list">
            {created.files.map((f, i) => {
              const s = created.states[i] ?? { state: 'pending' };
              return (
                <li key={`${f.name}-${i}`} className="nt-files__item" data-testid={`nt-upload-${i}`} data-state={s.state}>
                  <span className="nt-files__name">{f.name}</span>
                  <span className="nt-files__size">{formatSize(f.size, lang)}</span>
                  <span className={s.state === 'error' ? 'nt-files__state nt-files__state--error' : 'nt-files__state'}>
                    {s.state === 'error' ? s.message : t(`newTicket.files.state.${s.state}`)}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
        <div className="modal__foot">
          {failed && !uploading && (
            <button
              type="button"
              className="btn"
              data-testid="nt-retry-uploads"
              onClick={() => void runUploads(created.ticket, created.files, created.states)}
            >
              {t('newTicket.files.retry')}
            </button>
          )}
          <button
            type="button"
            className="btn btn--primary"
            data-testid="nt-open-ticket"
            onClick={() => {
              onClose();
              void navigate(`/tickets/${created.ticket.id}`);
            }}
          >
            {t('newTicket.openTicket')}
          </button>
        </div>
      </ModalDialog>
    );
  }

  const newPersonButton = (
    <button
      type="button"
      className="btn btn--subtle person-picker__new"
      data-testid="nt-requester-new"
      onClick={() => update({ requester: { mode: 'new', name: '', email: '' } }, ['requester'])}
    >
      {t('newTicket.people.newPerson')}
    </button>
  );

  return (
    <ModalDialog titleId={titleId} onClose={onClose} testid="new-ticket-dialog" className="modal--wide">
      <form className="nt-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id={titleId} className="modal__title">
            {t('newTicket.title')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('newTicket.close')}>
            ×
          </button>
        </div>
        <div className="modal__body nt-grid">
          {catalogs.isError && (
            <p className="form-alert" role="alert">
              {catalogs.error.message}
            </p>
          )}
          {staff && (
            <FormField id={inputIds.channel} label={t('newTicket.channel')} error={errors.channel}>
              {(p) => (
                <select
                  {...p}
                  data-testid="nt-channel"
                  value={draft.channel}
                  onChange={(e) => update({ channel: e.target.value }, ['channel'])}
                >
                  <option value="">{t('newTicket.choose')}</option>
                  {channels.map((ch) => (
                    <option key={ch.id} value={ch.id}>
                      {label(ch)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
          {staff && (
            <FormField id={inputIds.priority} label={t('newTicket.priority')} error={errors.priority}>
              {(p) => (
                <select
                  {...p}
                  data-testid="nt-priority"
                  value={draft.priority !== '' ? draft.priority : defaultPriorityId !== null ? String(defaultPriorityId) : ''}
                  onChange={(e) => update({ priority: e.target.value }, ['priority'])}
                >
                  {defaultPriorityId === null && <option value="">{t('newTicket.defaultPriority')}</option>}
                  {priorities.map((pr) => (
                    <option key={pr.id} value={pr.id}>
                      {label(pr)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
          <FormField id={inputIds.category} label={t('newTicket.category')} error={errors.category} hint={describe(draft.category) || undefined}>
            {(p) => (
              <select
                {...p}
                data-testid="nt-category"
                value={draft.category}
                onChange={(e) => {
                  const value = e.target.value;
                  setDraft((d) => withCategory(d, categories, value));
                  clearErrors(['category', 'subcategory']);
                }}
              >
                <option value="">{t('newTicket.choose')}</option>
                {tops.map((cat) => (
                  <option key={cat.id} value={cat.id}>
                    {label(cat)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField
            id={inputIds.subcategory}
            label={t('newTicket.subcategory')}
            error={errors.subcategory}
            hint={
              draft.category === ''
                ? t('newTicket.subcategoryFirst')
                : subs.length === 0
                  ? t('newTicket.subcategoryNone')
                  : describe(draft.subcategory) || undefined
            }
          >
            {(p) => (
              <select
                {...p}
                data-testid="nt-subcategory"
                value={draft.subcategory}
                disabled={subs.length === 0}
                onChange={(e) => update({ subcategory: e.target.value }, ['subcategory'])}
              >
                <option value="">{t('newTicket.noSubcategory')}</option>
                {subs.map((s) => (
                  <option key={s.id} value={s.id} title={lang === 'en' ? s.description_en : s.description_es}>
                    {label(s)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          {staff && (
            <div className="nt-grid__person">
              {draft.requester.mode === 'new' ? (
                <fieldset className="nt-new-person">
                  <legend className="form-field__label">{t('newTicket.requesterNew')}</legend>
                  <FormField id={inputIds.requesterName} label={t('newTicket.people.name')} error={errors.requesterName}>
                    {(p) => (
                      <input
                        {...p}
                        type="text"
                        autoComplete="off"
                        maxLength={120}
                        data-testid="nt-requester-new-name"
                        value={draft.requester.mode === 'new' ? draft.requester.name : ''}
                        onChange={(e) => {
                          const name = e.target.value;
                          setDraft((d) => (d.requester.mode === 'new' ? { ...d, requester: { ...d.requester, name } } : d));
                          clearErrors(['requesterName', 'requester']);
                        }}
                      />
                    )}
                  </FormField>
                  <FormField id={inputIds.requesterEmail} label={t('newTicket.people.email')} error={errors.requesterEmail}>
                    {(p) => (
                      <input
                        {...p}
                        type="email"
                        autoComplete="off"
                        maxLength={254}
                        data-testid="nt-requester-new-email"
                        value={draft.requester.mode === 'new' ? draft.requester.email : ''}
                        onChange={(e) => {
                          const email = e.target.value;
                          setDraft((d) => (d.requester.mode === 'new' ? { ...d, requester: { ...d.requester, email } } : d));
                          clearErrors(['requesterEmail', 'requester']);
                        }}
                      />
                    )}
                  </FormField>
                  {errors.requester && <p className="form-field__error">{errors.requester}</p>}
                  <button
                    type="button"
                    className="btn btn--subtle"
                    data-testid="nt-requester-search-instead"
                    onClick={() => update({ requester: { mode: 'none' } }, ['requesterName', 'requesterEmail'])}
                  >
                    {t('newTicket.people.searchInstead')}
                  </button>
                </fieldset>
              ) : (
                <PersonPicker
                  testid="nt-requester"
                  inputId={inputIds.requester}
                  label={t('newTicket.requester')}
                  selected={draft.requester.mode === 'existing' ? draft.requester.person : null}
                  onSelect={(person) =>
                    update({ requester: person === null ? { mode: 'none' } : { mode: 'existing', person } }, ['requester'])
                  }
                  error={errors.requester}
                  extra={draft.requester.mode === 'none' ? newPersonButton : undefined}
                />
              )}
            </div>
          )}
          {staff && (
            <div className="nt-grid__person">
              <PersonPicker
                testid="nt-affected"
                inputId={inputIds.affected}
                label={t('newTicket.affected')}
                selected={draft.affected}
                onSelect={(affected) => update({ affected }, ['affected'])}
                error={errors.affected}
              />
            </div>
          )}
          <FormField id={inputIds.order} label={t('newTicket.order')} error={errors.order} hint={t('newTicket.orderHint')}>
            {(p) => (
              <input
                {...p}
                type="text"
                inputMode="text"
                autoComplete="off"
                maxLength={40}
                data-testid="nt-order"
                value={draft.order}
                onChange={(e) => update({ order: e.target.value }, ['order'])}
              />
            )}
          </FormField>
          <FormField id={inputIds.subject} label={t('newTicket.subject')} error={errors.subject} className="nt-grid__wide">
            {(p) => (
              <input
                {...p}
                type="text"
                maxLength={300}
                data-testid="nt-subject"
                value={draft.subject}
                onChange={(e) => update({ subject: e.target.value }, ['subject'])}
              />
            )}
          </FormField>
          <div className="form-field nt-grid__wide">
            <div className="nt-tabs" role="tablist" aria-label={t('newTicket.description')}>
              <button
                type="button"
                role="tab"
                id="nt-tab-write"
                aria-selected={tab === 'write'}
                aria-controls="nt-panel-write"
                className="nt-tabs__tab"
                tabIndex={tab === 'write' ? 0 : -1}
                onClick={() => setTab('write')}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    setTab('preview');
                    document.getElementById('nt-tab-preview')?.focus();
                  }
                }}
              >
                {t('newTicket.write')}
              </button>
              <button
                type="button"
                role="tab"
                id="nt-tab-preview"
                aria-selected={tab === 'preview'}
                aria-controls="nt-panel-preview"
                className="nt-tabs__tab"
                tabIndex={tab === 'preview' ? 0 : -1}
                data-testid="nt-preview-tab"
                onClick={() => setTab('preview')}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    setTab('write');
                    document.getElementById('nt-tab-write')?.focus();
                  }
                }}
              >
                {t('newTicket.preview')}
              </button>
            </div>
            <div id="nt-panel-write" role="tabpanel" aria-labelledby="nt-tab-write" hidden={tab !== 'write'}>
              <label className="visually-hidden" htmlFor={inputIds.description}>
                {t('newTicket.description')}
              </label>
              <textarea
                id={inputIds.description}
                className="nt-description"
                rows={7}
                data-testid="nt-description"
                placeholder={t('newTicket.descriptionPlaceholder')}
                aria-invalid={errors.description !== undefined}
                aria-describedby={errors.description ? 'nt-description-error' : 'nt-description-hint'}
                value={draft.description}
                onChange={(e) => update({ description: e.target.value }, ['description'])}
              />
              <p className="form-field__hint" id="nt-description-hint">
                {t('newTicket.markdownHint')}
              </p>
            </div>
            <div
              id="nt-panel-preview"
              role="tabpanel"
              aria-labelledby="nt-tab-preview"
              hidden={tab !== 'preview'}
              className="nt-preview"
              data-testid="nt-preview"
              tabIndex={0}
            >
              {draft.description.trim() === '' ? <p className="nt-preview__empty">{t('newTicket.previewEmpty')}</p> : draft.description}
            </div>
            {errors.description && (
              <p className="form-field__error" id="nt-description-error">
                {errors.description}
              </p>
            )}
          </div>
          <div className="form-field nt-grid__wide">
            <label className="form-field__label" htmlFor={inputIds.files}>
              {t('newTicket.files.label')}
            </label>
            <input
              id={inputIds.files}
              type="file"
              multiple
              data-testid="nt-files"
              aria-invalid={errors.files !== undefined}
              aria-describedby={errors.files ? 'nt-files-hint nt-files-error' : 'nt-files-hint'}
              onChange={(e) => {
                const picked = [...(e.target.files ?? [])];
                e.target.value = '';
                setDraft((d) => ({ ...d, files: addFiles(d.files, picked) }));
                clearErrors(['files']);
              }}
            />
            <p className="form-field__hint" id="nt-files-hint">
              {t('newTicket.files.hint', { max: '10 MiB' })}
            </p>
            {draft.files.length > 0 && (
              <ul className="nt-files">
                {draft.files.map((f, i) => (
                  <li key={`${f.name}-${f.size}-${f.lastModified}`} className="nt-files__item" data-testid={`nt-file-${i}`}>
                    <span className="nt-files__name">{f.name}</span>
                    <span className="nt-files__size">{formatSize(f.size, lang)}</span>
                    {f.size > maxFileBytes && (
                      <span className="nt-files__state nt-files__state--error">{t('newTicket.files.tooLarge', { max: '10 MiB' })}</span>
                    )}
                    <button
                      type="button"
                      className="btn btn--ghost nt-files__remove"
                      aria-label={t('newTicket.files.remove', { name: f.name })}
                      onClick={() => {
                        setDraft((d) => ({ ...d, files: d.files.filter((x) => x !== f) }));
                        clearErrors(['files']);
                      }}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {errors.files && (
              <p className="form-field__error" id="nt-files-error">
                {errors.files}
              </p>
            )}
          </div>
        </div>
        <div className="modal__foot">
          {general.length > 0 && (
            <div className="form-alert" role="alert" data-testid="nt-error">
              {general.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button
            type="button"
            className="btn btn--ghost"
            data-testid="nt-reset"
            onClick={() => {
              onCreated();
              setErrors({});
              setGeneral([]);
            }}
          >
            {t('newTicket.clear')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('newTicket.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="nt-submit" disabled={submitting}>
            {submitting ? t('newTicket.submitting') : t('newTicket.submit')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
