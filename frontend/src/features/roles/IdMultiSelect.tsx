// A multi-select of ids as a group of checkboxes (works with a keyboard, a screen reader and a thumb):
// a legend, a hint and the error next to the group, tied to every box with aria-describedby.
import type { ReactNode } from 'react';
import { toggleId } from './roleOptions';
import type { IdOption } from './roleOptions';

interface Props {
  /** id prefixes the ids of the hint, the error and the boxes. */
  id: string;
  legend: ReactNode;
  options: readonly IdOption[];
  value: readonly number[];
  onChange: (ids: number[]) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /** empty is shown when there is nothing to choose from. */
  empty?: ReactNode;
  /** testid marks the group; each box is `<testid>-<option id>`. */
  testid: string;
  disabled?: boolean;
}

export function IdMultiSelect({ id, legend, options, value, onChange, error, hint, empty, testid, disabled }: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    // tabIndex -1: a form may move the focus to the group when the server refused its value.
    <fieldset id={id} tabIndex={-1} className="id-multi" data-testid={testid} aria-describedby={describedBy} disabled={disabled}>
      <legend className="form-field__label">{legend}</legend>
      {options.length === 0 && empty && <p className="form-field__hint">{empty}</p>}
      <div className="id-multi__options">
        {options.map((o) => (
          <label key={o.id} className="id-multi__option">
            <input
              type="checkbox"
              id={`${id}-${o.id}`}
              data-testid={`${testid}-${o.id}`}
              checked={value.includes(o.id)}
              aria-invalid={error !== undefined || undefined}
              aria-describedby={describedBy}
              onChange={(e) => onChange(toggleId(value, o.id, e.target.checked))}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {hint && (
        <p className="form-field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="form-field__error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
