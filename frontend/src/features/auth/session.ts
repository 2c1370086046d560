// The session: GET /auth/me on start (401: logged out), login and logout.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import type { LoginRequest, User } from '../../api/types';

export const sessionKey = ['session'] as const;

/** useSession is the logged-in user, or null when logged out. */
export function useSession() {
  return useQuery<User | null>({
    queryKey: sessionKey,
    queryFn: async ({ signal }) => {
      try {
        return (await api.me(signal)).user;
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
    onSuccess: (s) => qc.setQueryData(sessionKey, s.user),
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
