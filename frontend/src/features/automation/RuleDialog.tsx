// Create or edit one automation rule: name, when (created / updated), match all / any, conditions and
// actions; client checks first, then the server's field errors next to each input.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { AutomationRule } from '../../api/issue5';
import { ModalDialog } from '../newTicket/ModalDialog';
import { useEditorErrors } from './editorErrors';
import { ActionsEditor, ConditionRow } from './RuleParts';
import { editorPath, emptyRule, maxName, newAction, newCondition, ruleBody, ruleDraft, validateRule } from './ruleForm';
import type { RuleDraft } from './ruleForm';
import { useChoices } from './useChoices';

export const rulesKey = ['automation-rules'] as const;

export function RuleDialog({ rule, onClose }: { rule: AutomationRule | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const choices = useChoices();
  const [d, setD] = useState<RuleDraft>(() => (rule ? ruleDraft(rule) : emptyRule()));
  const [saving, setSaving] = useState(false);
  const errs = useEditorErrors(t);
  const set = (patch: Partial<RuleDraft>) => setD((x) => ({ ...x, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving || !errs.check(validateRule(d))) return;
    setSaving(true);
    try {
      if (rule) await api.updateRule(rule.id, ruleBody(d, rule.version));
      else await api.createRule(ruleBody(d));
      await qc.invalidateQueries({ queryKey: rulesKey });
      onClose();
    } catch (err) {
      errs.failed(err, (p) => editorPath(d, p));
    } finally {
      setSaving(false);
    }
  };

  const nameError = errs.errorOf('name');
  const whenError = errs.errorOf('when') ?? errs.errorOf('on_create') ?? errs.errorOf('on_update');
  return (
    <ModalDialog titleId="rule-dialog-title" onClose={onClose} testid="rule-dialog" className="modal--wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id="rule-dialog-title" className="modal__title">
            {rule ? t('automation.rules.edit', { name: rule.name }) : t('automation.rules.new')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('automation.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          <div className="field">
            <label htmlFor="rule-name" className="field__label">
              {t('automation.name')}
            </label>
            <input
              id="rule-name"
              className="input"
              maxLength={maxName}
              data-testid="rule-name"
              value={d.name}
              aria-invalid={nameError !== undefined}
              aria-describedby={nameError !== undefined ? 'rule-name-error' : undefined}
              onChange={(e) => set({ name: e.target.value })}
            />
            {nameError !== undefined && (
              <p id="rule-name-error" className="field__error">
                {nameError}
              </p>
            )}
          </div>
          <fieldset className="rule-group" aria-describedby={whenError !== undefined ? 'rule-when-error' : undefined}>
            <legend className="form-field__label">{t('automation.when')}</legend>
            <label className="admin-form__check">
              <input type="checkbox" data-testid="rule-on-create" checked={d.on_create} onChange={(e) => set({ on_create: e.target.checked })} />
              {t('automation.onCreate')}
            </label>
            <label className="admin-form__check">
              <input type="checkbox" data-testid="rule-on-update" checked={d.on_update} onChange={(e) => set({ on_update: e.target.checked })} />
              {t('automation.onUpdate')}
            </label>
            {whenError !== undefined && (
              <p id="rule-when-error" className="field__error">
                {whenError}
              </p>
            )}
          </fieldset>
          <label className="admin-form__check">
            <input type="checkbox" data-testid="rule-active" checked={d.active} onChange={(e) => set({ active: e.target.checked })} />
            {t('automation.active')}
          </label>
          <fieldset className="rule-group">
            <legend className="form-field__label">{t('automation.conditionsTitle')}</legend>
            <div className="rule-match" role="radiogroup" aria-label={t('automation.match')}>
              {(['all', 'any'] as const).map((m) => (
                <label key={m} className="admin-form__check">
                  <input type="radio" name="rule-match" data-testid={`rule-match-${m}`} checked={d.match === m} onChange={() => set({ match: m })} />
                  {t(`automation.matchOf.${m}`)}
                </label>
              ))}
            </div>
            {d.conditions.length === 0 && <p className="form-field__hint">{t('automation.noConditions')}</p>}
            <ul className="rule-rows">
              {d.conditions.map((c, i) => (
                <ConditionRow
                  key={c.key}
                  index={i}
                  c={c}
                  choices={choices}
                  errorOf={errs.errorOf}
                  onChange={(next) => set({ conditions: d.conditions.map((x, j) => (j === i ? next : x)) })}
                  onRemove={() => set({ conditions: d.conditions.filter((_, j) => j !== i) })}
                />
              ))}
            </ul>
            <button type="button" className="btn btn--small" data-testid="rule-add-condition" onClick={() => set({ conditions: [...d.conditions, newCondition()] })}>
              {t('automation.addCondition')}
            </button>
          </fieldset>
          <ActionsEditor actions={d.actions} choices={choices} errorOf={errs.errorOf} onChange={(actions) => set({ actions })} newAction={() => newAction()} />
        </div>
        <div className="modal__foot">
          {errs.general.length > 0 && (
            <div className="form-alert" role="alert" data-testid="rule-error">
              {errs.general.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('queues.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="rule-save" disabled={saving}>
            {saving ? t('automation.saving') : t('automation.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
