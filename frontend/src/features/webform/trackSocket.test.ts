import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../../test/fixtures';
import { CloseExpired, watchTrack } from './trackSocket';

function setup() {
  const sockets: FakeSocket[] = [];
  const onChange = vi.fn();
  const stop = watchTrack('tok/en', onChange, {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    pauseMs: 1000,
    maxPauseMs: 4000,
    pingEveryMs: 25_000,
    location: { protocol: 'https:', host: 'desk.example.com' },
  });
  return { sockets, onChange, stop, last: () => sockets[sockets.length - 1]! };
}

describe('the tracking page socket', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads the ticket again when ready and at each change, and pings to stay open', () => {
    const { sockets, onChange, last } = setup();
    expect(sockets).toHaveLength(1);
    expect(last().url).toBe('wss://desk.example.com/api/v1/public/track/tok%2Fen/live');
    last().open();
    last().receive({ type: 'ready' });
    expect(onChange).toHaveBeenCalledTimes(1);
    last().receive({ type: 'changed' });
    last().receive({ type: 'something-else' });
    expect(onChange).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(25_000);
    expect(last().sent).toEqual([{ type: 'ping' }]);
  });

  it('comes back after a lost connection with a growing pause, reading the ticket at each loss', () => {
    const { sockets, onChange, last } = setup();
    last().drop();
    expect(onChange).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    last().drop();
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    // A "ready" resets the pause.
    last().open();
    last().receive({ type: 'ready' });
    last().drop();
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(4);
  });

  it('stops at an expired link, and when the page stops it', () => {
    const { sockets, onChange, stop, last } = setup();
    last().open();
    last().drop(CloseExpired);
    expect(onChange).toHaveBeenCalledTimes(1); // the page reads the ticket and shows the link has expired
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);

    const other = setup();
    other.last().open();
    other.stop();
    expect(other.last().closed).toBe(true);
    other.last().drop();
    vi.advanceTimersByTime(60_000);
    expect(other.sockets).toHaveLength(1);
    expect(other.onChange).not.toHaveBeenCalled();
    stop();
  });
});
