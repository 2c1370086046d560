// Admin → Workflows (catalog.manage): /admin/workflows lists them; /admin/workflows/new and
// /admin/workflows/:workflowId open the editor (diagram, side panel, categories); the metrics page is
// MetricsPage.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Workflow, WorkflowDefinition } from '../../api/issue5';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { byId, invalidateCatalogs, useCatalogs, useLabel } from '../catalog/useCatalogs';
import { FormField } from '../newTicket/FormField';
import { roleOptions } from '../roles/roleOptions';
import { useRoles } from '../roles/useRoles';
import { useToast } from '../toast/toast';
import { validateDefinition } from './definition';
import { Diagram } from './Diagram';
import { addState, addTransition, emptyDefinition, removeState, removeTransition, updateState, updateTransition } from './draft';
import type { ElementRef } from './errorPaths';
import { dropElementErrors, errorsOf, fieldError, indexErrors, mergeErrors } from './errorPaths';
import { StatePanel, TransitionPanel } from './Panels';
import { useWorkflows, workflowsKey } from './useWorkflows';

export default function WorkflowsPage() {
  const allowed = useCan('catalog.manage');
  const { workflowId } = useParams();
  if (!allowed) return <AdminForbidden />;
  return (
    <main className="admin">
      <AdminNav />
      {workflowId === undefined ? <WorkflowList /> : <EditorRoute key={workflowId} param={workflowId} />}
    </main>
  );
}

function WorkflowList() {
  const { t } = useTranslation();
  const label = useLabel();
  const list = useWorkflows();
  const catalogs = useCatalogs();
  const cats = byId(catalogs.data?.categories);
  return (
    <section className="admin__panel" aria-labelledby="wf-title">
      <div className="admin__head">
        <h2 id="wf-title" className="admin__kind-title">
          {t('workflows.title')}
        </h2>
        <Link className="btn btn--primary" to="/admin/workflows/new" data-testid="wf-new">
          {t('workflows.new')}
        </Link>
      </div>
      {list.isError && <p className="form-alert" role="alert">{list.error.message}</p>}
      {list.isPending && <p className="page-status">{t('common.loading')}</p>}
      <div className="admin-table__wrap">
        <table className="admin-table" data-testid="wf-table">
          <thead>
            <tr>
              <th scope="col">{t('workflows.list.name')}</th>
              <th scope="col">{t('workflows.list.states')}</th>
              <th scope="col">{t('workflows.list.categories')}</th>
              <th scope="col">{t('workflows.list.active')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('workflows.list.open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((w) => (
              <tr key={w.id} data-testid={`wf-row-${w.key}`}>
                <td>
                  <Link to={`/admin/workflows/${w.id}`}>{label(w)}</Link> <code>{w.key}</code>
                  {w.builtin && <span className="chip">{t('workflows.list.builtin')}</span>}
                </td>
                <td>{w.definition.states.length}</td>
                <td>{w.category_ids.map((id) => label(cats.get(id)) || `#${id}`).join(', ') || '—'}</td>
                <td>{w.active ? t('workflows.list.yes') : t('workflows.list.no')}</td>
                <td>
                  <Link to={`/admin/workflows/${w.id}/metrics`} data-testid={`wf-metrics-${w.key}`}>
                    {t('workflows.metrics.link')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function EditorRoute({ param }: { param: string }) {
  const { t } = useTranslation();
  const isNew = param === 'new';
  const id = Number(param);
  const one = useQuery({ queryKey: ['workflow', id], queryFn: ({ signal }) => api.workflow(id, signal), enabled: !isNew && Number.isInteger(id) && id > 0 });
  if (isNew) return <WorkflowEditor workflow={null} onReload={() => undefined} />;
  if (one.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (one.isError) return <p className="page-status" role="alert">{one.error.message}</p>;
  return <WorkflowEditor key={one.data.version} workflow={one.data} onReload={() => void one.refetch()} />;
}

interface Meta {
  key: string;
  name_es: string;
  name_en: string;
  description_es: string;
  description_en: string;
  active: boolean;
}

function WorkflowEditor({ workflow, onReload }: { workflow: Workflow | null; onReload: () => void }) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const catalogs = useCatalogs();
  const roles = useRoles();
  const perms = useQuery({ queryKey: ['permissions'], queryFn: ({ signal }) => api.permissions(signal), staleTime: Infinity });
  const [meta, setMeta] = useState<Meta>(() => ({
    key: workflow?.key ?? '',
    name_es: workflow?.name_es ?? '',
    name_en: workflow?.name_en ?? '',
    description_es: workflow?.description_es ?? '',
    description_en: workflow?.description_en ?? '',
    active: workflow?.active ?? true,
  }));
  const [def, setDef] = useState<WorkflowDefinition>(() => workflow?.definition ?? emptyDefinition);
  const [selected, setSelected] = useState<ElementRef | null>(null);
  const [server, setServer] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);

  const statuses = catalogs.data?.statuses ?? [];
  const statusOptions = statuses.map((s) => ({ id: s.id, label: label(s) }));
  const statusName = (id: number) => label(statuses.find((s) => s.id === id)) || `#${id}`;
  const ctx = useMemo(
    () => ({
      statusIds: catalogs.data ? new Set(catalogs.data.statuses.map((s) => s.id)) : null,
      roleIds: roles.data && roles.data.length > 0 ? new Set(roles.data.map((r) => r.id)) : null,
      perms: perms.data ? new Set(perms.data.items.map((p) => p.key)) : null,
    }),
    [catalogs.data, roles.data, perms.data],
  );
  const issues = validateDefinition(def, ctx);
  const clientErrors: Record<string, string> = {};
  for (const i of issues) {
    const m = t(`workflows.errors.${i.code}`, i.values ?? {});
    clientErrors[i.path] = clientErrors[i.path] ? `${clientErrors[i.path]} ${m}` : m;
  }
  // Client checks show once the admin asked to validate or save; the server's always.
  const errors = mergeErrors(checked ? clientErrors : {}, server);
  const index = indexErrors(errors);
  const metaErr = (f: string) => server[f];

  const edit = (el: ElementRef, next: WorkflowDefinition) => {
    setDef(next);
    setServer((s) => dropElementErrors(s, el));
  };
  const structural = (next: WorkflowDefinition, sel: ElementRef | null) => {
    setDef(next);
    setServer({});
    setSelected(sel);
  };

  const save = useMutation({
    mutationFn: () =>
      workflow === null
        ? api.createWorkflow({ key: meta.key, name_es: meta.name_es, name_en: meta.name_en, description_es: meta.description_es, description_en: meta.description_en, definition: def })
        : api.updateWorkflow(workflow.id, {
            name_es: meta.name_es,
            name_en: meta.name_en,
            description_es: meta.description_es,
            description_en: meta.description_en,
            active: meta.active,
            definition: def,
            version: workflow.version,
          }),
    onSuccess: (w) => {
      setServer({});
      toast.show(t('workflows.editor.saved'));
      void qc.invalidateQueries({ queryKey: workflowsKey });
      qc.setQueryData(['workflow', w.id], w);
      if (workflow === null) void navigate(`/admin/workflows/${w.id}`, { replace: true });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) {
        setConflict(err.message);
        return;
      }
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setServer(err.fields);
      else toast.show(err instanceof Error ? err.message : t('errors.unknown'));
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (issues.length > 0) return;
    save.mutate();
  };

  const wfErrors = errorsOf(index, { kind: 'workflow' });
  const general = [...wfErrors.entries()].filter(([f]) => f === 'states' || f === 'transitions' || f === 'definition').flatMap(([, m]) => m);
  const unusedStatuses = statuses.filter((s) => !def.states.some((x) => x.status_id === s.id));
  const roleOpts = roleOptions(roles.data ?? [], i18n.language);

  return (
    <section className="admin__panel wf-editor" aria-labelledby="wf-editor-title">
      <div className="admin__head">
        <h2 id="wf-editor-title" className="admin__kind-title">
          {workflow === null ? t('workflows.new') : label(workflow)}
        </h2>
        <Link to="/admin/workflows">{t('workflows.back')}</Link>
        {workflow !== null && <Link to={`/admin/workflows/${workflow.id}/metrics`}>{t('workflows.metrics.link')}</Link>}
      </div>
      {conflict !== null && (
        <div className="form-alert" role="alert" data-testid="wf-conflict">
          <p>{conflict}</p>
          <p>{t('workflows.editor.conflict')}</p>
          <button type="button" className="btn" data-testid="wf-reload" onClick={onReload}>
            {t('workflows.editor.reload')}
          </button>
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <div className="wf-meta">
          {workflow === null && (
            <FormField id="wf-key" label={t('workflows.editor.key')} error={metaErr('key')}>
              {(c) => <input {...c} data-testid="wf-key" value={meta.key} maxLength={40} onChange={(e) => setMeta({ ...meta, key: e.target.value })} />}
            </FormField>
          )}
          <FormField id="wf-name-es" label={t('workflows.editor.nameEs')} error={metaErr('name_es')}>
            {(c) => <input {...c} data-testid="wf-name-es" value={meta.name_es} maxLength={100} onChange={(e) => setMeta({ ...meta, name_es: e.target.value })} />}
          </FormField>
          <FormField id="wf-name-en" label={t('workflows.editor.nameEn')} error={metaErr('name_en')}>
            {(c) => <input {...c} data-testid="wf-name-en" value={meta.name_en} maxLength={100} onChange={(e) => setMeta({ ...meta, name_en: e.target.value })} />}
          </FormField>
          <FormField id="wf-desc-es" label={t('workflows.editor.descriptionEs')} error={metaErr('description_es')}>
            {(c) => <textarea {...c} rows={2} value={meta.description_es} onChange={(e) => setMeta({ ...meta, description_es: e.target.value })} />}
          </FormField>
          <FormField id="wf-desc-en" label={t('workflows.editor.descriptionEn')} error={metaErr('description_en')}>
            {(c) => <textarea {...c} rows={2} value={meta.description_en} onChange={(e) => setMeta({ ...meta, description_en: e.target.value })} />}
          </FormField>
          {workflow !== null && (
            <label className="toggle">
              <input type="checkbox" data-testid="wf-active" checked={meta.active} onChange={(e) => setMeta({ ...meta, active: e.target.checked })} />
              <span>{t('workflows.editor.active')}</span>
            </label>
          )}
        </div>
        {general.length > 0 && (
          <div className="form-alert" role="alert" data-testid="wf-general-errors">
            {general.map((m, i) => (
              <p key={i}>{m}</p>
            ))}
          </div>
        )}
        {checked && issues.length > 0 && (
          <p className="form-alert" role="status" data-testid="wf-issue-count">
            {t('workflows.editor.issues', { count: issues.length })}
          </p>
        )}
        <div className="wf-editor__body">
          <Diagram
            def={def}
            selected={selected}
            errors={index}
            statusName={statusName}
            transitionName={(i) => {
              const tr = def.transitions[i];
              return tr ? (i18n.language === 'en' ? tr.name_en : tr.name_es) || tr.key : '';
            }}
            onSelect={setSelected}
            onMove={(i, x, y) => setDef((d) => updateState(d, i, { x, y }))}
          />
          <aside className="wf-side" aria-label={t('workflows.editor.panel')}>
            <FormField id="wf-add-state" label={t('workflows.editor.addState')}>
              {(c) => (
                <select
                  {...c}
                  data-testid="wf-add-state"
                  value=""
                  onChange={(e) => {
                    if (!e.target.value) return;
                    const next = addState(def, Number(e.target.value));
                    structural(next, { kind: 'state', index: next.states.length - 1 });
                  }}
                >
                  <option value="">{t('workflows.editor.choose')}</option>
                  {unusedStatuses.map((s) => (
                    <option key={s.id} value={String(s.id)}>
                      {label(s)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            {selected?.kind === 'state' && (
              <StatePanel
                def={def}
                index={selected.index}
                errors={errorsOf(index, selected)}
                statuses={statusOptions}
                onChange={(patch) => edit(selected, updateState(def, selected.index, patch))}
                onRemove={() => structural(removeState(def, selected.index), null)}
                onAddTransition={(to) => {
                  const next = addTransition(def, def.states[selected.index]!.status_id, to);
                  structural(next, { kind: 'transition', index: next.transitions.length - 1 });
                }}
              />
            )}
            {selected?.kind === 'transition' && (
              <TransitionPanel
                def={def}
                index={selected.index}
                errors={errorsOf(index, selected)}
                statuses={statusOptions}
                roles={roleOpts}
                perms={(perms.data?.items ?? []).map((p) => p.key)}
                onChange={(patch) => edit(selected, updateTransition(def, selected.index, patch))}
                onRemove={() => structural(removeTransition(def, selected.index), null)}
              />
            )}
            {selected === null && <p className="form-field__hint">{t('workflows.editor.selectHint')}</p>}
          </aside>
        </div>
        <div className="wf-editor__foot">
          <button type="button" className="btn" data-testid="wf-validate" onClick={() => setChecked(true)}>
            {t('workflows.editor.validate')}
          </button>
          {checked && issues.length === 0 && (
            <span role="status" data-testid="wf-valid">
              {t('workflows.editor.valid')}
            </span>
          )}
          <button type="submit" className="btn btn--primary" data-testid="wf-save" disabled={save.isPending}>
            {save.isPending ? t('workflows.editor.saving') : t('workflows.editor.save')}
          </button>
        </div>
      </form>
      {workflow !== null && <CategoriesMapping workflow={workflow} onSaved={() => void qc.invalidateQueries({ queryKey: ['workflow', workflow.id] })} />}
      {fieldError(wfErrors, 'version') && <p className="form-alert">{fieldError(wfErrors, 'version')}</p>}
    </section>
  );
}

function CategoriesMapping({ workflow, onSaved }: { workflow: Workflow; onSaved: () => void }) {
  const { t } = useTranslation();
  const label = useLabel();
  const qc = useQueryClient();
  const catalogs = useCatalogs();
  const [ids, setIds] = useState<number[]>(workflow.category_ids);
  const [message, setMessage] = useState<string | null>(null);
  const cats = catalogs.data?.categories ?? [];
  const parents = cats.filter((c) => c.parent_id === null);
  const save = useMutation({
    mutationFn: () => api.setWorkflowCategories(workflow.id, { category_ids: ids, version: workflow.version }),
    onSuccess: () => {
      setMessage(t('workflows.categories.saved'));
      void qc.invalidateQueries({ queryKey: workflowsKey });
      void invalidateCatalogs(qc);
      onSaved();
    },
    onError: (err) => setMessage(err instanceof ApiError && err.status === 409 ? `${err.message} ${t('workflows.editor.conflict')}` : err.message),
  });
  const box = (id: number, text: string, sub: boolean) => (
    <label key={id} className={sub ? 'id-multi__option wf-cats__sub' : 'id-multi__option'}>
      <input
        type="checkbox"
        data-testid={`wf-category-${id}`}
        checked={ids.includes(id)}
        onChange={(e) => setIds((cur) => (e.target.checked ? [...cur, id].sort((a, b) => a - b) : cur.filter((x) => x !== id)))}
      />
      <span>{text}</span>
    </label>
  );
  return (
    <section className="wf-panel wf-cats" aria-labelledby="wf-cats-title" data-testid="wf-categories">
      <h3 id="wf-cats-title" className="wf-panel__title">
        {t('workflows.categories.title')}
      </h3>
      <p className="form-field__hint">{t('workflows.categories.hint')}</p>
      <fieldset className="id-multi">
        <legend className="visually-hidden">{t('workflows.categories.title')}</legend>
        {parents.map((p) => (
          <div key={p.id}>
            {box(p.id, label(p), false)}
            {cats.filter((c) => c.parent_id === p.id).map((c) => box(c.id, label(c), true))}
          </div>
        ))}
      </fieldset>
      <button type="button" className="btn" data-testid="wf-categories-save" disabled={save.isPending} onClick={() => save.mutate()}>
        {t('workflows.categories.save')}
      </button>
      {message && <p role="status">{message}</p>}
    </section>
  );
}
