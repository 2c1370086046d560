// The "New person" dialog: a person without a login (customer, consultant or employee), with an
// optional sponsor and first phone. On success the owner opens the new profile.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { Person } from '../../api/types';
import { ModalDialog } from '../newTicket/ModalDialog';
import { PersonFields } from './PersonFields';
import type { FormErrors, PersonFormValues } from './personForm';
import { emptyForm, mapServerErrors, toCreateBody, validatePerson } from './personForm';
import { personChanged } from './usePeople';

interface Props {
  onClose: () => void;
  onCreated: (p: Person) => void;
}

export function NewPersonDialog({ onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const titleId = useId();
  const [values, setValues] = useState<PersonFormValues>(emptyForm);
  const [errors, setErrors] = useState<FormErrors>({});
  const [other, setOther] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => api.createPerson(toCreateBody(values)),
    onSuccess: (p) => {
      personChanged(qc, p);
      onCreated(p);
    },
    onError: (err) => {
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
    if (Object.keys(errs).length === 0) create.mutate();
  };
  return (
    <ModalDialog titleId={titleId} onClose={onClose} testid="new-person-dialog">
      <form onSubmit={submit} noValidate>
        <div className="modal__head">
          <h2 id={titleId} className="modal__title">
            {t('people.new.title')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('people.close')}>
            ×
          </button>
        </div>
        <div className="modal__body">
          <PersonFields
            idPrefix="new-person"
            values={values}
            errors={errors}
            withPhone
            onChange={(patch) => setValues((v) => ({ ...v, ...patch }))}
          />
        </div>
        <div className="modal__foot">
          {other.length > 0 && (
            <div className="form-alert" role="alert" data-testid="new-person-error">
              {other.map((m) => (
                <p key={m}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn btn--ghost" onClick={onClose}>
            {t('people.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="new-person-save" disabled={create.isPending}>
            {create.isPending ? t('people.saving') : t('people.new.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
