// The priority naming scheme: Eisenhower's DO / DECIDE / DELEGATE / DELETE, two word scales, or the
// names as edited (custom). PUT /catalog/priority-scheme renames the four priorities at once.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import type { PrioritySchemeName } from '../../api/types';
import { invalidateCatalogs } from '../catalog/useCatalogs';
import { schemeLabel, schemes } from './scheme';

interface Props {
  current: PrioritySchemeName;
}

export function PrioritySchemeControl({ current }: Props) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [choice, setChoice] = useState<PrioritySchemeName | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const value = choice ?? current;

  const apply = async () => {
    setSaving(true);
    setStatus(null);
    try {
      await api.setPriorityScheme(value);
      await invalidateCatalogs(qc);
      setChoice(null);
      setStatus({ ok: true, text: t('admin.scheme.applied') });
    } catch (err) {
      setStatus({ ok: false, text: err instanceof Error ? err.message : t('errors.unknown') });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="admin-scheme">
      <label className="form-field__label" htmlFor="admin-scheme">
        {t('admin.scheme.label')}
      </label>
      <select
        id="admin-scheme"
        data-testid="admin-scheme"
        value={value}
        onChange={(e) => {
          setChoice(e.target.value as PrioritySchemeName);
          setStatus(null);
        }}
      >
        {schemes.map((s) => (
          <option key={s} value={s}>
            {schemeLabel(s, i18n.language, t('admin.scheme.custom'))}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn--primary"
        data-testid="admin-scheme-apply"
        disabled={saving || value === current}
        onClick={() => void apply()}
      >
        {t('admin.scheme.apply')}
      </button>
      <span className={status?.ok === false ? 'admin-scheme__status admin-scheme__status--error' : 'admin-scheme__status'} role="status">
        {status?.text ?? (current === 'custom' ? t('admin.scheme.customHint') : '')}
      </span>
    </div>
  );
}
