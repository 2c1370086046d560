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

// Records table and ticket detail (issue 3).
export type PersonRef = Schemas['PersonRef'];
export type TicketRef = Schemas['TicketRef'];
export type TicketLink = Schemas['TicketLink'];
export type LinkKind = Schemas['LinkKind'];
export type TicketDetail = Schemas['TicketDetail'];
export type TicketPermissions = Schemas['TicketPermissions'];
export type TicketPatch = Schemas['TicketPatch'];
export type TicketConflict = Schemas['TicketConflict'];
export type TicketList = Schemas['TicketList'];
export type TicketSort = components['parameters']['TicketSort'];
export type HistoryEntry = Schemas['HistoryEntry'];
export type LinkRequest = Schemas['LinkRequest'];
export type MergeRequest = Schemas['MergeRequest'];
export type Attachment = Schemas['Attachment'];
export type Comment = Schemas['Comment'];
export type NewComment = Schemas['NewComment'];
export type RenderedCanned = Schemas['RenderedCanned'];
export type SavedView = Schemas['SavedView'];
export type NewSavedView = Schemas['NewSavedView'];
export type SavedViewPatch = Schemas['SavedViewPatch'];

/** TicketQuery is the filter, sort and page set GET /tickets accepts (the records table's URL query). */
export type TicketQuery = NonNullable<paths['/tickets']['get']['parameters']['query']>;
