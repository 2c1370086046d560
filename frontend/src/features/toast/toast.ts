// Toasts: short messages (the server's refusals) shown with role="alert".
import { createContext, useContext } from 'react';

/** ToastLink is an in-app link shown with a toast's message (e.g. to the ticket just created). */
export interface ToastLink {
  to: string;
  label: string;
}

export interface Toasts {
  show: (message: string, link?: ToastLink) => void;
}

export const ToastContext = createContext<Toasts>({ show: () => undefined });

export function useToast(): Toasts {
  return useContext(ToastContext);
}
