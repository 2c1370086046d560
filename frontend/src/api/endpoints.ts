// One function per API operation the app uses, typed from the generated contract.
import { request, withQuery } from './client';
import type { Board, BoardQuery, Card, Catalogs, CardPage, LoginRequest, MoveRequest, Priority, Session, Status, UserRef } from './types';
import type {
  Attachment,
  Comment,
  HistoryEntry,
  LinkRequest,
  MergeRequest,
  NewComment,
  NewSavedView,
  PersonRef,
  RenderedCanned,
  SavedView,
  SavedViewPatch,
  TicketDetail,
  TicketList,
  TicketPatch,
  TicketQuery,
} from './types';

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

  // Records table and ticket detail (issue 3).
  tickets: (q: TicketQuery, signal?: AbortSignal) => request<TicketList>('GET', withQuery('/tickets', q), undefined, signal),
  ticket: (id: number, signal?: AbortSignal) => request<TicketDetail>('GET', `/tickets/${id}`, undefined, signal),
  updateTicket: (id: number, body: TicketPatch) => request<TicketDetail>('PATCH', `/tickets/${id}`, body),
  ticketHistory: (id: number, signal?: AbortSignal) =>
    request<{ items: HistoryEntry[] }>('GET', `/tickets/${id}/history`, undefined, signal),
  linkTicket: (id: number, body: LinkRequest) => request<TicketDetail>('POST', `/tickets/${id}/links`, body),
  unlinkTicket: (id: number, otherId: number) => request<TicketDetail>('DELETE', `/tickets/${id}/links/${otherId}`),
  mergeTicket: (id: number, body: MergeRequest) => request<TicketDetail>('POST', `/tickets/${id}/merge`, body),
  comments: (id: number, signal?: AbortSignal) => request<{ items: Comment[] }>('GET', `/tickets/${id}/comments`, undefined, signal),
  createComment: (id: number, body: NewComment) => request<Comment>('POST', `/tickets/${id}/comments`, body),
  renderCanned: (id: number, cannedId: number) =>
    request<RenderedCanned>('POST', `/tickets/${id}/canned-responses/${cannedId}/render`, {}),
  attachments: (id: number, signal?: AbortSignal) =>
    request<{ items: Attachment[] }>('GET', `/tickets/${id}/attachments`, undefined, signal),
  people: (q: string, signal?: AbortSignal) =>
    request<{ items: PersonRef[] }>('GET', withQuery('/people', { q, limit: 20 }), undefined, signal),
  views: (signal?: AbortSignal) => request<{ items: SavedView[] }>('GET', '/views', undefined, signal),
  createView: (body: NewSavedView) => request<SavedView>('POST', '/views', body),
  updateView: (id: number, body: SavedViewPatch) => request<SavedView>('PATCH', `/views/${id}`, body),
  deleteView: (id: number) => request<undefined>('DELETE', `/views/${id}`),
};
