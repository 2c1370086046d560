// /admin/mail/templates[/:key]: the email templates, and the editor of one: subject and Markdown body in
// Spanish and English, its variables (a click inserts one where the cursor is), a live preview in the
// language shown, and the server's refusals next to the fields. Needs mail.manage.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { mailApi } from '../../api/issue6-mail';
import type { MailLang, MailPreview, MailTemplate } from '../../api/issue6-mail';
import { AdminForbidden, AdminNav } from '../admin/AdminNav';
import { useCan } from '../auth/can';
import { useEditorErrors } from '../automation/editorErrors';
import { MailFrame } from './MailFrame';
import { firstErrorLang, insertAt, mailLangs, maxBody, maxSubject, templateBody, templateDraft, templatePath, unknownVariables, validateTemplate, variableToken } from './templateForm';
import type { TemplateDraft } from './templateForm';

const templatesKey = ['mail-templates'] as const;
const previewDelayMs = 400;

export default function TemplatesPage() {
  const allowed = useCan('mail.manage');
  if (!allowed) return <AdminForbidden />;
  return <TemplatesAdmin />;
}

function TemplatesAdmin() {
  const { t } = useTranslation();
  const { key } = useParams();
  const list = useQuery({ queryKey: templatesKey, queryFn: ({ signal }) => mailApi.templates(signal) });
  const items = list.data?.items ?? [];
  const current = items.find((x) => x.key === key);
  return (
    <main className="admin">
      <AdminNav />
      <section className="admin__panel" aria-labelledby="mail-templates-title" data-testid="mail-templates-page">
        <div className="admin__head">
          <h2 id="mail-templates-title" className="admin__kind-title">
            {t('mail.templates.title')}
          </h2>
        </div>
        <p className="form-field__hint">{t('mail.templates.hint')}</p>
        {list.isPending ? (
          <p className="page-status">{t('common.loading')}</p>
        ) : list.isError ? (
          <p className="page-status" role="alert">
            {list.error.message}
          </p>
        ) : (
          <div className="mail-templates">
            <ul className="mail-templates__list">
              {items.map((x) => (
                <li key={x.key}>
                  <Link
                    to={`/admin/mail/templates/${encodeURIComponent(x.key)}`}
                    className={x.key === key ? 'admin__kind admin__kind--on' : 'admin__kind'}
                    aria-current={x.key === key ? 'page' : undefined}
                    data-testid={`mail-template-${x.key}`}
                  >
                    {t(`mail.templates.keys.${x.key}`, { defaultValue: x.key })}
                  </Link>
                </li>
              ))}
            </ul>
            {current ? (
              <TemplateEditor key={current.key} template={current} />
            ) : (
              <p className="page-status">{key === undefined ? t('mail.templates.pick') : t('mail.templates.notFound')}</p>
            )}
          </div>
        )}
      </section>
    </main>
  );
}

function TemplateEditor({ template }: { template: MailTemplate }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [d, setD] = useState<TemplateDraft>(() => templateDraft(template));
  const [lang, setLang] = useState<MailLang>('es');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const errs = useEditorErrors(t);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  // The field the last variable goes into: the one last focused (the body by default).
  const target = useRef<'subject' | 'body'>('body');

  const setField = (field: 'subject' | 'body', value: string) => {
    setSaved(false);
    setD((x) => ({ ...x, [field]: { ...x[field], [lang]: value } }));
  };

  const insert = (name: string) => {
    const field = target.current;
    const el = field === 'subject' ? subjectRef.current : bodyRef.current;
    const r = insertAt(d[field][lang], el?.selectionStart ?? null, el?.selectionEnd ?? null, variableToken(name));
    setField(field, r.value);
    // Put the cursor after the variable once React has written the new value.
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(r.cursor, r.cursor);
    });
  };

  const preview = usePreview(template.key, lang, d.subject[lang], d.body[lang]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const found = validateTemplate(d);
    if (!errs.check(found)) {
      const l = firstErrorLang(Object.keys(found));
      if (l) setLang(l);
      return;
    }
    setSaving(true);
    try {
      await mailApi.updateTemplate(template.key, templateBody(d, template.version));
      setSaved(true);
      await qc.invalidateQueries({ queryKey: templatesKey });
    } catch (err) {
      errs.failed(err, templatePath);
      if (err instanceof ApiError) {
        const l = firstErrorLang(Object.keys(err.fields));
        if (l) setLang(l);
        if (err.status === 409) {
          // Someone saved it meanwhile: show their template as it stands now, so that saving again
          // never overwrites a change this editor has not shown.
          const current = (err.body as { current?: MailTemplate } | undefined)?.current;
          if (current) setD(templateDraft(current));
          void qc.invalidateQueries({ queryKey: templatesKey });
        }
      }
    } finally {
      setSaving(false);
    }
  };

  const subjectErr = errs.errorOf(`subject.${lang}`) ?? errs.errorOf('subject');
  const bodyErr = errs.errorOf(`body.${lang}`) ?? errs.errorOf('body');
  const unknown = unknownVariables(`${d.subject[lang]}\n${d.body[lang]}`, template.variables);
  return (
    <form className="mail-editor" onSubmit={(e) => void submit(e)} noValidate data-testid="mail-template-editor">
      <h3 className="mail-editor__title">{t(`mail.templates.keys.${template.key}`, { defaultValue: template.key })}</h3>
      <div className="tabs" role="tablist" aria-label={t('mail.templates.language')}>
        {mailLangs.map((l) => (
          <button
            key={l}
            type="button"
            role="tab"
            id={`mail-tab-${l}`}
            aria-selected={lang === l}
            aria-controls="mail-tab-panel"
            className="tabs__tab"
            data-testid={`mail-tab-${l}`}
            onClick={() => setLang(l)}
          >
            {t(`lang.${l}`)}
          </button>
        ))}
      </div>
      <div className="mail-editor__grid" role="tabpanel" id="mail-tab-panel" aria-labelledby={`mail-tab-${lang}`}>
        <div className="mail-editor__fields">
          <div className="field">
            <label htmlFor="mail-subject" className="field__label">
              {t('mail.templates.subject')}
            </label>
            <input
              ref={subjectRef}
              id="mail-subject"
              className="input"
              maxLength={maxSubject}
              value={d.subject[lang]}
              data-testid="mail-subject"
              aria-invalid={subjectErr !== undefined}
              aria-describedby={subjectErr !== undefined ? 'mail-subject-error' : undefined}
              onFocus={() => (target.current = 'subject')}
              onChange={(e) => setField('subject', e.target.value)}
            />
            {subjectErr !== undefined && (
              <p id="mail-subject-error" className="field__error">
                {subjectErr}
              </p>
            )}
          </div>
          <div className="field">
            <label htmlFor="mail-body" className="field__label">
              {t('mail.templates.body')}
            </label>
            <textarea
              ref={bodyRef}
              id="mail-body"
              className="textarea mail-editor__body"
              rows={14}
              maxLength={maxBody}
              value={d.body[lang]}
              data-testid="mail-body"
              aria-invalid={bodyErr !== undefined}
              aria-describedby={bodyErr !== undefined ? 'mail-body-error' : 'mail-body-hint'}
              onFocus={() => (target.current = 'body')}
              onChange={(e) => setField('body', e.target.value)}
            />
            <p id="mail-body-hint" className="form-field__hint">
              {t('mail.templates.markdown')}
            </p>
            {bodyErr !== undefined && (
              <p id="mail-body-error" className="field__error">
                {bodyErr}
              </p>
            )}
          </div>
          <div className="mail-vars">
            <p className="form-field__label" id="mail-vars-label">
              {t('mail.templates.variables')}
            </p>
            <ul className="mail-vars__list" aria-labelledby="mail-vars-label">
              {template.variables.map((v) => (
                <li key={v}>
                  <button
                    type="button"
                    className="mail-vars__var"
                    data-testid={`mail-var-${v}`}
                    aria-label={t('mail.templates.insert', { name: v })}
                    // Keep the caret where it is: the button must not take the focus on mouse down.
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => insert(v)}
                  >
                    {variableToken(v)}
                  </button>
                </li>
              ))}
            </ul>
            {unknown.length > 0 && (
              <p className="field__error" data-testid="mail-unknown-vars">
                {t('mail.templates.unknown', { names: unknown.join(', ') })}
              </p>
            )}
          </div>
        </div>
        <div className="mail-preview" aria-live="polite" aria-busy={preview.loading}>
          <p className="form-field__label">{t('mail.templates.preview', { lang: t(`lang.${lang}`) })}</p>
          {preview.error !== null ? (
            <p className="form-alert" role="alert" data-testid="mail-preview-error">
              {preview.error}
            </p>
          ) : preview.data ? (
            <>
              <p className="mail-preview__subject" data-testid="mail-preview-subject">
                {preview.data.subject}
              </p>
              <MailFrame html={preview.data.html} title={t('mail.templates.previewFrame')} />
            </>
          ) : (
            <p className="page-status">{t('common.loading')}</p>
          )}
        </div>
      </div>
      <div className="mail-editor__foot">
        {errs.general.length > 0 && (
          <div className="form-alert" role="alert" data-testid="mail-template-error">
            {errs.general.map((m, i) => (
              <p key={i}>{m}</p>
            ))}
          </div>
        )}
        {saved && (
          <p className="mt-saved" role="status" data-testid="mail-template-saved">
            {t('mail.templates.saved')}
          </p>
        )}
        <button type="submit" className="btn btn--primary" disabled={saving} data-testid="mail-template-save">
          {saving ? t('mail.saving') : t('mail.save')}
        </button>
      </div>
    </form>
  );
}

/** usePreview renders the text being edited on the server, a moment after typing stops. */
function usePreview(key: string, lang: MailLang, subject: string, body: string) {
  const [state, setState] = useState<{ data: MailPreview | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, loading: true }));
      mailApi
        .preview(key, { lang, subject, body }, ctl.signal)
        .then((data) => setState({ data, error: null, loading: false }))
        .catch((err: unknown) => {
          if (ctl.signal.aborted) return;
          setState({ data: null, error: err instanceof Error ? err.message : String(err), loading: false });
        });
    }, previewDelayMs);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [key, lang, subject, body]);
  return state;
}
