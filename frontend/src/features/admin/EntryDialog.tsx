// Create or edit one catalog entry: every field of its kind, Spanish and English side by side, the
// server's field errors by each field, and a stale edit (409) shown with the stored values and a way
// to reapply this admin's changes on top of them.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { AnyCatalogEntry, Category, CatalogKind, Priority, StatusGroup } from '../../api/types';
import { useAssignees } from '../board/catalog';
import { invalidateCatalogs, useLabel } from '../catalog/useCatalogs';
import { IdMultiSelect } from '../roles/IdMultiSelect';
import { labelsOf, roleOptions, withMissing } from '../roles/roleOptions';
import type { IdOption } from '../roles/roleOptions';
import { useRoles } from '../roles/useRoles';
import { FormField } from '../newTicket/FormField';
import { ModalDialog } from '../newTicket/ModalDialog';
import { conflictCurrent, conflictFields, merged, reapply } from './conflict';
import {
  changedFields,
  createBody,
  emptyValues,
  fieldLabelKey,
  fieldsOf,
  insertAt,
  patchBody,
  placeholders,
  serverErrors,
  validate,
  valuesOf,
} from './entryForm';
import type { Errors, FieldName, Values } from './entryForm';
import { formatValue } from './history';

export type Editing = { mode: 'create'; parentId: number | null } | { mode: 'edit'; entry: AnyCatalogEntry };

interface Props {
  kind: CatalogKind;
  editing: Editing;
  /** categories, for a subcategory's parent select. */
  categories: readonly Category[];
  onClose: () => void;
}

const groups: StatusGroup[] = ['todo', 'doing', 'done'];

export function EntryDialog({ kind, editing, categories, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const qc = useQueryClient();
  const mode = editing.mode;
  const entry = editing.mode === 'edit' ? editing.entry : null;
  const [original, setOriginal] = useState<Values>(() => (entry ? valuesOf(entry) : emptyValues(editing.mode === 'create' ? editing.parentId : null)));
  const [values, setValues] = useState<Values>(original);
  const [version, setVersion] = useState(entry?.version ?? 0);
  const [errors, setErrors] = useState<Errors>({});
  const [fromServer, setFromServer] = useState<Partial<Record<FieldName, string>>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [conflict, setConflict] = useState<AnyCatalogEntry | null>(null);
  const [saving, setSaving] = useState(false);
  const bodies = { body_es: useRef<HTMLTextAreaElement>(null), body_en: useRef<HTMLTextAreaElement>(null) };
  const [lastBody, setLastBody] = useState<'body_es' | 'body_en'>('body_es');

  const fields = new Set(fieldsOf(kind, mode));
  const withRoles = fields.has('role_ids');
  const withSupervisors = fields.has('supervisor_ids');
  const roles = useRoles();
  const staff = useAssignees();
  const roleChoices = roleOptions(withRoles ? (roles.data ?? []) : [], i18n.language, values.role_ids);
  const supervisorChoices = withMissing(
    withSupervisors ? (staff.data ?? []).map((u): IdOption => ({ id: u.id, label: u.name })) : [],
    values.supervisor_ids,
  );
  // A queue's assignment settings (issue 5, FQ): members are chosen among the assignable users.
  const withMembers = fields.has('member_ids');
  const memberChoices = withMissing(
    withMembers ? (staff.data ?? []).map((u): IdOption => ({ id: u.id, label: u.name })) : [],
    values.member_ids,
  );
  const words = { yes: t('admin.yes'), no: t('admin.no'), empty: t('admin.none') };
  /** shown says a conflicting value in words (ids by name). */
  const shown = (f: FieldName, v: Values[FieldName]): string => {
    if (Array.isArray(v)) {
      const names = labelsOf(f === 'role_ids' ? roleChoices : f === 'member_ids' ? memberChoices : supervisorChoices, v);
      return names.length === 0 ? t('admin.none') : names.join(', ');
    }
    return formatValue(v, words);
  };
  const id = (f: FieldName) => `admin-f-${f}`;
  const errorOf = (f: FieldName): string | undefined => {
    const e = errors[f];
    return e ? t(`admin.errors.${e.key}`, e.params ?? {}) : fromServer[f];
  };
  const set = <F extends FieldName>(f: F, v: Values[F]) => {
    setValues((x) => ({ ...x, [f]: v }));
    if (errors[f] || fromServer[f]) {
      setErrors((e) => ({ ...e, [f]: undefined }));
      setFromServer((e) => ({ ...e, [f]: undefined }));
    }
  };

  const failed = (err: unknown) => {
    if (err instanceof ApiError) {
      const current = err.status === 409 ? conflictCurrent(err.body) : null;
      if (current) {
        setConflict(current);
        return;
      }
      const { byField, other } = serverErrors(kind, mode, err.fields);
      setFromServer(byField);
      setGeneral(other.length > 0 || Object.keys(byField).length === 0 ? [err.message, ...other] : []);
      const first = fieldsOf(kind, mode).find((f) => byField[f] !== undefined);
      if (first) requestAnimationFrame(() => document.getElementById(id(first))?.focus());
      return;
    }
    setGeneral([t('errors.unknown')]);
  };

  const send = async (run: () => Promise<unknown>) => {
    setSaving(true);
    setGeneral([]);
    try {
      await run();
      await invalidateCatalogs(qc);
      onClose();
    } catch (err) {
      failed(err);
    } finally {
      setSaving(false);
    }
  };

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (saving) return;
    const found = validate(kind, mode, values);
    setErrors(found);
    setFromServer({});
    const first = fieldsOf(kind, mode).find((f) => found[f] !== undefined);
    if (first) {
      document.getElementById(id(first))?.focus();
      return;
    }
    if (mode === 'create') {
      if (kind === 'priorities') return;
      void send(() => api.createCatalogEntry(kind, createBody(kind, values)));
      return;
    }
    if (!entry) return;
    if (changedFields(kind, original, values).length === 0) {
      onClose();
      return;
    }
    void send(() => api.updateCatalogEntry(kind, entry.id, patchBody(kind, original, values, version)));
  };

  const onReapply = () => {
    if (!conflict || !entry) return;
    const body = reapply(kind, original, values, conflict);
    const next = merged(kind, original, values, conflict);
    setOriginal(valuesOf(conflict));
    setValues(next);
    setVersion(conflict.version);
    setConflict(null);
    if (body === null) {
      onClose();
      return;
    }
    void send(() => api.updateCatalogEntry(kind, entry.id, body));
  };

  const onTakeTheirs = () => {
    if (!conflict) return;
    const theirs = valuesOf(conflict);
    setOriginal(theirs);
    setValues(theirs);
    setVersion(conflict.version);
    setConflict(null);
  };

  const insertPlaceholder = (p: string) => {
    const ta = bodies[lastBody].current;
    const current = values[lastBody];
    const { value, caret } = insertAt(current, ta?.selectionStart ?? current.length, ta?.selectionEnd ?? current.length, p);
    set(lastBody, value);
    requestAnimationFrame(() => {
      ta?.focus();
      ta?.setSelectionRange(caret, caret);
    });
  };

  const tops = categories.filter((c) => c.parent_id === null && c.id !== entry?.id && (c.active || String(c.id) === values.parent_id));
  const priority = kind === 'priorities' && entry ? (entry as Priority) : null;
  const hasChildren = entry !== null && categories.some((c) => c.parent_id === entry.id);
  const titleId = 'admin-dialog-title';
  const kindName = t(`admin.kinds.${kind}`);
  const title =
    mode === 'create'
      ? kind === 'categories' && values.parent_id !== ''
        ? t('admin.newSubcategory')
        : t('admin.newEntry', { kind: kindName })
      : t('admin.editEntry', { name: entry ? label(entry) : '' });

  const text = (f: FieldName & keyof Values, extra: { max?: number; area?: boolean } = {}) => (
    <FormField id={id(f)} label={t(`admin.fields.${f}`)} error={errorOf(f)}>
      {(p) =>
        extra.area ? (
          <textarea
            {...p}
            rows={3}
            maxLength={extra.max}
            data-testid={`admin-f-${f}`}
            value={values[f] as string}
            onChange={(e) => set(f, e.target.value)}
          />
        ) : (
          <input
            {...p}
            type="text"
            maxLength={extra.max}
            data-testid={`admin-f-${f}`}
            value={values[f] as string}
            onChange={(e) => set(f, e.target.value)}
          />
        )
      }
    </FormField>
  );

  return (
    <ModalDialog titleId={titleId} onClose={onClose} testid="admin-dialog" className="modal--wide">
      <form onSubmit={submit} noValidate>
        <div className="modal__head">
          <h2 id={titleId} className="modal__title">
            {title}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('admin.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          {conflict && (
            <div className="form-alert form-alert--warn" role="alert" data-testid="admin-conflict">
              <p className="form-alert__title">{t('admin.conflict.title')}</p>
              {(() => {
                const diffs = conflictFields(kind, original, values, conflict);
                return diffs.length === 0 ? (
                  <p>{t('admin.conflict.noFieldChanges')}</p>
                ) : (
                  <dl className="admin-diff">
                    {diffs.map((d) => (
                      <div key={d.field} className="admin-diff__row">
                        <dt>{t(fieldLabelKey(d.field))}</dt>
                        <dd>
                          {t('admin.conflict.theirs')}: <strong>{shown(d.field, d.theirs)}</strong>
                          {d.mine !== undefined && (
                            <>
                              {' · '}
                              {t('admin.conflict.mine')}: <strong>{shown(d.field, d.mine)}</strong>
                            </>
                          )}
                        </dd>
                      </div>
                    ))}
                  </dl>
                );
              })()}
              <div className="form-alert__actions">
                <button type="button" className="btn btn--primary" data-testid="admin-reapply" onClick={onReapply}>
                  {t('admin.conflict.reapply')}
                </button>
                <button type="button" className="btn" data-testid="admin-take-theirs" onClick={onTakeTheirs}>
                  {t('admin.conflict.takeTheirs')}
                </button>
              </div>
            </div>
          )}
          {fields.has('key') ? (
            <FormField id={id('key')} label={t('admin.fields.key')} error={errorOf('key')} hint={t('admin.keyHint')}>
              {(p) => (
                <input
                  {...p}
                  type="text"
                  maxLength={40}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="admin-f-key"
                  value={values.key}
                  onChange={(e) => set('key', e.target.value)}
                />
              )}
            </FormField>
          ) : (
            <p className="admin-form__key">
              {t('admin.fields.key')}: <code>{values.key}</code>
            </p>
          )}
          <div className="admin-form__pair">
            {text('name_es', { max: 80 })}
            {text('name_en', { max: 80 })}
          </div>
          {fields.has('parent_id') && (
            <FormField
              id={id('parent_id')}
              label={t('admin.fields.parent_id')}
              error={errorOf('parent_id')}
              hint={hasChildren ? t('admin.parentLocked') : undefined}
            >
              {(p) => (
                <select
                  {...p}
                  data-testid="admin-f-parent_id"
                  value={values.parent_id}
                  disabled={hasChildren}
                  onChange={(e) => set('parent_id', e.target.value)}
                >
                  <option value="">{t('admin.topLevel')}</option>
                  {tops.map((c) => (
                    <option key={c.id} value={c.id}>
                      {label(c)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
          {fields.has('description_es') && (
            <div className="admin-form__pair">
              {text('description_es', { max: 500, area: true })}
              {text('description_en', { max: 500, area: true })}
            </div>
          )}
          {fields.has('group') && (
            <FormField id={id('group')} label={t('admin.fields.group')} error={errorOf('group')}>
              {(p) => (
                <select {...p} data-testid="admin-f-group" value={values.group} onChange={(e) => set('group', e.target.value as StatusGroup)}>
                  {groups.map((g) => (
                    <option key={g} value={g}>
                      {t(`group.${g}`)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
          {fields.has('color') && (
            <FormField id={id('color')} label={t('admin.fields.color')} error={errorOf('color')}>
              {(p) => (
                <div className="admin-form__color">
                  <input
                    {...p}
                    type="color"
                    data-testid="admin-f-color"
                    value={/^#[0-9a-fA-F]{6}$/.test(values.color) ? values.color.toLowerCase() : '#000000'}
                    onChange={(e) => set('color', e.target.value)}
                  />
                  <input
                    type="text"
                    className="admin-form__hex"
                    aria-label={t('admin.colorHex')}
                    aria-invalid={p['aria-invalid']}
                    aria-describedby={p['aria-describedby']}
                    maxLength={7}
                    spellCheck={false}
                    data-testid="admin-f-color-hex"
                    value={values.color}
                    onChange={(e) => set('color', e.target.value)}
                  />
                </div>
              )}
            </FormField>
          )}
          {fields.has('wip_limit') && (
            <FormField id={id('wip_limit')} label={t('admin.fields.wip_limit')} error={errorOf('wip_limit')} hint={t('admin.wipHint')}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  data-testid="admin-f-wip_limit"
                  value={values.wip_limit}
                  onChange={(e) => set('wip_limit', e.target.value)}
                />
              )}
            </FormField>
          )}
          {fields.has('pauses_sla') && (
            <label className="admin-form__check">
              <input
                type="checkbox"
                data-testid="admin-f-pauses_sla"
                checked={values.pauses_sla}
                onChange={(e) => set('pauses_sla', e.target.checked)}
              />
              {t('admin.fields.pauses_sla')}
            </label>
          )}
          {fields.has('level') && (
            <FormField id={id('level')} label={t('admin.fields.level')} error={errorOf('level')} hint={t('admin.levelHint')}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  max={9}
                  step={1}
                  inputMode="numeric"
                  data-testid="admin-f-level"
                  value={values.level}
                  onChange={(e) => set('level', e.target.value)}
                />
              )}
            </FormField>
          )}
          {fields.has('kind') && (
            <FormField id={id('kind')} label={t('admin.fields.kind')} error={errorOf('kind')}>
              {(p) => (
                <select
                  {...p}
                  data-testid="admin-f-kind"
                  value={values.kind}
                  onChange={(e) => set('kind', e.target.value as 'credit' | 'debit')}
                >
                  <option value="credit">{t('admin.noteKind.credit')}</option>
                  <option value="debit">{t('admin.noteKind.debit')}</option>
                </select>
              )}
            </FormField>
          )}
          {withRoles && (
            <IdMultiSelect
              id={id('role_ids')}
              testid="admin-f-role_ids"
              legend={t('access.fields.role_ids')}
              options={roleChoices}
              value={values.role_ids}
              onChange={(ids) => set('role_ids', ids)}
              error={errorOf('role_ids') ?? (roles.error ? roles.error.message : undefined)}
              hint={kind === 'queues' ? t('access.catalog.queueRolesHint') : t('access.catalog.categoryRolesHint')}
              empty={roles.isPending ? t('common.loading') : t('access.allowedRoles.noRoles')}
            />
          )}
          {withSupervisors && (
            <IdMultiSelect
              id={id('supervisor_ids')}
              testid="admin-f-supervisor_ids"
              legend={t('access.fields.supervisor_ids')}
              options={supervisorChoices}
              value={values.supervisor_ids}
              onChange={(ids) => set('supervisor_ids', ids)}
              error={errorOf('supervisor_ids') ?? (staff.error ? staff.error.message : undefined)}
              hint={t('access.catalog.supervisorsHint')}
              empty={staff.isPending ? t('common.loading') : t('access.catalog.noStaff')}
            />
          )}
          {withMembers && (
            <>
              <IdMultiSelect
                id={id('member_ids')}
                testid="admin-f-member_ids"
                legend={t('queues.fields.member_ids')}
                options={memberChoices}
                value={values.member_ids}
                onChange={(ids) => set('member_ids', ids)}
                error={errorOf('member_ids') ?? (staff.error ? staff.error.message : undefined)}
                hint={t('queues.fields.membersHint')}
                empty={staff.isPending ? t('common.loading') : t('access.catalog.noStaff')}
              />
              <div className="admin-form__pair">
                <FormField id={id('assignment')} label={t('queues.fields.assignment')} error={errorOf('assignment')}>
                  {(p) => (
                    <select
                      {...p}
                      data-testid="admin-f-assignment"
                      value={values.assignment}
                      onChange={(e) => set('assignment', e.target.value as Values['assignment'])}
                    >
                      {(['manual', 'round_robin', 'least_loaded'] as const).map((m) => (
                        <option key={m} value={m}>
                          {t(`queues.modes.${m}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </FormField>
                <FormField id={id('max_per_agent')} label={t('queues.fields.max_per_agent')} error={errorOf('max_per_agent')} hint={t('queues.fields.capHint')}>
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={1}
                      step={1}
                      inputMode="numeric"
                      data-testid="admin-f-max_per_agent"
                      value={values.max_per_agent}
                      onChange={(e) => set('max_per_agent', e.target.value)}
                    />
                  )}
                </FormField>
              </div>
            </>
          )}
          {priority && (
            <p className="admin-form__key">
              {t('admin.matrix')}: {priority.important ? t('admin.important') : t('admin.notImportant')} ×{' '}
              {priority.urgent ? t('admin.urgent') : t('admin.notUrgent')}
            </p>
          )}
          {fields.has('body_es') && (
            <>
              <div className="admin-form__pair">
                {(['body_es', 'body_en'] as const).map((f) => (
                  <FormField key={f} id={id(f)} label={t(`admin.fields.${f}`)} error={errorOf(f)}>
                    {(p) => (
                      <textarea
                        {...p}
                        ref={bodies[f]}
                        rows={8}
                        maxLength={10_000}
                        data-testid={`admin-f-${f}`}
                        value={values[f]}
                        onFocus={() => setLastBody(f)}
                        onChange={(e) => set(f, e.target.value)}
                      />
                    )}
                  </FormField>
                ))}
              </div>
              <div className="admin-form__placeholders" role="group" aria-labelledby="admin-ph-label">
                <span id="admin-ph-label" className="form-field__label">
                  {t('admin.placeholders', { field: t(`admin.fields.${lastBody}`) })}
                </span>
                {placeholders.map((ph) => (
                  <button
                    key={ph}
                    type="button"
                    className="btn btn--subtle admin-form__ph"
                    data-testid={`admin-ph-${ph.slice(2, -2)}`}
                    // Keep the caret in the textarea while clicking.
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => insertPlaceholder(ph)}
                  >
                    <code>{ph}</code>
                  </button>
                ))}
              </div>
            </>
          )}
        </div>
        <div className="modal__foot">
          {general.length > 0 && (
            <div className="form-alert" role="alert" data-testid="admin-error">
              {general.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="admin-save" disabled={saving || conflict !== null}>
            {saving ? t('admin.saving') : t('admin.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
