// The session: GET /auth/me on start (401: logged out), login and logout.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { LoginRequest, Session, User } from '../../api/types';
import { rememberHome } from '../portal/home';
import { setDeskZone } from './deskZone';

export const sessionKey = ['session'] as const;

/** signedIn makes a user who just signed in (password, magic link, new password) the session. */
export function signedIn(qc: QueryClient, s: Session): void {
  rememberHome(s.user);
  setDeskZone(s.desk_time_zone);
  qc.setQueryData(sessionKey, s.user);
}

/** useSession is the logged-in user, or null when logged out. */
export function useSession() {
  return useQuery<User | null>({
    queryKey: sessionKey,
    queryFn: async ({ signal }) => {
      try {
        const { user, desk_time_zone } = await api.me(signal);
        rememberHome(user);
        setDeskZone(desk_time_zone);
        return user;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: Infinity,
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api.login(body),
    onSuccess: (s) => signedIn(qc, s),
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.logout(),
    onSettled: () => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
      qc.setQueryData(sessionKey, null);
    },
  });
}
