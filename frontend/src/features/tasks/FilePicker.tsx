// Up to five files for an answer: dropped on the zone or chosen with the button, each removable.
import { useId, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../tickets/format';
import { addFiles, maxFiles } from './tasks';

export function FilePicker({ files, onChange, disabled }: { files: File[]; onChange: (files: File[]) => void; disabled?: boolean }) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const [over, setOver] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const add = (list: FileList | null) => {
    if (list === null || list.length === 0) return;
    const r = addFiles(files, [...list]);
    setNote(r.refused > 0 ? t('tasks.files.limit', { max: maxFiles }) : null);
    onChange(r.files);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!disabled) add(e.dataTransfer.files);
  };
  return (
    <div
      className={`file-drop${over ? ' file-drop--over' : ''}`}
      data-testid="file-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="file-drop__hint" id={`${id}-hint`}>
        {t('tasks.files.drop', { max: maxFiles })}
      </p>
      <input
        ref={input}
        id={id}
        type="file"
        multiple
        className="visually-hidden"
        aria-describedby={`${id}-hint`}
        data-testid="file-input"
        disabled={disabled || files.length >= maxFiles}
        onChange={(e) => {
          add(e.target.files);
          e.target.value = '';
        }}
      />
      <button type="button" className="btn btn--small" disabled={disabled || files.length >= maxFiles} onClick={() => input.current?.click()}>
        {t('tasks.files.choose')}
      </button>
      {files.length > 0 && (
        <ul className="file-drop__list">
          {files.map((f, i) => (
            <li key={`${f.name}:${f.size}`}>
              <span className="file-drop__name">{f.name}</span> <span className="file-drop__size">{formatBytes(f.size, i18n.language)}</span>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                aria-label={t('tasks.files.remove', { name: f.name })}
                disabled={disabled}
                onClick={() => onChange(files.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {note !== null && (
        <p className="form-field__error" role="alert">
          {note}
        </p>
      )}
    </div>
  );
}
