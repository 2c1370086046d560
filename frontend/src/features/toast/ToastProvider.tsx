import { useCallback, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ToastContext } from './toast';
import type { ToastLink } from './toast';

interface Item {
  id: number;
  message: string;
  link?: ToastLink | undefined;
}

const shownForMs = 6000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<Item[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  const show = useCallback(
    (message: string, link?: ToastLink) => {
      const id = nextId.current++;
      setItems((xs) => [...xs.slice(-3), { id, message, link }]);
      setTimeout(() => dismiss(id), shownForMs);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ show }), [show]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts">
        {items.map((x) => (
          <div key={x.id} className="toast">
            <p className="toast__message" role="alert">
              {x.message}
              {x.link && (
                <>
                  {' '}
                  <Link className="toast__link" to={x.link.to} onClick={() => dismiss(x.id)}>
                    {x.link.label}
                  </Link>
                </>
              )}
            </p>
            <button type="button" className="toast__close" aria-label={t('common.dismiss')} onClick={() => dismiss(x.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
