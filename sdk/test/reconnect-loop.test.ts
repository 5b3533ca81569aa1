import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { browserGlobals, type FakeWindow } from '@gag/testkit/browser-globals';
import { ReconnectLoop } from '../src/reconnect-loop.js';
import type { ReconnectContext } from '../src/reconnect-policy.js';

let window: FakeWindow;
let navigator: { onLine: boolean };
let asked: ReconnectContext[];
let events: string[];

function loop(delayMs = 1_000): ReconnectLoop {
  return new ReconnectLoop(
    { nextRetryDelayMs: (context) => (asked.push(context), delayMs) },
    { scheduled: (info) => events.push(`scheduled ${info.attempt} in ${info.delayMs}`), attempt: () => events.push('attempt') },
  );
}

beforeEach(() => {
  vi.useFakeTimers();
  ({ window, navigator } = browserGlobals());
  asked = [];
  events = [];
});

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the reconnect loop', () => {
  test('time spent offline does not count towards the policy\'s elapsed time', async () => {
    const l = loop();
    l.start();
    l.connected();
    expect(l.dropped(1006)).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual(['scheduled 1 in 1000', 'attempt']);
    window.network(false, navigator);
    expect(l.dropped(1006)).toBe(true); // the attempt failed while offline: paused, policy not asked
    expect(l.paused).toBe(true);
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60 * 60_000); // an hour offline
    window.network(true, navigator);
    expect(events).toEqual(['scheduled 1 in 1000', 'attempt', 'scheduled 2 in 0', 'attempt']);
    l.dropped(1006);
    expect(asked.at(-1)).toEqual({ retryCount: 2, elapsedMs: 1_000, closeCode: 1006 });
    l.stop();
    expect(window.listeners.get('online')).toBe(0);
  });

  test('a browser offline at connect() waits for the network after the first drop', () => {
    navigator.onLine = false;
    const l = loop();
    l.start();
    expect(l.dropped(1001)).toBe(true);
    expect(asked).toEqual([]);
    expect(events).toEqual([]);
    window.network(true, navigator);
    expect(events).toEqual(['scheduled 1 in 0', 'attempt']);
    l.stop();
  });

  test('an attempt in flight is not doubled by online', () => {
    const l = loop();
    l.start();
    window.network(true, navigator); // connecting: nothing to cut short
    expect(events).toEqual([]);
    l.stop();
  });
});
