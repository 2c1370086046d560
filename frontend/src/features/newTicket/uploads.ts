// Attachments of a new ticket: uploaded one by one after the ticket exists; each file's failure is
// its own (the ticket is kept, the other files go on).
import { ApiError } from '../../api/client';

/** UploadState is one file's progress. */
export type UploadState =
  | { state: 'pending' }
  | { state: 'uploading' }
  | { state: 'done' }
  | { state: 'error'; message: string };

/** uploadErrorMessage is what a failed upload shows: the server's message, or "too large" when a
 * proxy refused the size without one. */
export function uploadErrorMessage(err: unknown, tooLarge: string, unknown: string): string {
  if (err instanceof ApiError) {
    const fromServer = typeof err.body === 'object' && err.body !== null && 'error' in err.body;
    if (!fromServer && err.status === 413) return tooLarge;
    return err.message;
  }
  return unknown;
}

/** uploadAll uploads the files whose state is not done, in order, and reports every state change. */
export async function uploadAll<F>(
  files: readonly F[],
  states: readonly UploadState[],
  send: (file: F) => Promise<unknown>,
  onState: (index: number, s: UploadState) => void,
  message: (err: unknown) => string,
): Promise<boolean> {
  let ok = true;
  for (let i = 0; i < files.length; i++) {
    if (states[i]?.state === 'done') continue;
    onState(i, { state: 'uploading' });
    try {
      await send(files[i] as F);
      onState(i, { state: 'done' });
    } catch (err) {
      ok = false;
      onState(i, { state: 'error', message: message(err) });
    }
  }
  return ok;
}
