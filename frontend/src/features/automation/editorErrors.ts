// Errors of the rule and macro editors: client checks (message keys) and the server's messages, by path.
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { splitServerErrors } from './ruleForm';
import type { Errors } from './ruleForm';

export interface EditorErrors {
  errorOf: (path: string) => string | undefined;
  general: string[];
  /** check sets the client errors; true when there are none. */
  check: (found: Errors) => boolean;
  /** failed shows a refused request's errors; shown says which paths the editor has inputs for. */
  failed: (err: unknown, shown: (path: string) => boolean) => void;
  clear: () => void;
}

export function useEditorErrors(t: TFunction): EditorErrors {
  const [client, setClient] = useState<Errors>({});
  const [server, setServer] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  return {
    errorOf: (path) => {
      const k = client[path];
      return k !== undefined ? t(`automation.errors.${k}`) : server[path];
    },
    general,
    check: (found) => {
      setClient(found);
      setServer({});
      setGeneral([]);
      if (Object.keys(found).length === 0) return true;
      setGeneral([t('automation.errors.fix')]);
      return false;
    },
    failed: (err, shown) => {
      if (err instanceof ApiError) {
        const { byPath, other } = splitServerErrors(err.fields, shown);
        setServer(byPath);
        setGeneral(other.length > 0 || Object.keys(byPath).length === 0 ? [err.message, ...other] : [err.message]);
      } else setGeneral([t('errors.unknown')]);
    },
    clear: () => {
      setClient({});
      setServer({});
      setGeneral([]);
    },
  };
}
