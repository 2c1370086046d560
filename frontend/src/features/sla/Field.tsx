// Small labelled inputs of the SLA editors, each with its error next to it (tied by aria-describedby).
import type { ReactNode } from 'react';

export function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (text === undefined) return null;
  return (
    <p id={id} className="field__error">
      {text}
    </p>
  );
}

/** describedBy ties an input to its hint and error. */
export function describedBy(id: string, error: string | undefined, hint = false): { 'aria-invalid': boolean; 'aria-describedby': string | undefined } {
  const ids = [hint ? `${id}-hint` : null, error !== undefined ? `${id}-error` : null].filter(Boolean).join(' ');
  return { 'aria-invalid': error !== undefined, 'aria-describedby': ids || undefined };
}

interface TextProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  testid: string;
  type?: string;
  inputMode?: 'numeric' | 'text';
  maxLength?: number;
  placeholder?: string;
  className?: string;
}

export function TextInput({ id, label, value, onChange, error, hint, testid, type = 'text', inputMode, maxLength, placeholder, className }: TextProps) {
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        className="input"
        type={type}
        inputMode={inputMode}
        maxLength={maxLength}
        placeholder={placeholder}
        data-testid={testid}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...describedBy(id, error, hint !== undefined)}
      />
      {hint !== undefined && (
        <p id={`${id}-hint`} className="form-field__hint">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} text={error} />
    </div>
  );
}

interface SelectProps {
  id: string;
  label: ReactNode;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (v: string) => void;
  error?: string | undefined;
  testid: string;
  className?: string;
}

export function SelectInput({ id, label, value, options, onChange, error, testid, className }: SelectProps) {
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <select id={id} className="input" data-testid={testid} value={value} onChange={(e) => onChange(e.target.value)} {...describedBy(id, error)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} text={error} />
    </div>
  );
}

/** focusFirstInvalid moves the focus to the first input marked invalid, once the errors are drawn,
 * so a refused form shows what to fix even when it lies out of view. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  setTimeout(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}
