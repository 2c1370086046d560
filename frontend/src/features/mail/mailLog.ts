// The mail log's paging: the newest first, "load more" asks for the page before the oldest row held.
import type { MailLogItem, MailLogPage, MailStatus } from '../../api/issue6-mail';

/** nextCursor is the `before` of the next page, or null when there is no more. */
export function nextCursor(pages: readonly MailLogPage[]): number | null {
  const last = pages[pages.length - 1];
  if (last === undefined || !last.has_more) return null;
  const oldest = last.items[last.items.length - 1];
  return oldest === undefined ? null : oldest.id;
}

/** flattenPages joins the pages held, dropping a row a later page repeats (a row written between loads). */
export function flattenPages(pages: readonly MailLogPage[]): MailLogItem[] {
  const seen = new Set<number>();
  const out: MailLogItem[] = [];
  for (const p of pages)
    for (const it of p.items) {
      if (seen.has(it.id)) continue;
      seen.add(it.id);
      out.push(it);
    }
  return out;
}

/** statusTone is the colour family of a status chip. */
export function statusTone(s: MailStatus): 'neutral' | 'info' | 'ok' | 'warn' | 'danger' {
  switch (s) {
    case 'sent':
      return 'ok';
    case 'queued':
      return 'info';
    case 'retrying':
      return 'warn';
    case 'failed':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** sandboxDoc wraps an email's HTML for a sandboxed iframe: a CSP that forbids scripts and remote
 * loads, so what the log shows cannot run or call home even if a template was tampered with. */
export function sandboxDoc(html: string): string {
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"></head><body>${html}</body></html>`;
}
