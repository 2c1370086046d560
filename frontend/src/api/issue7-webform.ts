// Issue 7 (web form): the public form, the tracking page and the staff's tracking links. The shapes are
// the OpenAPI document's generated types (shared/ts/api.gen.ts).
import type { components } from '@shared/api.gen';
import { request, upload } from './client';

export type WebFormInfo = components['schemas']['WebFormInfo'];
export type WebFormCreated = components['schemas']['WebFormCreated'];
export type Tracking = components['schemas']['Tracking'];
export type TrackingFile = components['schemas']['TrackingFile'];
export type TrackingLink = components['schemas']['TrackingLink'];
export type TrackingLinkList = components['schemas']['TrackingLinkList'];

/** WebFormValues is the form as the visitor fills it (ids as the selects hold them). */
export interface WebFormValues {
  name: string;
  email: string;
  category_id: string;
  subcategory_id: string;
  order_number: string;
  description: string;
  /** The honeypot: people never see it, so it stays empty. */
  website: string;
}

/** webFormData is the multipart body of the form in the visitor's language. */
export function webFormData(v: WebFormValues, files: readonly File[], lang: string): FormData {
  const form = new FormData();
  const required: readonly (keyof WebFormValues)[] = ['name', 'email', 'category_id', 'description'];
  for (const k of Object.keys(v) as (keyof WebFormValues)[]) {
    const val: string = v[k];
    if (val !== '' || required.includes(k)) form.append(k, val.trim());
  }
  form.append('lang', lang.startsWith('en') ? 'en' : 'es');
  for (const f of files) form.append('files', f, f.name);
  return form;
}

export const webformApi = {
  form: (signal?: AbortSignal) => request<WebFormInfo>('GET', '/public/form', undefined, signal),
  submit: (v: WebFormValues, files: readonly File[], lang: string) => upload<WebFormCreated>('/public/tickets', webFormData(v, files, lang)),
  track: (token: string, signal?: AbortSignal) => request<Tracking>('GET', `/public/track/${encodeURIComponent(token)}`, undefined, signal),
  reply: (token: string, body: string, files: readonly File[]) => {
    const form = new FormData();
    form.append('body', body);
    for (const f of files) form.append('files', f, f.name);
    return upload<Tracking>(`/public/track/${encodeURIComponent(token)}/replies`, form);
  },
  links: (ticketId: number, signal?: AbortSignal) => request<TrackingLinkList>('GET', `/tickets/${ticketId}/tracking-links`, undefined, signal),
  sendLink: (ticketId: number) => request<TrackingLink>('POST', `/tickets/${ticketId}/tracking-links`),
  revokeLink: (ticketId: number, linkId: number) => request<TrackingLink>('DELETE', `/tickets/${ticketId}/tracking-links/${linkId}`),
};
