// /admin/macros: the macros (name, description, a canned response and/or a reply text, actions) that
// agents apply to a ticket or to a selection of the records table. Needs catalog.manage.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { Macro } from '../../api/issue5';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { ModalDialog } from '../newTicket/ModalDialog';
import { macrosKey } from './ApplyMacroDialog';
import { useEditorErrors } from './editorErrors';
import { ActionsEditor } from './RuleParts';
import { editorPath, emptyMacro, macroBody, macroDraft, maxName, newAction, validateMacro } from './ruleForm';
import type { MacroDraft } from './ruleForm';
import { useChoices } from './useChoices';

export default function MacrosPage() {
  const allowed = useCan('catalog.manage');
  if (!allowed) return <AdminForbidden />;
  return <MacrosAdmin />;
}

function MacrosAdmin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const macros = useQuery({ queryKey: macrosKey, queryFn: ({ signal }) => api.macros(signal) });
  const [editing, setEditing] = useState<Macro | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (m: Macro) => api.deleteMacro(m.id, m.version),
    onSuccess: () => void qc.invalidateQueries({ queryKey: macrosKey }),
    onError: (err) => setError(err.message),
  });
  const list = [...(macros.data?.items ?? [])].sort((a, b) => a.position - b.position || a.id - b.id);
  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="macros-title" data-testid="macros-page">
        <div className="admin__head">
          <h2 id="macros-title" className="admin__kind-title">
            {t('automation.macros.title')}
          </h2>
          <button type="button" className="btn btn--primary" data-testid="macro-new" onClick={() => setEditing('new')}>
            {t('automation.macros.new')}
          </button>
        </div>
        {error !== null && (
          <p className="form-alert" role="alert">
            {error}
          </p>
        )}
        {macros.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : macros.isError ? (
          <p className="page-status" role="alert">
            {macros.error.message}
          </p>
        ) : list.length === 0 ? (
          <p className="page-status">{t('automation.macros.empty')}</p>
        ) : (
          <div className="admin-table__wrap">
            <table className="admin-table" data-testid="macro-list">
              <thead>
                <tr>
                  <th scope="col">{t('automation.name')}</th>
                  <th scope="col">{t('automation.macros.description')}</th>
                  <th scope="col">{t('automation.active')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('work.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.id} data-testid={`macro-${m.id}`}>
                    <td>{m.name}</td>
                    <td>{m.description || '—'}</td>
                    <td>{m.active ? t('admin.yes') : t('admin.no')}</td>
                    <td className="admin-table__actions">
                      <button type="button" className="btn btn--small" data-testid={`macro-edit-${m.id}`} onClick={() => setEditing(m)}>
                        {t('automation.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn--small btn--danger-text"
                        data-testid={`macro-delete-${m.id}`}
                        onClick={() => {
                          if (window.confirm(t('automation.macros.confirmDelete', { name: m.name }))) remove.mutate(m);
                        }}
                      >
                        {t('automation.delete')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {editing !== null && <MacroDialog macro={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </main>
  );
}

function MacroDialog({ macro, onClose }: { macro: Macro | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const choices = useChoices();
  const [d, setD] = useState<MacroDraft>(() => (macro ? macroDraft(macro) : emptyMacro()));
  const [saving, setSaving] = useState(false);
  const errs = useEditorErrors(t);
  const set = (patch: Partial<MacroDraft>) => setD((x) => ({ ...x, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving || !errs.check(validateMacro(d))) return;
    setSaving(true);
    try {
      if (macro) await api.updateMacro(macro.id, macroBody(d, macro.version));
      else await api.createMacro(macroBody(d));
      await qc.invalidateQueries({ queryKey: macrosKey });
      onClose();
    } catch (err) {
      errs.failed(err, (p) => editorPath(d, p));
    } finally {
      setSaving(false);
    }
  };

  const field = (key: 'name' | 'description' | 'reply', label: string, area: boolean, max: number) => {
    const err = errs.errorOf(key);
    const props = {
      id: `macro-${key}`,
      className: 'input',
      maxLength: max,
      'data-testid': `macro-${key}`,
      value: d[key],
      'aria-invalid': err !== undefined,
      'aria-describedby': err !== undefined ? `macro-${key}-error` : undefined,
    };
    return (
      <div className="field">
        <label htmlFor={`macro-${key}`} className="field__label">
          {label}
        </label>
        {area ? <textarea {...props} rows={5} onChange={(e) => set({ [key]: e.target.value })} /> : <input {...props} onChange={(e) => set({ [key]: e.target.value })} />}
        {err !== undefined && (
          <p id={`macro-${key}-error`} className="field__error">
            {err}
          </p>
        )}
      </div>
    );
  };
  const cannedErr = errs.errorOf('canned_id');

  return (
    <ModalDialog titleId="macro-dialog-title" onClose={onClose} testid="macro-dialog" className="modal--wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id="macro-dialog-title" className="modal__title">
            {macro ? t('automation.macros.edit', { name: macro.name }) : t('automation.macros.new')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('automation.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          {field('name', t('automation.name'), false, maxName)}
          {field('description', t('automation.macros.description'), true, 500)}
          <div className="field">
            <label htmlFor="macro-canned" className="field__label">
              {t('automation.macros.canned')}
            </label>
            <select
              id="macro-canned"
              className="input"
              data-testid="macro-canned"
              value={d.canned_id}
              aria-invalid={cannedErr !== undefined}
              aria-describedby={cannedErr !== undefined ? 'macro-canned-error' : undefined}
              onChange={(e) => set({ canned_id: e.target.value })}
            >
              <option value="">{t('automation.macros.noCanned')}</option>
              {choices.canned.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
            {cannedErr !== undefined && (
              <p id="macro-canned-error" className="field__error">
                {cannedErr}
              </p>
            )}
          </div>
          {field('reply', t('automation.macros.reply'), true, 10_000)}
          <label className="admin-form__check">
            <input type="checkbox" data-testid="macro-active" checked={d.active} onChange={(e) => set({ active: e.target.checked })} />
            {t('automation.active')}
          </label>
          <ActionsEditor actions={d.actions} choices={choices} errorOf={errs.errorOf} onChange={(actions) => set({ actions })} newAction={() => newAction()} />
        </div>
        <div className="modal__foot">
          {errs.general.length > 0 && (
            <div className="form-alert" role="alert" data-testid="macro-error">
              {errs.general.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('queues.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="macro-save" disabled={saving}>
            {saving ? t('automation.saving') : t('automation.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
