// Issue 7 (portals): the customer's and consultant's order listing and the emailed sign-in link. The
// response shapes are the OpenAPI document's generated types (shared/ts/api.gen.ts).
import type { components } from '@shared/api.gen';
import { request, withQuery } from './client';
import type { Session } from './types';

export type PortalOrder = components['schemas']['PortalOrder'];
export type PortalOrderList = components['schemas']['PortalOrderList'];

export const portalApi = {
  orders: (cursor: string, signal?: AbortSignal) =>
    request<PortalOrderList>('GET', withQuery('/portal/orders', { cursor: cursor || undefined, limit: 20 }), undefined, signal),
  requestMagicLink: (email: string) => request<undefined>('POST', '/auth/magic-link', { email }),
  redeemMagicLink: (token: string) => request<Session>('POST', '/auth/magic-link/redeem', { token }),
};
