// Issue 7 (API keys): the admin's API-key routes. The shapes are the OpenAPI document's generated types.
import type { components } from '@shared/api.gen';
import { request, withQuery } from './client';

export type APIKey = components['schemas']['APIKey'];
export type APIKeyPage = components['schemas']['APIKeyPage'];
export type NewAPIKey = components['schemas']['NewAPIKey'];
export type CreatedAPIKey = components['schemas']['CreatedAPIKey'];
export type KeyScope = APIKey['scopes'][number];

/** keyScopes lists every scope a key may hold, in the order the form shows them. */
export const keyScopes: readonly KeyScope[] = ['tickets.create', 'tickets.comment'];

export const apiKeysApi = {
  list: (cursor: number | null, signal?: AbortSignal) =>
    request<APIKeyPage>('GET', withQuery('/admin/api-keys', { cursor }), undefined, signal),
  create: (body: NewAPIKey) => request<CreatedAPIKey>('POST', '/admin/api-keys', body),
  revoke: (id: number) => request<APIKey>('DELETE', `/admin/api-keys/${id}`),
};
