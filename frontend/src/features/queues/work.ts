// The "My work" page's logic: which live events move the page, and the supervisor's members grouped by
// queue.
import type { WorkMember } from '../../api/issue5';
import type { LiveChange } from '../../live/client';

/** movesWork says whether a live message may change my work: any ticket change or removal. */
export function movesWork(msg: LiveChange): boolean {
  if (msg.type === 'remove') return true;
  return msg.name === 'ticket.created' || msg.name === 'ticket.updated' || msg.name === 'ticket.moved';
}

/** membersByQueue groups the members table by queue, online members first, then by name. */
export function membersByQueue(members: readonly WorkMember[]): Map<number, WorkMember[]> {
  const out = new Map<number, WorkMember[]>();
  for (const m of members) {
    const list = out.get(m.queue_id) ?? [];
    list.push(m);
    out.set(m.queue_id, list);
  }
  for (const list of out.values()) {
    list.sort((a, b) => Number(b.online) - Number(a.online) || a.user.name.localeCompare(b.user.name));
  }
  return out;
}

/** mayBeAssigned says whether a user may be given tickets (contract: those holding ticket.update). */
export function mayBeAssigned(user: { role?: string; permissions?: string[] } | null | undefined): boolean {
  if (!user) return false;
  return user.role === 'admin' || (user.permissions?.includes('ticket.update') ?? false);
}

/** throttle runs fn at most once per `ms`, the last call winning (a burst of events, one refetch). */
export function throttle(fn: () => void, ms: number): { call: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    call: () => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    cancel: () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
