// A person's phones, emails and addresses: add, edit, delete (with a confirmation) and make primary.
// One primary per kind: the server clears the others, so the whole person is reloaded after a write.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Contact, ContactKind } from '../../api/types';
import { FormField } from '../newTicket/FormField';
import { contactError } from './personForm';
import { personKey, personsKey } from './usePeople';

const kinds: readonly ContactKind[] = ['phone', 'email', 'address'];

interface Props {
  personId: number;
  contacts: Contact[];
  canManage: boolean;
}

type Errors = Partial<Record<'kind' | 'value' | 'label' | 'form', string>>;

function errorsOf(err: unknown, fallback: string): Errors {
  if (err instanceof ApiError) {
    const out: Errors = {};
    for (const k of ['kind', 'value', 'label'] as const) if (err.fields[k]) out[k] = err.fields[k];
    if (Object.keys(out).length === 0) out.form = err.message;
    return out;
  }
  return { form: fallback };
}

export function ContactsPanel({ personId, contacts, canManage }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: personKey(personId) });
    void qc.invalidateQueries({ queryKey: personsKey });
  };
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const primary = useMutation({
    mutationFn: (c: Contact) => api.updateContact(personId, c.id, { is_primary: true }),
    onSuccess: refresh,
    onError: (e) => setRowError(errorsOf(e, t('errors.unknown')).form ?? t('errors.unknown')),
  });
  const remove = useMutation({
    mutationFn: (c: Contact) => api.deleteContact(personId, c.id),
    onSuccess: () => {
      setConfirming(null);
      refresh();
    },
    onError: (e) => setRowError(errorsOf(e, t('errors.unknown')).form ?? t('errors.unknown')),
  });
  return (
    <section className="person-section" aria-labelledby="contacts-title">
      <div className="person-section__head">
        <h2 id="contacts-title" className="person-section__title">
          {t('people.contacts.title')}
        </h2>
        {canManage && editing === null && (
          <button type="button" className="btn btn--subtle" data-testid="contact-add" onClick={() => setEditing('new')}>
            {t('people.contacts.add')}
          </button>
        )}
      </div>
      {rowError && (
        <p className="form-alert" role="alert">
          {rowError}
        </p>
      )}
      {editing === 'new' && (
        <ContactForm
          personId={personId}
          onDone={() => {
            setEditing(null);
            refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {contacts.length === 0 && editing !== 'new' && <p className="downline__note">{t('people.contacts.empty')}</p>}
      <ul className="contacts">
        {contacts.map((c) =>
          editing === c.id ? (
            <li key={c.id} className="contacts__item">
              <ContactForm
                personId={personId}
                contact={c}
                onDone={() => {
                  setEditing(null);
                  refresh();
                }}
                onCancel={() => setEditing(null)}
              />
            </li>
          ) : (
            <li key={c.id} className="contacts__item" data-testid={`contact-${c.id}`}>
              <span className="contacts__kind">{t(`people.contacts.kind.${c.kind}`)}</span>
              <span className="contacts__value">{c.value}</span>
              {c.label && <span className="contacts__label">{c.label}</span>}
              {c.is_primary && <span className="chip contacts__primary">{t('people.contacts.primary')}</span>}
              {canManage && (
                <span className="contacts__actions">
                  {!c.is_primary && (
                    <button
                      type="button"
                      className="btn btn--subtle"
                      data-testid={`contact-primary-${c.id}`}
                      disabled={primary.isPending}
                      onClick={() => {
                        setRowError(null);
                        primary.mutate(c);
                      }}
                    >
                      {t('people.contacts.makePrimary')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn--subtle"
                    data-testid={`contact-edit-${c.id}`}
                    onClick={() => setEditing(c.id)}
                  >
                    {t('people.edit')}
                  </button>
                  {confirming === c.id ? (
                    <>
                      <button
                        type="button"
                        className="btn btn--danger"
                        data-testid={`contact-delete-confirm-${c.id}`}
                        disabled={remove.isPending}
                        onClick={() => {
                          setRowError(null);
                          remove.mutate(c);
                        }}
                      >
                        {t('people.contacts.confirmDelete')}
                      </button>
                      <button type="button" className="btn btn--ghost" onClick={() => setConfirming(null)}>
                        {t('people.cancel')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="btn btn--danger-text"
                      data-testid={`contact-delete-${c.id}`}
                      onClick={() => setConfirming(c.id)}
                    >
                      {t('people.contacts.delete')}
                    </button>
                  )}
                </span>
              )}
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

interface FormProps {
  personId: number;
  contact?: Contact;
  onDone: () => void;
  onCancel: () => void;
}

function ContactForm({ personId, contact, onDone, onCancel }: FormProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ContactKind>(contact?.kind ?? 'phone');
  const [value, setValue] = useState(contact?.value ?? '');
  const [label, setLabel] = useState(contact?.label ?? '');
  const [isPrimary, setPrimary] = useState(contact?.is_primary ?? false);
  const [errors, setErrors] = useState<Errors>({});
  const save = useMutation({
    mutationFn: () =>
      contact
        ? api.updateContact(personId, contact.id, { value: value.trim(), label: label.trim(), is_primary: isPrimary })
        : api.addContact(personId, { kind, value: value.trim(), label: label.trim(), is_primary: isPrimary }),
    onSuccess: onDone,
    onError: (e) => setErrors(errorsOf(e, t('errors.unknown'))),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors = {};
    const ve = contactError(kind, value, t);
    if (ve) errs.value = ve;
    if (label.trim().length > 40) errs.label = t('people.errors.max', { max: 40 });
    setErrors(errs);
    if (Object.keys(errs).length === 0) save.mutate();
  };
  const p = contact ? `contact-${contact.id}` : 'contact-new';
  return (
    <form className="contact-form" onSubmit={submit} noValidate data-testid={`${p}-form`}>
      {!contact && (
        <FormField id={`${p}-kind`} label={t('people.contacts.kindLabel')} error={errors.kind}>
          {(c) => (
            <select
              {...c}
              className="input"
              value={kind}
              data-testid="contact-kind"
              onChange={(e) => setKind(e.target.value as ContactKind)}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`people.contacts.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      <FormField id={`${p}-value`} label={t(`people.contacts.kind.${kind}`)} error={errors.value}>
        {(c) => (
          <input
            {...c}
            className="input"
            value={value}
            data-testid="contact-value"
            type={kind === 'email' ? 'email' : kind === 'phone' ? 'tel' : 'text'}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
      </FormField>
      <FormField id={`${p}-label`} label={t('people.contacts.label')} error={errors.label}>
        {(c) => (
          <input
            {...c}
            className="input"
            value={label}
            maxLength={40}
            data-testid="contact-label"
            placeholder={t('people.contacts.labelHint')}
            onChange={(e) => setLabel(e.target.value)}
          />
        )}
      </FormField>
      <label className="contact-form__check">
        <input type="checkbox" checked={isPrimary} data-testid="contact-primary" onChange={(e) => setPrimary(e.target.checked)} />
        {t('people.contacts.primary')}
      </label>
      {errors.form && (
        <p className="form-alert" role="alert">
          {errors.form}
        </p>
      )}
      <div className="contact-form__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('people.cancel')}
        </button>
        <button type="submit" className="btn btn--primary" data-testid="contact-save" disabled={save.isPending}>
          {t('people.save')}
        </button>
      </div>
    </form>
  );
}
