// The desk's time zone, told with the session. Dashboards, reports and the records table's day filters
// count its days (a day runs from that zone's midnight to the next), whatever the browser's zone is.
let zone = 'UTC';

/** setDeskZone keeps the zone the session names. */
export function setDeskZone(z: string): void {
  zone = z;
}

/** deskZone is the desk's IANA time zone. */
export function deskZone(): string {
  return zone;
}

/** deskToday is the desk's current day, `YYYY-MM-DD`. */
export function deskToday(now: Date = new Date(), tz: string = zone): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
