// /people/:personId: the profile (edited in place by people.manage), the upline as a breadcrumb from
// the root to the sponsor, contacts, the downline tree, and a link to the person's tickets.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Person } from '../../api/types';
import { useCan } from '../auth/can';
import { CreditRequestButton } from '../workflows/CreditRequestButton';
import { ContactsPanel } from './ContactsPanel';
import { DownlineTree } from './DownlineTree';
import { PersonFields } from './PersonFields';
import type { FormErrors, PersonFormValues } from './personForm';
import { formFromPerson, mapServerErrors, toPatchBody, validatePerson } from './personForm';
import { personChanged, usePerson } from './usePeople';

export default function PersonPage() {
  const { t } = useTranslation();
  const id = Number(useParams().personId);
  const canView = useCan('people.view');
  const canManage = useCan('people.manage');
  const person = usePerson(id, canView && Number.isInteger(id) && id > 0);
  if (!canView) {
    return (
      <p className="page-status" role="alert">
        {t('people.forbidden')}
      </p>
    );
  }
  if (person.isPending) return <p className="page-status">{t('common.loading')}</p>;
  if (person.isError) {
    return (
      <p className="page-status" role="alert">
        {person.error.message} <Link to="/people">{t('people.back')}</Link>
      </p>
    );
  }
  const p = person.data;
  return (
    <main className="person-page" data-testid="person-page">
      <nav className="upline" aria-label={t('people.upline')}>
        <ol className="upline__list" data-testid="person-upline">
          <li>
            <Link to="/people">{t('people.title')}</Link>
          </li>
          {p.upline.map((u) => (
            <li key={u.id}>
              <Link to={`/people/${u.id}`}>{u.name}</Link>
            </li>
          ))}
          <li aria-current="page">{p.name}</li>
        </ol>
      </nav>
      <div className="person-page__head">
        <h1 className="person-page__title">{p.name}</h1>
        <span className={`people-kind people-kind--${p.kind}`}>{t(`people.kind.${p.kind}`)}</span>
        {p.has_login && <span className="chip">{t('people.hasLogin')}</span>}
        <Link className="btn btn--subtle person-page__tickets" to={`/tickets?requester=${p.id}`} data-testid="person-tickets">
          {t('people.tickets')}
        </Link>
        <CreditRequestButton person={p} />
      </div>
      <div className="person-page__grid">
        <Profile key={p.version} person={p} canManage={canManage} />
        <ContactsPanel personId={p.id} contacts={p.contacts} canManage={canManage} />
        <section className="person-section person-section--wide" aria-labelledby="downline-title">
          <div className="person-section__head">
            <h2 id="downline-title" className="person-section__title">
              {t('people.tree.title')}
            </h2>
            <span className="downline__meta">
              {t('people.tree.summary', { direct: p.direct_count, total: p.downline_count })}
            </span>
          </div>
          <DownlineTree rootId={p.id} version={p.version} />
        </section>
      </div>
    </main>
  );
}

function Profile({ person, canManage }: { person: Person; canManage: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState<PersonFormValues>(() => formFromPerson(person));
  const [errors, setErrors] = useState<FormErrors>({});
  const [other, setOther] = useState<string[]>([]);
  const [conflict, setConflict] = useState<Person | null>(null);
  const save = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof toPatchBody>>) => api.updatePerson(person.id, body),
    onSuccess: (p) => personChanged(qc, p),
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) {
        const cur = (err.body as { current?: Person } | undefined)?.current;
        if (cur) setConflict(cur);
        setOther([err.message]);
        return;
      }
      if (err instanceof ApiError) {
        const m = mapServerErrors(err.fields);
        setErrors(m.errors);
        setOther(Object.keys(err.fields).length === 0 ? [err.message] : m.other);
      } else setOther([t('errors.unknown')]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = validatePerson(values, t);
    setErrors(errs);
    setOther([]);
    if (Object.keys(errs).length > 0) return;
    const body = toPatchBody(values, person);
    if (body === null) setEditing(false);
    else save.mutate(body);
  };
  const rows: [string, string][] = [
    [t('people.fields.email'), person.email],
    [t('people.fields.document'), person.document_id ?? '—'],
    ...(person.kind === 'consultant'
      ? ([
          [t('people.fields.rank'), person.rank ?? '—'],
          [t('people.fields.status'), person.commercial_status ? t(`people.status.${person.commercial_status}`) : '—'],
        ] as [string, string][])
      : []),
  ];
  if (!editing) {
    return (
      <section className="person-section" aria-labelledby="profile-title">
        <div className="person-section__head">
          <h2 id="profile-title" className="person-section__title">
            {t('people.profile')}
          </h2>
          {canManage && (
            <button type="button" className="btn btn--subtle" data-testid="person-edit" onClick={() => setEditing(true)}>
              {t('people.edit')}
            </button>
          )}
        </div>
        <dl className="person-facts">
          {rows.map(([k, v]) => (
            <div key={k} className="person-facts__row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
          <div className="person-facts__row">
            <dt>{t('people.fields.sponsor')}</dt>
            <dd data-testid="person-sponsor">
              {person.sponsor ? <Link to={`/people/${person.sponsor.id}`}>{person.sponsor.name}</Link> : '—'}
            </dd>
          </div>
        </dl>
      </section>
    );
  }
  return (
    <section className="person-section" aria-labelledby="profile-title">
      <form onSubmit={submit} noValidate data-testid="person-form">
        <div className="person-section__head">
          <h2 id="profile-title" className="person-section__title">
            {t('people.profile')}
          </h2>
        </div>
        <PersonFields
          idPrefix="person"
          values={values}
          errors={errors}
          personId={person.id}
          onChange={(patch) => setValues((v) => ({ ...v, ...patch }))}
        />
        {other.length > 0 && (
          <div className="form-alert" role="alert" data-testid="person-error">
            {other.map((m) => (
              <p key={m}>{m}</p>
            ))}
            {conflict && (
              <button
                type="button"
                className="btn btn--subtle"
                data-testid="person-reload"
                onClick={() => personChanged(qc, conflict)}
              >
                {t('people.conflictReload')}
              </button>
            )}
          </div>
        )}
        <div className="contact-form__actions">
          <button
            type="button"
            className="btn btn--ghost"
            onClick={() => {
              setEditing(false);
              setValues(formFromPerson(person));
              setErrors({});
              setOther([]);
            }}
          >
            {t('people.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="person-save" disabled={save.isPending}>
            {save.isPending ? t('people.saving') : t('people.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
