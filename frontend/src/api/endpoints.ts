// One function per API operation the app uses, typed from the generated contract.
import { get, request, upload, withQuery } from './client';
import type {
  AccessRole,
  AccessRolePatch,
  AdminUser,
  AdminUserList,
  AdminUserPatch,
  AdminUserQuery,
  InvitedUser,
  LinkInfo,
  NewAccessRole,
  NewAdminUser,
  Permission,
  SetPasswordRequest,
  UserLink,
  Attachment,
  Board,
  Card,
  CardPage,
  CatalogChangeList,
  CatalogEntryOf,
  CatalogKind,
  CatalogPatchOf,
  Catalogs,
  Comment,
  TicketHistory,
  LinkRequest,
  LoginRequest,
  MergeRequest,
  MoveRequest,
  NewCatalogEntryOf,
  NewComment,
  NewSavedView,
  NewTicketRequest,
  PersonRef,
  Priority,
  PrioritySchemeName,
  PrioritySchemeResult,
  RenderedCanned,
  SavedView,
  SavedViewPatch,
  Session,
  Status,
  TicketDetail,
  TicketList,
  TicketPatch,
  TicketQuery,
  UserRef,
} from './types';
// Persons (issue 4, people).
import type {
  Contact,
  ContactCreate,
  ContactPatch,
  Person,
  PersonCreate,
  PersonList,
  PersonPatch,
  PersonQuery,
} from './types';
// Workflows (issue 5, FW): hand-written shapes until the OpenAPI lands.
import type {
  BoardQueryWithWorkflow,
  CreditRequest,
  NewWorkflow,
  TicketTransition,
  TransitionRequest,
  Workflow,
  WorkflowCategories,
  WorkflowMetrics,
  WorkflowUpdate,
  WorkflowVersion,
} from './issue5';
// Queues, automation rules, macros and notifications (issue 5, FQ).
import type {
  AutomationRule,
  AutomationRuleInput,
  DefaultManager,
  DefaultManagerList,
  Macro,
  MacroApplyResponse,
  MacroInput,
  NotificationList,
  NotificationsRead,
  QueueOpRequest,
  Work,
} from './issue5';

export const api = {
  me: (signal?: AbortSignal) => get<Session>('/auth/me', signal),
  login: (body: LoginRequest) => request<Session>('POST', '/auth/login', body),
  logout: () => request<undefined>('POST', '/auth/logout'),
  catalogs: (signal?: AbortSignal) => request<Catalogs>('GET', '/catalog', undefined, signal),
  statuses: (signal?: AbortSignal) => get<{ statuses: Status[] }>('/catalog/statuses', signal),
  priorities: (signal?: AbortSignal) => get<{ priorities: Priority[] }>('/catalog/priorities', signal),
  users: (signal?: AbortSignal) => get<{ users: UserRef[] }>('/users', signal),
  board: (q: BoardQueryWithWorkflow, signal?: AbortSignal) => get<Board>(withQuery('/board', q), signal),
  columnPage: (statusId: number, cursor: string, q: BoardQueryWithWorkflow, signal?: AbortSignal) =>
    request<CardPage>('GET', withQuery(`/board/columns/${statusId}/cards`, { ...q, cursor }), undefined, signal),
  move: (ticketId: number, body: MoveRequest) => request<Card>('POST', `/tickets/${ticketId}/move`, body),

  // Catalog administration (admin): create, edit, reorder, delete, history, the priority naming scheme.
  createCatalogEntry: <K extends keyof NewCatalogEntryOf>(kind: K, body: NewCatalogEntryOf[K]) =>
    request<CatalogEntryOf[K]>('POST', `/catalog/${kind}`, body),
  updateCatalogEntry: <K extends CatalogKind>(kind: K, id: number, body: CatalogPatchOf[K]) =>
    request<CatalogEntryOf[K]>('PATCH', `/catalog/${kind}/${id}`, body),
  deleteCatalogEntry: (kind: CatalogKind, id: number) => request<undefined>('DELETE', `/catalog/${kind}/${id}`),
  reorderCatalog: <K extends CatalogKind>(kind: K, ids: number[]) =>
    request<{ items: CatalogEntryOf[K][] }>('POST', `/catalog/${kind}/reorder`, { ids }),
  catalogHistory: (kind: CatalogKind, id: number, signal?: AbortSignal) =>
    request<CatalogChangeList>('GET', `/catalog/${kind}/${id}/history`, undefined, signal),
  setPriorityScheme: (scheme: PrioritySchemeName) =>
    request<PrioritySchemeResult>('PUT', '/catalog/priority-scheme', { scheme }),
  /** liveSeq is the live sequence number now (GET /tickets?limit=1), for a connection that follows catalogs. */
  liveSeq: (signal?: AbortSignal) =>
    request<TicketList>('GET', withQuery('/tickets', { limit: 1 }), undefined, signal).then((r) => r.seq),

  // The new-ticket dialog: create (idempotent), attachments (people search: `people` below).
  createTicket: (body: NewTicketRequest, idempotencyKey: string) =>
    request<TicketDetail>('POST', '/tickets', body, undefined, { 'Idempotency-Key': idempotencyKey }),
  uploadAttachment: (ticketId: number, file: File, signal?: AbortSignal) => {
    const form = new FormData();
    // The dialog's files belong to the ticket itself: the requester sees them too.
    form.append('attach_to', 'ticket');
    form.append('file', file, file.name);
    return upload<Attachment>(`/tickets/${ticketId}/attachments`, form, signal);
  },
  // Records table and ticket detail (issue 3).
  tickets: (q: TicketQuery, signal?: AbortSignal) => request<TicketList>('GET', withQuery('/tickets', q), undefined, signal),
  ticket: (id: number, signal?: AbortSignal) => request<TicketDetail>('GET', `/tickets/${id}`, undefined, signal),
  updateTicket: (id: number, body: TicketPatch) => request<TicketDetail>('PATCH', `/tickets/${id}`, body),
  ticketHistory: (id: number, signal?: AbortSignal) => request<TicketHistory>('GET', `/tickets/${id}/history`, undefined, signal),
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

  // Accounts: users admin, roles and permissions, set-password links (issue 4).
  permissions: (signal?: AbortSignal) => request<{ items: Permission[] }>('GET', '/permissions', undefined, signal),
  roles: (signal?: AbortSignal) => request<{ items: AccessRole[] }>('GET', '/roles', undefined, signal),
  createRole: (body: NewAccessRole) => request<AccessRole>('POST', '/roles', body),
  updateRole: (id: number, body: AccessRolePatch) => request<AccessRole>('PATCH', `/roles/${id}`, body),
  deleteRole: (id: number) => request<undefined>('DELETE', `/roles/${id}`),
  adminUsers: (q: AdminUserQuery, signal?: AbortSignal) =>
    request<AdminUserList>('GET', withQuery('/admin/users', q), undefined, signal),
  inviteUser: (body: NewAdminUser) => request<InvitedUser>('POST', '/admin/users', body),
  updateAdminUser: (id: number, body: AdminUserPatch) => request<AdminUser>('PATCH', `/admin/users/${id}`, body),
  newUserLink: (id: number) => request<UserLink>('POST', `/admin/users/${id}/invite`),
  linkInfo: (token: string, signal?: AbortSignal) =>
    request<LinkInfo>('GET', withQuery('/auth/invite', { token }), undefined, signal),
  setPassword: (body: SetPasswordRequest) => request<Session>('POST', '/auth/set-password', body),
  // Persons, contacts and genealogy (issue 4, people).
  persons: (q: PersonQuery, signal?: AbortSignal) => request<PersonList>('GET', withQuery('/persons', q), undefined, signal),
  person: (id: number, signal?: AbortSignal) => request<Person>('GET', `/persons/${id}`, undefined, signal),
  downline: (id: number, cursor: string | null, signal?: AbortSignal) =>
    request<PersonList>('GET', withQuery(`/persons/${id}/downline`, { cursor, limit: 50 }), undefined, signal),
  createPerson: (body: PersonCreate) => request<Person>('POST', '/persons', body),
  updatePerson: (id: number, body: PersonPatch) => request<Person>('PATCH', `/persons/${id}`, body),
  addContact: (id: number, body: ContactCreate) => request<Contact>('POST', `/persons/${id}/contacts`, body),
  updateContact: (id: number, contactId: number, body: ContactPatch) =>
    request<Contact>('PATCH', `/persons/${id}/contacts/${contactId}`, body),
  deleteContact: (id: number, contactId: number) => request<undefined>('DELETE', `/persons/${id}/contacts/${contactId}`),

  // Workflows (issue 5, FW): admin editor, metrics, versions for the board, ticket transitions, credit requests.
  workflows: (signal?: AbortSignal) => get<{ items: Workflow[] }>('/workflows', signal),
  workflow: (id: number, signal?: AbortSignal) => request<Workflow>('GET', `/workflows/${id}`, undefined, signal),
  createWorkflow: (body: NewWorkflow) => request<Workflow>('POST', '/workflows', body),
  updateWorkflow: (id: number, body: WorkflowUpdate) => request<Workflow>('PUT', `/workflows/${id}`, body),
  setWorkflowCategories: (id: number, body: WorkflowCategories) => request<Workflow>('PUT', `/workflows/${id}/categories`, body),
  workflowVersion: (id: number, signal?: AbortSignal) => get<WorkflowVersion>(`/workflow-versions/${id}`, signal),
  workflowMetrics: (id: number, q: { from?: string; to?: string }, signal?: AbortSignal) =>
    request<WorkflowMetrics>('GET', withQuery(`/workflows/${id}/metrics`, q), undefined, signal),
  ticketTransitions: (id: number, signal?: AbortSignal) =>
    request<{ items: TicketTransition[] }>('GET', `/tickets/${id}/transitions`, undefined, signal),
  transitionTicket: (id: number, body: TransitionRequest) => request<TicketDetail>('POST', `/tickets/${id}/transitions`, body),
  createCreditRequest: (body: CreditRequest) => request<TicketDetail>('POST', '/credit-requests', body),
  // Queues, automation rules, macros and notifications (issue 5, FQ).
  work: (signal?: AbortSignal) => request<Work>('GET', '/queues/work', undefined, signal),
  queueOp: (ticketId: number, body: QueueOpRequest) => request<TicketDetail>('POST', `/tickets/${ticketId}/queue-ops`, body),
  defaultManagers: (signal?: AbortSignal) => request<DefaultManagerList>('GET', '/default-managers', undefined, signal),
  saveDefaultManagers: (items: DefaultManager[]) => request<DefaultManagerList>('PUT', '/default-managers', { items }),
  rules: (signal?: AbortSignal) => request<{ items: AutomationRule[] }>('GET', '/automation-rules', undefined, signal),
  createRule: (body: AutomationRuleInput) => request<AutomationRule>('POST', '/automation-rules', body),
  updateRule: (id: number, body: AutomationRuleInput) => request<AutomationRule>('PUT', `/automation-rules/${id}`, body),
  deleteRule: (id: number, version: number) =>
    request<undefined>('DELETE', withQuery(`/automation-rules/${id}`, { version })),
  reorderRules: (ids: number[]) => request<{ items: AutomationRule[] }>('PUT', '/automation-rules/order', { ids }),
  macros: (signal?: AbortSignal) => request<{ items: Macro[] }>('GET', '/macros', undefined, signal),
  createMacro: (body: MacroInput) => request<Macro>('POST', '/macros', body),
  updateMacro: (id: number, body: MacroInput) => request<Macro>('PUT', `/macros/${id}`, body),
  deleteMacro: (id: number, version: number) => request<undefined>('DELETE', withQuery(`/macros/${id}`, { version })),
  applyMacro: (id: number, ticketIds: number[]) =>
    request<MacroApplyResponse>('POST', `/macros/${id}/apply`, { ticket_ids: ticketIds }),
  notifications: (before: number | null, signal?: AbortSignal) =>
    request<NotificationList>('GET', withQuery('/notifications', { before }), undefined, signal),
  readNotifications: (body: NotificationsRead) => request<undefined>('POST', '/notifications/read', body),
};
