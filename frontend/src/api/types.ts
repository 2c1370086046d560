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
