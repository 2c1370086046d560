// The login page's note after the server ended the session (live close code 4003).

/** sessionEndedReason marks the login page's location state after the session ended. */
export const sessionEndedReason = 'session_ended';

/** LoginState is what the login page may find in its location state. */
export interface LoginState {
  from?: string;
  reason?: string;
}

/** loginState reads the login page's location state (anything else is ignored). */
export function loginState(state: unknown): LoginState {
  if (typeof state !== 'object' || state === null) return {};
  const s = state as Record<string, unknown>;
  return {
    ...(typeof s.from === 'string' ? { from: s.from } : {}),
    ...(typeof s.reason === 'string' ? { reason: s.reason } : {}),
  };
}
