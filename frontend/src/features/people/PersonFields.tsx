// The fields of a person, shared by the new-person dialog and the profile's edit mode.
import { useTranslation } from 'react-i18next';
import type { PersonKind } from '../../api/types';
import { FormField } from '../newTicket/FormField';
import { personKinds } from './filters';
import type { FormErrors, PersonFormValues } from './personForm';
import { commercialStatuses } from './personForm';
import { SponsorPicker } from './SponsorPicker';

interface Props {
  idPrefix: string;
  values: PersonFormValues;
  errors: FormErrors;
  onChange: (patch: Partial<PersonFormValues>) => void;
  /** withPhone shows the optional first phone (new persons only). */
  withPhone?: boolean;
  personId?: number;
}

export function PersonFields({ idPrefix, values, errors, onChange, withPhone, personId }: Props) {
  const { t } = useTranslation();
  const id = (f: string) => `${idPrefix}-${f}`;
  return (
    <div className="person-form">
      <FormField id={id('name')} label={t('people.fields.name')} error={errors.name}>
        {(c) => (
          <input
            {...c}
            className="input"
            value={values.name}
            maxLength={120}
            data-testid="person-name"
            onChange={(e) => onChange({ name: e.target.value })}
          />
        )}
      </FormField>
      <FormField id={id('email')} label={t('people.fields.email')} error={errors.email}>
        {(c) => (
          <input
            {...c}
            type="email"
            className="input"
            value={values.email}
            data-testid="person-email"
            onChange={(e) => onChange({ email: e.target.value })}
          />
        )}
      </FormField>
      <FormField id={id('kind')} label={t('people.fields.kind')} error={errors.kind}>
        {(c) => (
          <select
            {...c}
            className="input"
            value={values.kind}
            data-testid="person-kind"
            onChange={(e) => onChange({ kind: e.target.value as PersonKind })}
          >
            {personKinds.map((k) => (
              <option key={k} value={k}>
                {t(`people.kind.${k}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <FormField id={id('document')} label={t('people.fields.document')} error={errors.document_id}>
        {(c) => (
          <input
            {...c}
            className="input"
            value={values.document_id}
            maxLength={40}
            data-testid="person-document"
            onChange={(e) => onChange({ document_id: e.target.value })}
          />
        )}
      </FormField>
      {values.kind === 'consultant' && (
        <>
          <FormField id={id('rank')} label={t('people.fields.rank')} error={errors.rank}>
            {(c) => (
              <input
                {...c}
                className="input"
                value={values.rank}
                maxLength={60}
                data-testid="person-rank"
                onChange={(e) => onChange({ rank: e.target.value })}
              />
            )}
          </FormField>
          <FormField id={id('status')} label={t('people.fields.status')} error={errors.commercial_status}>
            {(c) => (
              <select
                {...c}
                className="input"
                value={values.commercial_status}
                data-testid="person-status"
                onChange={(e) => onChange({ commercial_status: e.target.value as PersonFormValues['commercial_status'] })}
              >
                <option value="">{t('people.status.default')}</option>
                {commercialStatuses.map((s) => (
                  <option key={s} value={s}>
                    {t(`people.status.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </>
      )}
      <FormField id={id('sponsor')} label={t('people.fields.sponsor')} error={errors.sponsor} hint={t('people.sponsor.hint')}>
        {(c) => (
          <SponsorPicker
            control={c}
            value={values.sponsor}
            onChange={(sponsor) => onChange({ sponsor })}
            {...(personId !== undefined ? { excludeId: personId } : {})}
          />
        )}
      </FormField>
      {withPhone && (
        <FormField id={id('phone')} label={t('people.fields.phone')} error={errors.phone}>
          {(c) => (
            <input
              {...c}
              type="tel"
              className="input"
              value={values.phone}
              data-testid="person-phone"
              onChange={(e) => onChange({ phone: e.target.value })}
            />
          )}
        </FormField>
      )}
    </div>
  );
}
