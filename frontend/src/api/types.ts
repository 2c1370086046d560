// Names for the API types generated from shared/api/openapi.yaml. Aliases only: the shapes live in
// shared/ts/api.gen.ts, never here.
import type { components, paths } from '@shared/api.gen';

type Schemas = components['schemas'];

export type Card = Schemas['Card'];
export type Catalogs = Schemas['Catalogs'];
export type Column = Schemas['Column'];
export type Board = Schemas['Board'];
export type CardPage = Schemas['CardPage'];
export type Status = Schemas['Status'];
export type StatusGroup = Schemas['StatusGroup'];
export type Priority = Schemas['Priority'];
export type UserRef = Schemas['UserRef'];
export type User = Schemas['User'];
export type Session = Schemas['Session'];
export type LoginRequest = Schemas['LoginRequest'];
export type MoveRequest = Schemas['MoveRequest'];
export type Conflict = Schemas['Conflict'];
export type ErrorBody = Schemas['ErrorBody'];
export type ErrorCode = Schemas['Error']['code'];

/** BoardQuery is the filter set GET /board and the column pages accept. */
export type BoardQuery = NonNullable<paths['/board']['get']['parameters']['query']>;

// Catalog administration and the new-ticket dialog (issue 3).
export type Category = Schemas['Category'];
export type KBCategory = Schemas['KBCategory'];
export type Channel = Schemas['Channel'];
export type Queue = Schemas['Queue'];
export type NoteReason = Schemas['NoteReason'];
export type CannedResponse = Schemas['CannedResponse'];
export type NewCategory = Schemas['NewCategory'];
export type NewKBCategory = Schemas['NewKBCategory'];
export type NewStatus = Schemas['NewStatus'];
export type NewChannel = Schemas['NewChannel'];
export type NewQueue = Schemas['NewQueue'];
export type NewNoteReason = Schemas['NewNoteReason'];
export type NewCannedResponse = Schemas['NewCannedResponse'];
export type CategoryPatch = Schemas['CategoryPatch'];
export type KBCategoryPatch = Schemas['KBCategoryPatch'];
export type StatusPatch = Schemas['StatusPatch'];
export type PriorityPatch = Schemas['PriorityPatch'];
export type ChannelPatch = Schemas['ChannelPatch'];
export type QueuePatch = Schemas['QueuePatch'];
export type NoteReasonPatch = Schemas['NoteReasonPatch'];
export type CannedResponsePatch = Schemas['CannedResponsePatch'];
export type PrioritySchemeName = Schemas['PrioritySchemeName'];
export type PrioritySchemeResult = Schemas['PrioritySchemeResult'];
export type CatalogChange = Schemas['CatalogChange'];
export type CatalogChangeList = Schemas['CatalogChangeList'];
export type CatalogConflict = Schemas['CatalogConflict'];
export type PersonRef = Schemas['PersonRef'];
export type NewTicketRequest = Schemas['NewTicketRequest'];
export type NewRequester = Schemas['NewRequester'];
export type TicketDetail = Schemas['TicketDetail'];
export type TicketList = Schemas['TicketList'];
export type Attachment = Schemas['Attachment'];
export type Role = Schemas['Role'];

/** CatalogKind is a catalog as named in the API path /catalog/{kind}. */
export type CatalogKind =
  | 'categories'
  | 'kb-categories'
  | 'statuses'
  | 'priorities'
  | 'channels'
  | 'queues'
  | 'note-reasons'
  | 'canned-responses';

/** CatalogEntryOf maps a catalog kind to its entry type. */
export interface CatalogEntryOf {
  categories: Category;
  'kb-categories': KBCategory;
  statuses: Status;
  priorities: Priority;
  channels: Channel;
  queues: Queue;
  'note-reasons': NoteReason;
  'canned-responses': CannedResponse;
}

/** NewCatalogEntryOf maps a catalog kind to its create body (priorities cannot be created). */
export interface NewCatalogEntryOf {
  categories: NewCategory;
  'kb-categories': NewKBCategory;
  statuses: NewStatus;
  channels: NewChannel;
  queues: NewQueue;
  'note-reasons': NewNoteReason;
  'canned-responses': NewCannedResponse;
}

/** CatalogPatchOf maps a catalog kind to its partial-edit body. */
export interface CatalogPatchOf {
  categories: CategoryPatch;
  'kb-categories': KBCategoryPatch;
  statuses: StatusPatch;
  priorities: PriorityPatch;
  channels: ChannelPatch;
  queues: QueuePatch;
  'note-reasons': NoteReasonPatch;
  'canned-responses': CannedResponsePatch;
}

/** AnyCatalogEntry is an entry of any catalog. */
export type AnyCatalogEntry = CatalogEntryOf[CatalogKind];
// Records table and ticket detail (issue 3).
export type TicketRef = Schemas['TicketRef'];
export type TicketLink = Schemas['TicketLink'];
export type LinkKind = Schemas['LinkKind'];
export type TicketPermissions = Schemas['TicketPermissions'];
export type TicketPatch = Schemas['TicketPatch'];
export type TicketConflict = Schemas['TicketConflict'];
export type TicketSort = components['parameters']['TicketSort'];
export type HistoryEntry = Schemas['HistoryEntry'];
/** TicketHistory is GET /tickets/{id}/history: the entries and the people they name by id. */
export type TicketHistory = paths['/tickets/{ticketId}/history']['get']['responses']['200']['content']['application/json'];
export type LinkRequest = Schemas['LinkRequest'];
export type MergeRequest = Schemas['MergeRequest'];
export type Comment = Schemas['Comment'];
export type NewComment = Schemas['NewComment'];
export type RenderedCanned = Schemas['RenderedCanned'];
export type SavedView = Schemas['SavedView'];
export type NewSavedView = Schemas['NewSavedView'];
export type SavedViewPatch = Schemas['SavedViewPatch'];

/** TicketQuery is the filter, sort and page set GET /tickets accepts (the records table's URL query). */
export type TicketQuery = NonNullable<paths['/tickets']['get']['parameters']['query']>;

// Accounts: users admin, roles and permissions, set-password links (issue 4).
export type Permission = Schemas['Permission'];
export type AccessRole = Schemas['AccessRole'];
export type NewAccessRole = Schemas['NewAccessRole'];
export type AccessRolePatch = Schemas['AccessRolePatch'];
export type AccessRoleConflict = Schemas['AccessRoleConflict'];
export type AccountStatus = Schemas['AccountStatus'];
export type AdminUser = Schemas['AdminUser'];
export type AdminUserList = Schemas['AdminUserList'];
export type NewAdminUser = Schemas['NewAdminUser'];
export type AdminUserPatch = Schemas['AdminUserPatch'];
export type AdminUserConflict = Schemas['AdminUserConflict'];
export type InvitedUser = Schemas['InvitedUser'];
export type UserLink = Schemas['UserLink'];
export type LinkInfo = Schemas['LinkInfo'];
export type SetPasswordRequest = Schemas['SetPasswordRequest'];
/** AdminUserQuery is the filter and page set GET /admin/users accepts. */
export type AdminUserQuery = NonNullable<paths['/admin/users']['get']['parameters']['query']>;
// Persons, contacts and genealogy (issue 4, people).
export type PersonKind = Schemas['PersonKind'];
export type CommercialStatus = Schemas['CommercialStatus'];
export type ContactKind = Schemas['ContactKind'];
export type Contact = Schemas['Contact'];
export type ContactCreate = Schemas['ContactCreate'];
export type ContactPatch = Schemas['ContactPatch'];
export type PersonCard = Schemas['PersonCard'];
export type UplineEntry = Schemas['UplineEntry'];
export type Person = Schemas['Person'];
export type PersonList = Schemas['PersonList'];
export type PersonCreate = Schemas['PersonCreate'];
export type PersonPatch = Schemas['PersonPatch'];
/** PersonQuery is the filter set GET /persons accepts. */
export type PersonQuery = NonNullable<paths['/persons']['get']['parameters']['query']>;
