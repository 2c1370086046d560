// /form — the anonymous web form: name, email, category and subcategory, order number, description and
// up to five files, with a field people never see (a robot fills it). Fields to fix are named under
// each field, in the chosen language; once sent, a confirmation tells the visitor to check their email
// for the tracking link of case #N.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { webformApi } from '../../api/issue7-webform';
import type { WebFormValues } from '../../api/issue7-webform';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { FilePicker } from '../tasks/FilePicker';
import { checkForm, emptyForm, maxDescription, maxName, submitForm } from './webform';
import type { FieldErrors } from './webform';

export default function FormPage() {
  const { t, i18n } = useTranslation();
  const info = useQuery({ queryKey: ['webform-info'], queryFn: ({ signal }) => webformApi.form(signal), staleTime: 60_000 });
  const [v, setV] = useState<WebFormValues>(emptyForm);
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<{ number: number; email: string } | null>(null);
  const en = i18n.language.startsWith('en');
  const cats = info.data?.categories ?? [];
  const subs = cats.find((c) => String(c.id) === v.category_id)?.subcategories ?? [];
  const set = (k: keyof WebFormValues, val: string) => {
    setV((p) => ({ ...p, [k]: val, ...(k === 'category_id' ? { subcategory_id: '' } : {}) }));
    if (errors[k] !== undefined) setErrors(({ [k]: _, ...rest }) => rest);
  };
  const local = (e: FieldErrors): Record<string, string> =>
    Object.fromEntries(Object.entries(e).map(([k, key]) => [k, t(`webform.errors.${key}`, { max: k === 'name' ? maxName : maxDescription })]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const bad = checkForm(v);
    if (Object.keys(bad).length > 0) {
      setErrors(local(bad));
      setAlert(t('webform.form.fix'));
      return;
    }
    setBusy(true);
    setAlert(null);
    try {
      const r = await submitForm(v, files, i18n.language);
      if (r.kind === 'sent') setSent({ number: r.number, email: v.email.trim() });
      else if (r.kind === 'invalid') {
        setErrors(r.fields);
        setAlert(r.message);
      } else setAlert(r.message);
    } catch {
      setAlert(t('errors.network'));
    } finally {
      setBusy(false);
    }
  };

  const field = (k: keyof WebFormValues) => ({
    id: `wf-${k}`,
    'aria-invalid': errors[k] !== undefined,
    'aria-describedby': errors[k] !== undefined ? `wf-${k}-error` : undefined,
    'data-testid': `webform-${k}`,
  });
  const fieldError = (k: string) =>
    errors[k] !== undefined && (
      <p className="form-field__error" id={`wf-${k}-error`} data-testid={`webform-error-${k}`}>
        {errors[k]}
      </p>
    );

  let body;
  if (sent !== null) {
    body = (
      <div className="outsider__notice outsider__notice--ok" role="status" data-testid="webform-sent">
        <h2 className="outsider__h2">{t('webform.sent.title', { number: sent.number })}</h2>
        <p>{t('webform.sent.text', { email: sent.email })}</p>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setSent(null);
            setV(emptyForm);
            setFiles([]);
          }}
        >
          {t('webform.sent.another')}
        </button>
      </div>
    );
  } else if (info.isPending) body = <p className="page-status">{t('common.loading')}</p>;
  else if (info.isError)
    body = (
      <p className="form-alert" role="alert">
        {info.error.message}
      </p>
    );
  else
    body = (
      <form className="outsider__form webform" onSubmit={(e) => void submit(e)} noValidate data-testid="webform">
        <p className="form-field__hint">{t('webform.form.intro')}</p>
        <div className="webform__row">
          <div className="form-field">
            <label className="form-field__label" htmlFor="wf-name">{t('webform.form.name')}</label>
            <input className="input" autoComplete="name" maxLength={maxName} value={v.name} onChange={(e) => set('name', e.target.value)} {...field('name')} />
            {fieldError('name')}
          </div>
          <div className="form-field">
            <label className="form-field__label" htmlFor="wf-email">{t('webform.form.email')}</label>
            <input className="input" type="email" autoComplete="email" value={v.email} onChange={(e) => set('email', e.target.value)} {...field('email')} />
            {fieldError('email')}
          </div>
        </div>
        <div className="webform__row">
          <div className="form-field">
            <label className="form-field__label" htmlFor="wf-category_id">{t('webform.form.category')}</label>
            <select className="input" value={v.category_id} onChange={(e) => set('category_id', e.target.value)} {...field('category_id')}>
              <option value="">{t('webform.form.choose')}</option>
              {cats.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {en ? c.name_en : c.name_es}
                </option>
              ))}
            </select>
            {fieldError('category_id')}
          </div>
          <div className="form-field">
            <label className="form-field__label" htmlFor="wf-subcategory_id">{t('webform.form.subcategory')}</label>
            <select
              className="input"
              value={v.subcategory_id}
              disabled={subs.length === 0}
              onChange={(e) => set('subcategory_id', e.target.value)}
              {...field('subcategory_id')}
            >
              <option value="">{t('webform.form.optional')}</option>
              {subs.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {en ? c.name_en : c.name_es}
                </option>
              ))}
            </select>
            {fieldError('subcategory_id')}
          </div>
        </div>
        <div className="form-field">
          <label className="form-field__label" htmlFor="wf-order_number">{t('webform.form.order')}</label>
          <input className="input" maxLength={40} value={v.order_number} onChange={(e) => set('order_number', e.target.value)} {...field('order_number')} />
          <p className="form-field__hint">{t('webform.form.orderHint')}</p>
          {fieldError('order_number')}
        </div>
        <div className="form-field">
          <label className="form-field__label" htmlFor="wf-description">{t('webform.form.description')}</label>
          <textarea className="textarea" rows={6} maxLength={maxDescription} value={v.description} onChange={(e) => set('description', e.target.value)} {...field('description')} />
          <p className="form-field__hint">{t('webform.form.descriptionHint')}</p>
          {fieldError('description')}
        </div>
        {/* The honeypot: hidden from people and from screen readers, never focused by keyboard. */}
        <div className="webform__trap" aria-hidden="true">
          <label htmlFor="wf-website">Website</label>
          <input id="wf-website" name="website" tabIndex={-1} autoComplete="off" value={v.website} onChange={(e) => set('website', e.target.value)} />
        </div>
        <FilePicker files={files} onChange={setFiles} disabled={busy} />
        {fieldError('files')}
        {alert !== null && (
          <p className="form-alert" role="alert" data-testid="webform-alert">
            {alert}
          </p>
        )}
        <button type="submit" className="btn btn--primary outsider__send" disabled={busy} data-testid="webform-send">
          {busy ? t('webform.form.sending') : t('webform.form.send')}
        </button>
      </form>
    );

  return (
    <main className="outsider">
      <div className="outsider__bar">
        <span className="outsider__brand">{t('app.name')}</span>
        <LanguageSwitch />
      </div>
      <div className="outsider__card" data-testid="webform-page">
        <h1 className="outsider__title">{t('webform.form.title')}</h1>
        {body}
      </div>
    </main>
  );
}
