// The set-password page's logic: the token from the link's fragment, the form's checks and where a
// new session starts.
import type { User } from '../../api/types';
import { can } from '../auth/can';

/** MinPassword and MaxPassword are the server's bounds (auth.MinPasswordLen, auth.MaxPasswordLen). */
export const MinPassword = 10;
export const MaxPassword = 200;

/** tokenFromHash reads the token of a `#token=…` fragment, or null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

export interface PasswordErrors {
  password?: string;
  confirm?: string;
}

/** validatePassword returns the i18n keys of the form's problems. */
export function validatePassword(password: string, confirm: string): PasswordErrors {
  const out: PasswordErrors = {};
  const n = [...password].length;
  if (n < MinPassword) out.password = 'accounts.setPassword.tooShort';
  else if (n > MaxPassword) out.password = 'accounts.setPassword.tooLong';
  if (confirm !== password) out.confirm = 'accounts.setPassword.mismatch';
  return out;
}

/** homeFor is where a user lands after setting their password: the board for those who work tickets,
 * their tickets for everyone else. */
export function homeFor(user: Pick<User, 'permissions'>): string {
  return can(user, 'ticket.update') ? '/' : '/tickets';
}
