// Create or edit a business-hours calendar: names in both languages, the time zone, the week's
// intervals (several a day, added and removed per weekday; none at all means 24×7) and the holidays.
// Client checks mirror the server's (inverted or overlapping intervals, days, names); the server's
// field errors show next to their inputs.
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { slaApi } from '../../api/issue6-sla';
import type { SLACalendar } from '../../api/issue6-sla';
import { ModalDialog } from '../newTicket/ModalDialog';
import { addInterval, calendarBody, calendarDraft, calendarPath, emptyCalendar, maxName, rowKey, timeZones, validateCalendar, weekdays } from './calendarForm';
import type { CalendarDraft, HoursDraft } from './calendarForm';
import { useSlaErrors } from './errors';
import { FieldError, focusFirstInvalid, SelectInput, TextInput } from './Field';
import { calendarsKey } from './useSlaData';

export function CalendarDialog({ calendar, onClose }: { calendar: SLACalendar | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [d, setD] = useState<CalendarDraft>(() => (calendar ? calendarDraft(calendar) : emptyCalendar()));
  const [saving, setSaving] = useState(false);
  const errs = useSlaErrors(t);
  const formRef = useRef<HTMLFormElement>(null);
  const zones = useMemo(() => timeZones(), []);
  const set = (patch: Partial<CalendarDraft>) => setD((x) => ({ ...x, ...patch }));
  const name = calendar ? (i18n.language === 'en' ? calendar.name.en : calendar.name.es) : '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    if (!errs.check(validateCalendar(d, zones))) {
      focusFirstInvalid(formRef.current);
      return;
    }
    setSaving(true);
    try {
      if (calendar) await slaApi.updateCalendar(calendar.id, calendarBody(d, calendar.version));
      else await slaApi.createCalendar(calendarBody(d));
      await qc.invalidateQueries({ queryKey: calendarsKey });
      onClose();
    } catch (err) {
      errs.failed(err, (p) => calendarPath(d, p));
      focusFirstInvalid(formRef.current);
    } finally {
      setSaving(false);
    }
  };

  // The zone being edited stays choosable even when this browser does not list it.
  const zoneOptions = (zones.includes(d.time_zone) || d.time_zone === '' ? zones : [d.time_zone, ...zones]).map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
  const setHour = (key: number, patch: Partial<HoursDraft>) => set({ hours: d.hours.map((h) => (h.key === key ? { ...h, ...patch } : h)) });

  return (
    <ModalDialog titleId="sla-calendar-title" onClose={onClose} testid="sla-calendar-dialog" className="modal--wide">
      <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate>
        <div className="modal__head">
          <h2 id="sla-calendar-title" className="modal__title">
            {calendar ? t('sla.admin.calendars.edit', { name }) : t('sla.admin.calendars.new')}
          </h2>
          <button type="button" className="btn btn--ghost modal__close" onClick={onClose} aria-label={t('sla.admin.close')}>
            ×
          </button>
        </div>
        <div className="modal__body admin-form">
          <TextInput id="sla-cal-name-es" label={t('sla.admin.fields.nameEs')} testid="sla-calendar-name-es" maxLength={maxName} value={d.name_es} onChange={(v) => set({ name_es: v })} error={errs.errorOf('name.es')} />
          <TextInput id="sla-cal-name-en" label={t('sla.admin.fields.nameEn')} testid="sla-calendar-name-en" maxLength={maxName} value={d.name_en} onChange={(v) => set({ name_en: v })} error={errs.errorOf('name.en')} />
          <SelectInput id="sla-cal-zone" label={t('sla.admin.fields.timeZone')} testid="sla-calendar-zone" value={d.time_zone} options={zoneOptions} onChange={(v) => set({ time_zone: v })} error={errs.errorOf('time_zone')} />
          <fieldset className="rule-group">
            <legend className="form-field__label">
              {t('sla.admin.fields.hours')}
              {d.hours.length === 0 && <span className="sla sla--met sla--inline">{t('sla.admin.calendars.alwaysOpen')}</span>}
            </legend>
            <p className="form-field__hint">{t('sla.admin.fields.hoursHint')}</p>
            <ul className="sla-week">
              {weekdays.map((wd) => {
                const day = t(`sla.admin.weekdays.${wd}`);
                const rows = d.hours.map((h, i) => ({ h, i })).filter(({ h }) => h.weekday === wd);
                return (
                  <li key={wd} className="sla-day" data-testid={`sla-day-${wd}`}>
                    <span className="sla-day__name">{day}</span>
                    <div className="sla-day__intervals">
                      {rows.length === 0 && <span className="sla-day__closed">{t('sla.admin.fields.closed')}</span>}
                      {rows.map(({ h, i }) => (
                        <IntervalRow
                          key={h.key}
                          h={h}
                          index={i}
                          day={day}
                          errors={[errs.errorOf(`hours[${i}].start`), errs.errorOf(`hours[${i}].end`), errs.errorOf(`hours[${i}].weekday`)]}
                          onChange={(patch) => setHour(h.key, patch)}
                          onRemove={() => set({ hours: d.hours.filter((x) => x.key !== h.key) })}
                        />
                      ))}
                      <button type="button" className="btn btn--small sla-day__add" data-testid={`sla-add-interval-${wd}`} aria-label={t('sla.admin.fields.addInterval', { day })} onClick={() => set({ hours: addInterval(d.hours, wd) })}>
                        +
                      </button>
                    </div>
                  </li>
                );
              })}
            </ul>
            <FieldError id="sla-hours-error" text={errs.errorOf('hours')} />
          </fieldset>
          <fieldset className="rule-group">
            <legend className="form-field__label">{t('sla.admin.fields.holidays')}</legend>
            {d.holidays.length === 0 && <p className="form-field__hint">{t('sla.admin.fields.noHolidays')}</p>}
            <ul className="sla-rows">
              {d.holidays.map((h, i) => (
                <li key={h.key} className="sla-row" data-testid={`sla-holiday-${i}`}>
                  <TextInput
                    id={`sla-hol-${h.key}-date`}
                    label={t('sla.admin.fields.date')}
                    testid={`sla-holiday-${i}-date`}
                    type="date"
                    value={h.date}
                    onChange={(v) => set({ holidays: d.holidays.map((x) => (x.key === h.key ? { ...x, date: v } : x)) })}
                    error={errs.errorOf(`holidays[${i}].date`)}
                  />
                  <TextInput
                    id={`sla-hol-${h.key}-name`}
                    label={t('sla.admin.fields.holidayName')}
                    testid={`sla-holiday-${i}-name`}
                    maxLength={maxName}
                    value={h.name}
                    onChange={(v) => set({ holidays: d.holidays.map((x) => (x.key === h.key ? { ...x, name: v } : x)) })}
                    error={errs.errorOf(`holidays[${i}].name`)}
                  />
                  <button
                    type="button"
                    className="btn btn--ghost btn--small rule-row__remove"
                    data-testid={`sla-holiday-${i}-remove`}
                    aria-label={t('sla.admin.fields.removeHoliday', { n: i + 1 })}
                    onClick={() => set({ holidays: d.holidays.filter((x) => x.key !== h.key) })}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="btn btn--small" data-testid="sla-add-holiday" onClick={() => set({ holidays: [...d.holidays, { key: rowKey(), date: '', name: '' }] })}>
              {t('sla.admin.fields.addHoliday')}
            </button>
            <FieldError id="sla-holidays-error" text={errs.errorOf('holidays')} />
          </fieldset>
        </div>
        <div className="modal__foot">
          {errs.general.length > 0 && (
            <div className="form-alert" role="alert" data-testid="sla-calendar-error">
              {errs.general.map((m, i) => (
                <p key={i}>{m}</p>
              ))}
            </div>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('sla.admin.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" data-testid="sla-calendar-save" disabled={saving}>
            {saving ? t('sla.admin.saving') : t('sla.admin.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** IntervalRow is one business-hours interval: "08:00 – 12:00 ×", its errors under it. */
function IntervalRow({ h, index, day, errors, onChange, onRemove }: { h: HoursDraft; index: number; day: string; errors: (string | undefined)[]; onChange: (patch: Partial<HoursDraft>) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const id = `sla-h-${h.key}`;
  const [startError, endError, dayError] = errors;
  const shown = [startError, endError, dayError].filter((e): e is string => e !== undefined);
  const errorId = shown.length > 0 ? `${id}-error` : undefined;
  return (
    <div className="sla-interval" data-testid={`sla-interval-${index}`}>
      <label htmlFor={`${id}-start`} className="visually-hidden">
        {`${day}, ${t('sla.admin.fields.start')}`}
      </label>
      <input
        id={`${id}-start`}
        className="input"
        inputMode="numeric"
        maxLength={5}
        placeholder="08:00"
        data-testid={`sla-interval-${index}-start`}
        value={h.start}
        aria-invalid={startError !== undefined}
        aria-describedby={errorId}
        onChange={(e) => onChange({ start: e.target.value })}
      />
      <span aria-hidden="true">–</span>
      <label htmlFor={`${id}-end`} className="visually-hidden">
        {`${day}, ${t('sla.admin.fields.end')}`}
      </label>
      <input
        id={`${id}-end`}
        className="input"
        inputMode="numeric"
        maxLength={5}
        placeholder="18:00"
        data-testid={`sla-interval-${index}-end`}
        value={h.end}
        aria-invalid={endError !== undefined}
        aria-describedby={errorId}
        onChange={(e) => onChange({ end: e.target.value })}
      />
      <button
        type="button"
        className="btn btn--ghost btn--small rule-row__remove"
        data-testid={`sla-interval-${index}-remove`}
        aria-label={t('sla.admin.fields.removeInterval', { day, from: h.start, to: h.end })}
        onClick={onRemove}
      >
        ×
      </button>
      {errorId !== undefined && (
        <p id={errorId} className="field__error sla-interval__error">
          {[...new Set(shown)].join(' ')}
        </p>
      )}
    </div>
  );
}
