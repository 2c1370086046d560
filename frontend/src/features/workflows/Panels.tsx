// The editor's side panel: the selected state (status, start, final, time limit) or transition (key,
// names, from, to, roles, permissions, fields, comment, confirmation, actions), each control with its
// errors next to it.
import { useTranslation } from 'react-i18next';
import type { DomainAction, NotifyTarget, SetFieldName, TransitionFieldKey, WorkflowAction, WorkflowDefinition, WorkflowState, WorkflowTransition } from '../../api/issue5';
import { FormField } from '../newTicket/FormField';
import { IdMultiSelect } from '../roles/IdMultiSelect';
import type { IdOption } from '../roles/roleOptions';
import { domainActions, fieldKeys, notifyTargets, setFieldNames } from './definition';
import { fieldError } from './errorPaths';

interface StateProps {
  def: WorkflowDefinition;
  index: number;
  errors: ReadonlyMap<string, string[]>;
  statuses: readonly IdOption[];
  onChange: (patch: Partial<WorkflowState>) => void;
  onRemove: () => void;
  onAddTransition: (to: number) => void;
}

function ElementErrors({ errors }: { errors: ReadonlyMap<string, string[]> }) {
  const whole = fieldError(errors, '');
  if (!whole) return null;
  return (
    <p className="form-alert" role="alert" data-testid="wf-element-error">
      {whole}
    </p>
  );
}

export function StatePanel({ def, index, errors, statuses, onChange, onRemove, onAddTransition }: StateProps) {
  const { t } = useTranslation();
  const s = def.states[index];
  if (!s) return null;
  const used = new Set(def.states.map((x) => x.status_id));
  const p = `wf-state-${index}`;
  return (
    <section className="wf-panel" aria-labelledby={`${p}-title`} data-testid="wf-state-panel">
      <h3 id={`${p}-title`} className="wf-panel__title">
        {t('workflows.editor.stateTitle')}
      </h3>
      <ElementErrors errors={errors} />
      <FormField id={`${p}-status`} label={t('workflows.editor.status')} error={fieldError(errors, 'status_id')}>
        {(c) => (
          <select {...c} data-testid="wf-state-status" value={String(s.status_id)} onChange={(e) => onChange({ status_id: Number(e.target.value) })}>
            {statuses
              .filter((o) => o.id === s.status_id || !used.has(o.id))
              .map((o) => (
                <option key={o.id} value={String(o.id)}>
                  {o.label}
                </option>
              ))}
          </select>
        )}
      </FormField>
      <label className="toggle">
        <input type="checkbox" data-testid="wf-state-start" checked={s.start} onChange={(e) => onChange({ start: e.target.checked })} />
        <span>{t('workflows.editor.start')}</span>
      </label>
      {fieldError(errors, 'start') && <p className="form-field__error">{fieldError(errors, 'start')}</p>}
      <label className="toggle">
        <input type="checkbox" data-testid="wf-state-final" checked={s.final} onChange={(e) => onChange({ final: e.target.checked })} />
        <span>{t('workflows.editor.final')}</span>
      </label>
      <FormField id={`${p}-limit`} label={t('workflows.editor.limit')} hint={t('workflows.editor.limitHint')} error={fieldError(errors, 'limit_minutes')}>
        {(c) => (
          <input
            {...c}
            type="number"
            min={1}
            max={525600}
            data-testid="wf-state-limit"
            value={s.limit_minutes ?? ''}
            onChange={(e) => onChange({ limit_minutes: e.target.value === '' ? null : Number(e.target.value) })}
          />
        )}
      </FormField>
      <FormField id={`${p}-add`} label={t('workflows.editor.addTransitionTo')}>
        {(c) => (
          <select
            {...c}
            data-testid="wf-state-add-transition"
            value=""
            onChange={(e) => {
              if (e.target.value) onAddTransition(Number(e.target.value));
            }}
          >
            <option value="">{t('workflows.editor.choose')}</option>
            {def.states
              .filter((x) => x.status_id !== s.status_id)
              .map((x) => (
                <option key={x.status_id} value={String(x.status_id)}>
                  {statuses.find((o) => o.id === x.status_id)?.label ?? `#${x.status_id}`}
                </option>
              ))}
          </select>
        )}
      </FormField>
      <button type="button" className="btn btn--danger-text" data-testid="wf-state-remove" onClick={onRemove}>
        {t('workflows.editor.removeState')}
      </button>
    </section>
  );
}

interface TransitionProps {
  def: WorkflowDefinition;
  index: number;
  errors: ReadonlyMap<string, string[]>;
  statuses: readonly IdOption[];
  roles: readonly IdOption[];
  perms: readonly string[];
  onChange: (patch: Partial<WorkflowTransition>) => void;
  onRemove: () => void;
}

function defaultAction(kind: WorkflowAction['kind']): WorkflowAction {
  if (kind === 'domain') return { kind, action: 'credit_note' };
  if (kind === 'set_field') return { kind, field: 'priority_id', value: null };
  return { kind: 'notify', to: 'requester' };
}

export function TransitionPanel({ def, index, errors, statuses, roles, perms, onChange, onRemove }: TransitionProps) {
  const { t } = useTranslation();
  const tr = def.transitions[index];
  if (!tr) return null;
  const p = `wf-tr-${index}`;
  const stateOptions = statuses.filter((o) => def.states.some((s) => s.status_id === o.id));
  const setAction = (k: number, a: WorkflowAction) => onChange({ actions: tr.actions.map((x, i) => (i === k ? a : x)) });
  const fieldOn = (key: TransitionFieldKey) => tr.fields.find((f) => f.key === key);
  return (
    <section className="wf-panel" aria-labelledby={`${p}-title`} data-testid="wf-transition-panel">
      <h3 id={`${p}-title`} className="wf-panel__title">
        {t('workflows.editor.transitionTitle')}
      </h3>
      <ElementErrors errors={errors} />
      <FormField id={`${p}-key`} label={t('workflows.editor.key')} hint={t('workflows.editor.keyHint')} error={fieldError(errors, 'key')}>
        {(c) => <input {...c} data-testid="wf-tr-key" value={tr.key} maxLength={40} onChange={(e) => onChange({ key: e.target.value })} />}
      </FormField>
      <FormField id={`${p}-name-es`} label={t('workflows.editor.nameEs')} error={fieldError(errors, 'name_es')}>
        {(c) => <input {...c} data-testid="wf-tr-name-es" value={tr.name_es} maxLength={100} onChange={(e) => onChange({ name_es: e.target.value })} />}
      </FormField>
      <FormField id={`${p}-name-en`} label={t('workflows.editor.nameEn')} error={fieldError(errors, 'name_en')}>
        {(c) => <input {...c} data-testid="wf-tr-name-en" value={tr.name_en} maxLength={100} onChange={(e) => onChange({ name_en: e.target.value })} />}
      </FormField>
      <IdMultiSelect id={`${p}-from`} legend={t('workflows.editor.from')} options={stateOptions} value={tr.from} onChange={(from) => onChange({ from })} error={fieldError(errors, 'from')} testid="wf-tr-from" />
      <FormField id={`${p}-to`} label={t('workflows.editor.to')} error={fieldError(errors, 'to')}>
        {(c) => (
          <select {...c} data-testid="wf-tr-to" value={String(tr.to)} onChange={(e) => onChange({ to: Number(e.target.value) })}>
            {stateOptions.map((o) => (
              <option key={o.id} value={String(o.id)}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <IdMultiSelect
        id={`${p}-roles`}
        legend={t('workflows.editor.roles')}
        hint={t('workflows.editor.rolesHint')}
        options={roles}
        value={tr.roles}
        onChange={(r) => onChange({ roles: r })}
        error={fieldError(errors, 'roles')}
        testid="wf-tr-roles"
      />
      <fieldset className="id-multi" data-testid="wf-tr-perms">
        <legend className="form-field__label">{t('workflows.editor.perms')}</legend>
        <div className="id-multi__options">
          {perms.map((k) => (
            <label key={k} className="id-multi__option">
              <input
                type="checkbox"
                checked={tr.perms.includes(k)}
                onChange={(e) => onChange({ perms: e.target.checked ? [...tr.perms, k].sort() : tr.perms.filter((x) => x !== k) })}
              />
              <code>{k}</code>
            </label>
          ))}
        </div>
        {fieldError(errors, 'perms') && <p className="form-field__error">{fieldError(errors, 'perms')}</p>}
      </fieldset>
      <fieldset className="id-multi" data-testid="wf-tr-fields">
        <legend className="form-field__label">{t('workflows.editor.fields')}</legend>
        <div className="wf-fields">
          {fieldKeys.map((k) => {
            const f = fieldOn(k);
            return (
              <div key={k} className="wf-fields__row">
                <label className="id-multi__option">
                  <input
                    type="checkbox"
                    data-testid={`wf-tr-field-${k}`}
                    checked={f !== undefined}
                    onChange={(e) => onChange({ fields: e.target.checked ? [...tr.fields, { key: k, required: true }] : tr.fields.filter((x) => x.key !== k) })}
                  />
                  <span>{t(`workflows.fieldKeys.${k}`)}</span>
                </label>
                {f && (
                  <label className="id-multi__option wf-fields__req">
                    <input
                      type="checkbox"
                      checked={f.required}
                      onChange={(e) => onChange({ fields: tr.fields.map((x) => (x.key === k ? { ...x, required: e.target.checked } : x)) })}
                    />
                    <span>{t('workflows.editor.required')}</span>
                  </label>
                )}
              </div>
            );
          })}
        </div>
        {fieldError(errors, 'fields') && <p className="form-field__error">{fieldError(errors, 'fields')}</p>}
      </fieldset>
      <label className="toggle">
        <input type="checkbox" data-testid="wf-tr-comment" checked={tr.comment_required} onChange={(e) => onChange({ comment_required: e.target.checked })} />
        <span>{t('workflows.editor.commentRequired')}</span>
      </label>
      <label className="toggle">
        <input type="checkbox" data-testid="wf-tr-confirm" checked={tr.confirm} onChange={(e) => onChange({ confirm: e.target.checked })} />
        <span>{t('workflows.editor.confirm')}</span>
      </label>
      <fieldset className="id-multi" data-testid="wf-tr-actions">
        <legend className="form-field__label">{t('workflows.editor.actions')}</legend>
        {tr.actions.map((a, k) => (
          <div key={k} className="wf-action">
            <select
              aria-label={t('workflows.editor.actionKind')}
              value={a.kind}
              onChange={(e) => setAction(k, defaultAction(e.target.value as WorkflowAction['kind']))}
            >
              {(['domain', 'set_field', 'notify'] as const).map((kind) => (
                <option key={kind} value={kind}>
                  {t(`workflows.actionKinds.${kind}`)}
                </option>
              ))}
            </select>
            {a.kind === 'domain' && (
              <select aria-label={t('workflows.editor.action')} value={a.action} onChange={(e) => setAction(k, { kind: 'domain', action: e.target.value as DomainAction })}>
                {domainActions.map((d) => (
                  <option key={d} value={d}>
                    {t(`workflows.actions.${d}`)}
                  </option>
                ))}
              </select>
            )}
            {a.kind === 'set_field' && (
              <>
                <select aria-label={t('workflows.editor.setField')} value={a.field} onChange={(e) => setAction(k, { ...a, field: e.target.value as SetFieldName })}>
                  {setFieldNames.map((f) => (
                    <option key={f} value={f}>
                      {t(`workflows.setFields.${f}`)}
                    </option>
                  ))}
                </select>
                <input
                  aria-label={t('workflows.editor.value')}
                  value={a.value === null || a.value === undefined ? '' : typeof a.value === 'string' ? a.value : JSON.stringify(a.value)}
                  onChange={(e) => {
                    const raw = e.target.value;
                    let value: unknown = raw;
                    try {
                      value = raw === '' ? null : JSON.parse(raw);
                    } catch {
                      value = raw;
                    }
                    setAction(k, { ...a, value });
                  }}
                />
              </>
            )}
            {a.kind === 'notify' && (
              <select aria-label={t('workflows.editor.notifyTo')} value={a.to} onChange={(e) => setAction(k, { kind: 'notify', to: e.target.value as NotifyTarget })}>
                {notifyTargets.map((n) => (
                  <option key={n} value={n}>
                    {t(`workflows.notifyTargets.${n}`)}
                  </option>
                ))}
              </select>
            )}
            <button type="button" className="btn btn--ghost" aria-label={t('workflows.editor.removeAction')} onClick={() => onChange({ actions: tr.actions.filter((_, i) => i !== k) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="btn btn--subtle" data-testid="wf-tr-add-action" onClick={() => onChange({ actions: [...tr.actions, defaultAction('notify')] })}>
          {t('workflows.editor.addAction')}
        </button>
        {fieldError(errors, 'actions') && <p className="form-field__error">{fieldError(errors, 'actions')}</p>}
      </fieldset>
      <button type="button" className="btn btn--danger-text" data-testid="wf-tr-remove" onClick={onRemove}>
        {t('workflows.editor.removeTransition')}
      </button>
    </section>
  );
}
