// Issue 6 (email): the API shapes of mail templates, the mail log, mail preferences and ticket watchers,
// written by hand from the contract's Notify section. The response shapes are the OpenAPI
// document's generated types (shared/ts/api.gen.ts).
import type { components } from '@shared/api.gen';
import { request, withQuery } from './client';

export type MailLang = 'es' | 'en';
export type Localized = Record<MailLang, string>;

/** MailTemplate is one email template: subject and Markdown body per language, with {{variables}}. */
export type MailTemplate = components['schemas']['MailTemplate'];

export interface MailTemplateUpdate {
  subject: Localized;
  body: Localized;
  version: number;
}

export interface MailPreviewRequest {
  lang: MailLang;
  subject: string;
  body: string;
  ticket_id?: number;
}

export interface MailPreview {
  subject: string;
  html: string;
  text: string;
}

export const mailStatuses = ['logged', 'queued', 'sent', 'retrying', 'failed'] as const;
export type MailStatus = (typeof mailStatuses)[number];

export type MailLogItem = components['schemas']['MailLogEntry'];

export interface MailLogPage {
  items: MailLogItem[];
  has_more: boolean;
}

export type MailMessage = components['schemas']['MailLogDetail'];

export const mailEvents = ['ticket_created', 'ticket_replied', 'ticket_status', 'ticket_assigned', 'ticket_closed', 'task_digest'] as const;
export type MailEvent = (typeof mailEvents)[number];

export type MailPreferences = components['schemas']['MailPreferences'];

export type Watcher = components['schemas']['Watcher'];

export type WatcherList = components['schemas']['WatcherList'];

export interface MailLogQuery {
  before?: number | null;
  status?: MailStatus | '';
}

export const mailApi = {
  templates: (signal?: AbortSignal) => request<{ items: MailTemplate[] }>('GET', '/mail/templates', undefined, signal),
  template: (key: string, signal?: AbortSignal) => request<MailTemplate>('GET', `/mail/templates/${encodeURIComponent(key)}`, undefined, signal),
  updateTemplate: (key: string, body: MailTemplateUpdate) => request<MailTemplate>('PUT', `/mail/templates/${encodeURIComponent(key)}`, body),
  preview: (key: string, body: MailPreviewRequest, signal?: AbortSignal) =>
    request<MailPreview>('POST', `/mail/templates/${encodeURIComponent(key)}/preview`, body, signal),
  log: (q: MailLogQuery, signal?: AbortSignal) => request<MailLogPage>('GET', withQuery('/mail/log', { before: q.before, status: q.status }), undefined, signal),
  message: (id: number, signal?: AbortSignal) => request<MailMessage>('GET', `/mail/log/${id}`, undefined, signal),
  preferences: (signal?: AbortSignal) => request<MailPreferences>('GET', '/me/mail-preferences', undefined, signal),
  savePreferences: (body: MailPreferences) => request<MailPreferences>('PUT', '/me/mail-preferences', body),
  watchers: (ticketId: number, signal?: AbortSignal) => request<WatcherList>('GET', `/tickets/${ticketId}/watchers`, undefined, signal),
  watch: (ticketId: number, userId: number) => request<WatcherList>('POST', `/tickets/${ticketId}/watchers`, { user_id: userId }),
  unwatch: (ticketId: number, userId: number) => request<void>('DELETE', `/tickets/${ticketId}/watchers/${userId}`),
};
