// One function per API operation the app uses, typed from the generated contract.
import { request, withQuery } from './client';
import type { Board, BoardQuery, Card, Catalogs, CardPage, LoginRequest, MoveRequest, Priority, Session, Status, UserRef } from './types';

export const api = {
  me: (signal?: AbortSignal) => request<Session>('GET', '/auth/me', undefined, signal),
  login: (body: LoginRequest) => request<Session>('POST', '/auth/login', body),
  logout: () => request<undefined>('POST', '/auth/logout'),
  catalogs: (signal?: AbortSignal) => request<Catalogs>('GET', '/catalog', undefined, signal),
  statuses: (signal?: AbortSignal) => request<{ statuses: Status[] }>('GET', '/catalog/statuses', undefined, signal),
  priorities: (signal?: AbortSignal) =>
    request<{ priorities: Priority[] }>('GET', '/catalog/priorities', undefined, signal),
  users: (signal?: AbortSignal) => request<{ users: UserRef[] }>('GET', '/users', undefined, signal),
  board: (q: BoardQuery, signal?: AbortSignal) => request<Board>('GET', withQuery('/board', q), undefined, signal),
  columnPage: (statusId: number, cursor: string, q: BoardQuery, signal?: AbortSignal) =>
    request<CardPage>('GET', withQuery(`/board/columns/${statusId}/cards`, { ...q, cursor }), undefined, signal),
  move: (ticketId: number, body: MoveRequest) => request<Card>('POST', `/tickets/${ticketId}/move`, body),
};
