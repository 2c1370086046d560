// Errors of the SLA editors: client checks (message keys under sla.errors) and the server's 422 field
// messages, each shown next to its input (paths like `hours[1].start`, `name.es`, `escalations[0].action`).
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';
import { splitServerErrors } from '../automation/ruleForm';

export type Errors = Record<string, string>;

/** normalPath writes a server path the way the editors name their inputs: `hours.1.start` and
 * `hours[1].start` alike, and an id inside a list (`priority_ids[2]`) on the list. */
export function normalPath(path: string): string {
  return path
    .replace(/\.(\d+)(?=\.|$)/g, '[$1]')
    .replace(/^(priority_ids|category_ids|queue_ids|channel_ids|pause_status_ids)\[\d+\]$/, '$1')
    .replace(/^name_(es|en)$/, 'name.$1');
}

/** serverErrors splits a refusal's fields into those an editor shows (by path) and the rest. */
export function serverErrors(fields: Record<string, string>, shown: (path: string) => boolean): { byPath: Errors; other: string[] } {
  const normal: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) normal[normalPath(k)] = v;
  return splitServerErrors(normal, shown);
}

export interface SlaErrors {
  errorOf: (path: string) => string | undefined;
  general: string[];
  /** check sets the client errors; true when there are none. */
  check: (found: Errors) => boolean;
  /** failed shows a refused request's errors; shown says which paths the editor has inputs for. */
  failed: (err: unknown, shown: (path: string) => boolean) => void;
}

export function useSlaErrors(t: TFunction): SlaErrors {
  const [client, setClient] = useState<Errors>({});
  const [server, setServer] = useState<Errors>({});
  const [general, setGeneral] = useState<string[]>([]);
  return {
    errorOf: (path) => {
      const k = client[path];
      return k !== undefined ? t(`sla.errors.${k}`) : server[path];
    },
    general,
    check: (found) => {
      setClient(found);
      setServer({});
      setGeneral([]);
      if (Object.keys(found).length === 0) return true;
      setGeneral([t('sla.errors.fix')]);
      return false;
    },
    failed: (err, shown) => {
      if (err instanceof ApiError) {
        const { byPath, other } = serverErrors(err.fields, shown);
        setServer(byPath);
        setGeneral(other.length > 0 || Object.keys(byPath).length === 0 ? [err.message, ...other] : [err.message]);
      } else setGeneral([t('errors.unknown')]);
    },
  };
}
