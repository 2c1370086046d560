// Create or edit an SLA policy: names in both languages, the tickets it applies to (priorities,
// categories, queues, channels; none chosen means any), the two targets as durations, the at-risk
// share, the calendar, the statuses that pause the clocks, and the escalations. Client checks first,
// then the server's field errors next to each input.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { slaApi } from '../../api/issue6-sla';
import type { SLACalendar, SLAPolicy } from '../../api/issue6-sla';
import { ModalDialog } from '../newTicket/ModalDialog';
import { IdMultiSelect } from '../roles/IdMultiSelect';
import { useSlaErrors } from './errors';
import { FieldError, focusFirstInvalid, SelectInput, TextInput } from './Field';
import { emptyPolicy, escalationActions, escalationClocks, escalationOns, maxName, newEscalation, policyBody, policyDraft, policyPath, validatePolicy } from './policyForm';
import type { EscalationDraft, PolicyDraft } from './policyForm';
import { policiesKey, useSlaChoices } from './useSlaData';

export function PolicyDialog({ policy, calendars, onClose }: { policy: SLAPolicy | null; calendars: readonly SLACalendar[]; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const choices = useSlaChoices();
  const [d, setD] = useState<PolicyDraft>(() => (policy ? policyDraft(policy) : emptyPolicy()));
  const [saving, setSaving] = useState(false);
  const errs = useSlaErrors(t);
  const formRef = useRef<HTMLFormElement>(null);
  const set = (patch: Partial<PolicyDraft>) => setD((x) => ({ ...x, ...patch }));
  const en = i18n.language === 'en';
  const policyName = policy ? (en ? policy.name.en : policy.name.es) : '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    if (!errs.check(validatePolicy(d))) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setSaving(true);
    try {
      if (policy) await slaApi.updatePolicy(policy.id, policyBody(d, policy.version));
      else await slaApi.createPolicy(policyBody(d));
      await qc.invalidateQueries({ queryKey: policiesKey });
      onClose();
    } catch (err) {
      errs.failed(err, (p) => policyPath(d, p));
      focusFirstInvalid(formRef.current);
    } finally {
      setSaving(false);
    }
  };

  const setEsc = (i: number, next: EscalationDraft) => set({ escalations: d.escalations.map((x, j) => (j === i ? next : x)) });
  const calendarOptions = [{ value: '', label: t('sla.admin.fields.calendar247') }, ...calendars.map((c) => ({ value: String(c.id), label: en ? c.name.en : c.name.es }))];

  return (
    <ModalDialog titleId="sla-policy-title" onClose={onClose} testid="sla-policy-dialog" className="modal--wide">
      <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id="sla-policy-title" className="modal__title">
            {policy ? t('sla.admin.policies.edit', { name: policyName }) : t('sla.admin.policies.new')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('sla.admin.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          <TextInput id="sla-policy-name-es" label={t('sla.admin.fields.nameEs')} testid="sla-policy-name-es" maxLength={maxName} value={d.name_es} onChange={(v) => set({ name_es: v })} error={errs.errorOf('name.es')} />
          <TextInput id="sla-policy-name-en" label={t('sla.admin.fields.nameEn')} testid="sla-policy-name-en" maxLength={maxName} value={d.name_en} onChange={(v) => set({ name_en: v })} error={errs.errorOf('name.en')} />
          <label className="admin-form__check">
            <input type="checkbox" data-testid="sla-policy-active" checked={d.active} onChange={(e) => set({ active: e.target.checked })} />
            {t('sla.admin.active')}
          </label>
          <fieldset className="rule-group">
            <legend className="form-field__label">{t('sla.admin.fields.conditions')}</legend>
            <p className="form-field__hint">{t('sla.admin.fields.anyHint')}</p>
            <IdMultiSelect id="sla-policy-priorities" legend={t('sla.admin.fields.priorities')} options={choices.priorities} value={d.priority_ids} onChange={(ids) => set({ priority_ids: ids })} error={errs.errorOf('priority_ids')} testid="sla-policy-priorities" />
            <IdMultiSelect id="sla-policy-categories" legend={t('sla.admin.fields.categories')} options={choices.categories} value={d.category_ids} onChange={(ids) => set({ category_ids: ids })} error={errs.errorOf('category_ids')} testid="sla-policy-categories" />
            <IdMultiSelect id="sla-policy-queues" legend={t('sla.admin.fields.queues')} options={choices.queues} value={d.queue_ids} onChange={(ids) => set({ queue_ids: ids })} error={errs.errorOf('queue_ids')} testid="sla-policy-queues" />
            <IdMultiSelect id="sla-policy-channels" legend={t('sla.admin.fields.channels')} options={choices.channels} value={d.channel_ids} onChange={(ids) => set({ channel_ids: ids })} error={errs.errorOf('channel_ids')} testid="sla-policy-channels" />
          </fieldset>
          <fieldset className="rule-group">
            <legend className="form-field__label">{t('sla.admin.fields.targets')}</legend>
            <div className="sla-targets">
              <TextInput
                id="sla-policy-first"
                label={t('sla.admin.fields.firstResponse')}
                testid="sla-policy-first"
                value={d.first_response}
                onChange={(v) => set({ first_response: v })}
                hint={t('sla.admin.fields.durationHint')}
                error={errs.errorOf('first_response_seconds')}
              />
              <TextInput
                id="sla-policy-resolution"
                label={t('sla.admin.fields.resolution')}
                testid="sla-policy-resolution"
                value={d.resolution}
                onChange={(v) => set({ resolution: v })}
                hint={t('sla.admin.fields.durationHint')}
                error={errs.errorOf('resolution_seconds')}
              />
              <TextInput
                id="sla-policy-at-risk"
                label={t('sla.admin.fields.atRisk')}
                testid="sla-policy-at-risk"
                type="number"
                inputMode="numeric"
                value={d.at_risk_percent}
                onChange={(v) => set({ at_risk_percent: v })}
                error={errs.errorOf('at_risk_percent')}
              />
            </div>
          </fieldset>
          <SelectInput
            id="sla-policy-calendar"
            label={t('sla.admin.fields.calendar')}
            testid="sla-policy-calendar"
            value={d.calendar_id === null ? '' : String(d.calendar_id)}
            options={calendarOptions}
            onChange={(v) => set({ calendar_id: v === '' ? null : Number(v) })}
            error={errs.errorOf('calendar_id')}
          />
          <IdMultiSelect id="sla-policy-pause" legend={t('sla.admin.fields.pauseStatuses')} options={choices.statuses} value={d.pause_status_ids} onChange={(ids) => set({ pause_status_ids: ids })} error={errs.errorOf('pause_status_ids')} testid="sla-policy-pause" />
          <fieldset className="rule-group">
            <legend className="form-field__label">{t('sla.admin.fields.escalations')}</legend>
            {d.escalations.length === 0 && <p className="form-field__hint">{t('sla.admin.fields.noEscalations')}</p>}
            <ul className="sla-rows">
              {d.escalations.map((x, i) => {
                const id = `sla-esc-${x.key}`;
                const rowError = errs.errorOf(`escalations[${i}]`);
                return (
                  <li key={x.key} className="sla-row" data-testid={`sla-escalation-${i}`}>
                    <SelectInput
                      id={`${id}-on`}
                      label={t('sla.admin.fields.on')}
                      testid={`sla-escalation-${i}-on`}
                      value={x.on}
                      options={escalationOns.map((v) => ({ value: v, label: t(`sla.admin.on.${v}`) }))}
                      onChange={(v) => setEsc(i, { ...x, on: v as EscalationDraft['on'] })}
                      error={errs.errorOf(`escalations[${i}].on`)}
                    />
                    <SelectInput
                      id={`${id}-clock`}
                      label={t('sla.admin.fields.clock')}
                      testid={`sla-escalation-${i}-clock`}
                      value={x.clock}
                      options={escalationClocks.map((v) => ({ value: v, label: t(`sla.admin.clocks.${v}`) }))}
                      onChange={(v) => setEsc(i, { ...x, clock: v as EscalationDraft['clock'] })}
                      error={errs.errorOf(`escalations[${i}].clock`)}
                    />
                    <SelectInput
                      id={`${id}-action`}
                      label={t('sla.admin.fields.action')}
                      testid={`sla-escalation-${i}-action`}
                      value={x.action}
                      options={escalationActions.map((v) => ({ value: v, label: t(`sla.admin.actions.${v}`) }))}
                      onChange={(v) => setEsc(i, { ...x, action: v as EscalationDraft['action'] })}
                      error={errs.errorOf(`escalations[${i}].action`)}
                    />
                    <button
                      type="button"
                      className="btn btn--ghost btn--small rule-row__remove"
                      data-testid={`sla-escalation-${i}-remove`}
                      aria-label={t('sla.admin.fields.removeEscalation', { n: i + 1 })}
                      onClick={() => set({ escalations: d.escalations.filter((_, j) => j !== i) })}
                    >
                      ×
                    </button>
                    <FieldError id={`${id}-error`} text={rowError} />
                  </li>
                );
              })}
            </ul>
            <button type="button" className="btn btn--small" data-testid="sla-add-escalation" onClick={() => set({ escalations: [...d.escalations, newEscalation()] })}>
              {t('sla.admin.fields.addEscalation')}
            </button>
            <FieldError id="sla-escalations-error" text={errs.errorOf('escalations')} />
          </fieldset>
        </div>
        <div className="modal__foot">
          {errs.general.length > 0 && (
            <div className="form-alert" role="alert" data-testid="sla-policy-error">
              {errs.general.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('sla.admin.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="sla-policy-save" disabled={saving}>
            {saving ? t('sla.admin.saving') : t('sla.admin.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
