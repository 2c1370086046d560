// Small text helpers of the ticket page: ticket numbers typed by hand, text put in at the caret.

/** parseNumber reads a ticket number typed as "123" or "#123". */
export function parseNumber(text: string): number | null {
  const m = /^\s*#?\s*([1-9][0-9]{0,17})\s*$/.exec(text);
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/** insertAt puts text into body at [start, end), returning the new body and the caret after it. */
export function insertAt(body: string, text: string, start: number, end: number): { body: string; caret: number } {
  const s = Math.max(0, Math.min(start, body.length));
  const e = Math.max(s, Math.min(end, body.length));
  return { body: body.slice(0, s) + text + body.slice(e), caret: s + text.length };
}
