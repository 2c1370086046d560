// Toasts: short messages (the server's refusals) shown with role="alert".
import { createContext, useContext } from 'react';

export interface Toasts {
  show: (message: string) => void;
}

export const ToastContext = createContext<Toasts>({ show: () => undefined });

export function useToast(): Toasts {
  return useContext(ToastContext);
}
