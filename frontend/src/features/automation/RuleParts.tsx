// The rows of the rule and macro editors: a condition (field, operator, value widget) and an action
// (kind, value widget), each with its errors next to the input (by path, see ruleForm.ts).
import { useTranslation } from 'react-i18next';
import type { ActionKind, ConditionField, ConditionOp } from '../../api/issue5';
import { IdMultiSelect } from '../roles/IdMultiSelect';
import type { IdOption } from '../roles/roleOptions';
import {
  actionCatalog,
  actionKinds,
  actionValueType,
  catalogOf,
  changeableFields,
  conditionFields,
  conditionValueType,
  isListOp,
  notifyTargets,
  opsFor,
  withField,
  withKind,
  withOp,
} from './ruleForm';
import type { ActionDraft, ConditionDraft, NotifyTo } from './ruleForm';
import type { Choices } from './useChoices';

/** ErrorOf is a path's error message (client checks translated, server messages as they came). */
export type ErrorOf = (path: string) => string | undefined;

function Err({ id, text }: { id: string; text: string | undefined }) {
  if (text === undefined) return null;
  return (
    <p id={id} className="field__error">
      {text}
    </p>
  );
}

const aria = (id: string, text: string | undefined) => ({ 'aria-invalid': text !== undefined, 'aria-describedby': text !== undefined ? `${id}-error` : undefined });

function Select({ id, label, value, options, onChange, error, testid, placeholder }: { id: string; label: string; value: string; options: readonly IdOption[] | readonly { id: string; label: string }[]; onChange: (v: string) => void; error?: string | undefined; testid: string; placeholder?: string }) {
  return (
    <div className="rule-cell">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <select id={id} className="input" data-testid={testid} value={value} onChange={(e) => onChange(e.target.value)} {...aria(id, error)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
      <Err id={`${id}-error`} text={error} />
    </div>
  );
}

function Text({ id, label, value, onChange, error, testid, area, number }: { id: string; label: string; value: string; onChange: (v: string) => void; error?: string | undefined; testid: string; area?: boolean; number?: boolean }) {
  return (
    <div className="rule-cell rule-cell--grow">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {area ? (
        <textarea id={id} className="input" rows={3} data-testid={testid} value={value} onChange={(e) => onChange(e.target.value)} {...aria(id, error)} />
      ) : (
        <input
          id={id}
          className="input"
          type={number ? 'number' : 'text'}
          min={number ? 0 : undefined}
          inputMode={number ? 'numeric' : undefined}
          data-testid={testid}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          {...aria(id, error)}
        />
      )}
      <Err id={`${id}-error`} text={error} />
    </div>
  );
}

interface ConditionRowProps {
  index: number;
  c: ConditionDraft;
  choices: Choices;
  errorOf: ErrorOf;
  onChange: (c: ConditionDraft) => void;
  onRemove: () => void;
}

export function ConditionRow({ index, c, choices, errorOf, onChange, onRemove }: ConditionRowProps) {
  const { t } = useTranslation();
  const path = `conditions[${index}]`;
  const id = `rule-c${c.key}`;
  const type = conditionValueType(c.field, c.op);
  const valueLabel = t('automation.value');
  const valueError = errorOf(`${path}.value`);
  const pick = type === 'catalog' ? choices.catalog(catalogOf(c.field) ?? 'queues') : type === 'person' ? choices.people : [];
  return (
    <li className="rule-row" data-testid={`rule-condition-${index}`}>
      <Select
        id={`${id}-field`}
        label={t('automation.field')}
        testid={`rule-condition-${index}-field`}
        value={c.field}
        options={conditionFields.map((f) => ({ id: f, label: t(`automation.fields.${f}`) }))}
        onChange={(v) => onChange(withField(c, v as ConditionField))}
        error={errorOf(`${path}.field`)}
      />
      <Select
        id={`${id}-op`}
        label={t('automation.op')}
        testid={`rule-condition-${index}-op`}
        value={c.op}
        options={opsFor(c.field).map((o) => ({ id: o, label: t(`automation.ops.${o}`) }))}
        onChange={(v) => onChange(withOp(c, v as ConditionOp))}
        error={errorOf(`${path}.op`)}
      />
      {(type === 'catalog' || type === 'person') && isListOp(c.op) && (
        <div className="rule-cell rule-cell--grow">
          <IdMultiSelect
            id={`${id}-value`}
            testid={`rule-condition-${index}-value`}
            legend={valueLabel}
            options={pick}
            value={c.list}
            onChange={(list) => onChange({ ...c, list })}
            error={valueError}
          />
        </div>
      )}
      {(type === 'catalog' || type === 'person') && !isListOp(c.op) && (
        <Select id={`${id}-value`} label={valueLabel} testid={`rule-condition-${index}-value`} value={c.value} options={pick} placeholder={t('queues.choose')} onChange={(v) => onChange({ ...c, value: v })} error={valueError} />
      )}
      {type === 'field' && (
        <Select
          id={`${id}-value`}
          label={valueLabel}
          testid={`rule-condition-${index}-value`}
          value={c.value}
          options={changeableFields.map((f) => ({ id: f, label: t(`automation.changeable.${f}`) }))}
          placeholder={t('queues.choose')}
          onChange={(v) => onChange({ ...c, value: v })}
          error={valueError}
        />
      )}
      {(type === 'text' || type === 'minutes') && (
        <Text id={`${id}-value`} label={type === 'minutes' ? t('automation.minutes') : valueLabel} testid={`rule-condition-${index}-value`} value={c.value} number={type === 'minutes'} onChange={(v) => onChange({ ...c, value: v })} error={valueError} />
      )}
      <button type="button" className="btn btn--ghost btn--small rule-row__remove" data-testid={`rule-condition-${index}-remove`} aria-label={t('automation.removeCondition', { n: index + 1 })} onClick={onRemove}>
        ×
      </button>
    </li>
  );
}

interface ActionRowProps {
  index: number;
  a: ActionDraft;
  choices: Choices;
  errorOf: ErrorOf;
  onChange: (a: ActionDraft) => void;
  onRemove: () => void;
}

export function ActionRow({ index, a, choices, errorOf, onChange, onRemove }: ActionRowProps) {
  const { t } = useTranslation();
  const path = `actions[${index}]`;
  const id = `rule-a${a.key}`;
  const type = actionValueType(a.kind);
  const valueLabel = t('automation.value');
  const valueError = errorOf(`${path}.value`);
  return (
    <li className="rule-row" data-testid={`rule-action-${index}`}>
      <Select
        id={`${id}-kind`}
        label={t('automation.action')}
        testid={`rule-action-${index}-kind`}
        value={a.kind}
        options={actionKinds.map((k) => ({ id: k, label: t(`automation.actions.${k}`) }))}
        onChange={(v) => onChange(withKind(a, v as ActionKind))}
        error={errorOf(`${path}.kind`)}
      />
      {(type === 'catalog' || type === 'person') && (
        <Select
          id={`${id}-value`}
          label={valueLabel}
          testid={`rule-action-${index}-value`}
          value={a.value}
          options={type === 'person' ? choices.people : choices.catalog(actionCatalog(a.kind) ?? 'queues')}
          placeholder={t('queues.choose')}
          onChange={(v) => onChange({ ...a, value: v })}
          error={valueError}
        />
      )}
      {type === 'text' && (
        <Text id={`${id}-value`} label={a.kind === 'add_note' ? t('automation.note') : t('automation.tag')} testid={`rule-action-${index}-value`} value={a.value} area={a.kind === 'add_note'} onChange={(v) => onChange({ ...a, value: v })} error={valueError} />
      )}
      {type === 'roles' && (
        <div className="rule-cell rule-cell--grow">
          <IdMultiSelect id={`${id}-value`} testid={`rule-action-${index}-value`} legend={t('automation.roles')} options={choices.roles} value={a.list} onChange={(list) => onChange({ ...a, list })} error={valueError} />
        </div>
      )}
      {type === 'notify' && (
        <div className="rule-cell rule-cell--grow rule-notify">
          <Select
            id={`${id}-to`}
            label={t('automation.notifyTo')}
            testid={`rule-action-${index}-to`}
            value={a.notify.to}
            options={notifyTargets.map((x) => ({ id: x, label: t(`automation.notifyTargets.${x}`) }))}
            onChange={(v) => onChange({ ...a, notify: { ...a.notify, to: v as NotifyTo } })}
          />
          {a.notify.to === 'user' && (
            <Select
              id={`${id}-user`}
              label={t('queues.person')}
              testid={`rule-action-${index}-user`}
              value={a.notify.userId}
              options={choices.people}
              placeholder={t('queues.choose')}
              onChange={(v) => onChange({ ...a, notify: { ...a.notify, userId: v } })}
              error={errorOf(`${path}.value.to`)}
            />
          )}
          <Text id={`${id}-es`} label={t('automation.textEs')} testid={`rule-action-${index}-text_es`} value={a.notify.text_es} onChange={(v) => onChange({ ...a, notify: { ...a.notify, text_es: v } })} error={errorOf(`${path}.value.text_es`)} />
          <Text id={`${id}-en`} label={t('automation.textEn')} testid={`rule-action-${index}-text_en`} value={a.notify.text_en} onChange={(v) => onChange({ ...a, notify: { ...a.notify, text_en: v } })} error={errorOf(`${path}.value.text_en`)} />
        </div>
      )}
      <button type="button" className="btn btn--ghost btn--small rule-row__remove" data-testid={`rule-action-${index}-remove`} aria-label={t('automation.removeAction', { n: index + 1 })} onClick={onRemove}>
        ×
      </button>
    </li>
  );
}

/** ActionsEditor is the list of actions with "Add action". */
export function ActionsEditor({ actions, choices, errorOf, onChange, newAction }: { actions: ActionDraft[]; choices: Choices; errorOf: ErrorOf; onChange: (a: ActionDraft[]) => void; newAction: () => ActionDraft }) {
  const { t } = useTranslation();
  const listError = errorOf('actions');
  return (
    <fieldset className="rule-group" aria-describedby={listError ? 'rule-actions-error' : undefined}>
      <legend className="form-field__label">{t('automation.actionsTitle')}</legend>
      <ul className="rule-rows">
        {actions.map((a, i) => (
          <ActionRow
            key={a.key}
            index={i}
            a={a}
            choices={choices}
            errorOf={errorOf}
            onChange={(next) => onChange(actions.map((x, j) => (j === i ? next : x)))}
            onRemove={() => onChange(actions.filter((_, j) => j !== i))}
          />
        ))}
      </ul>
      <Err id="rule-actions-error" text={listError} />
      <button type="button" className="btn btn--small" data-testid="rule-add-action" onClick={() => onChange([...actions, newAction()])}>
        {t('automation.addAction')}
      </button>
    </fieldset>
  );
}
