import { expect, test, vi } from 'vitest';
import { MIN_TOKEN_REFRESH_LEAD_MS, TOKEN_REFRESH_LEAD_MS, TokenRefresher, refreshDelayMs } from '../src/token-refresh.js';

const NOW = 1_765_000_000_000;

test('a long-lived token is refreshed 60 s before it expires', () => {
  expect(refreshDelayMs(NOW + 3_600_000, NOW)).toBe(3_600_000 - TOKEN_REFRESH_LEAD_MS);
});

test('a short token is refreshed at 90 % of its remaining lifetime', () => {
  expect(refreshDelayMs(NOW + 300_000, NOW)).toBe(270_000);
});

test('never less than 3 s ahead, and never sooner than 1 s from now', () => {
  expect(refreshDelayMs(NOW + 10_000, NOW)).toBe(10_000 - MIN_TOKEN_REFRESH_LEAD_MS);
  expect(refreshDelayMs(NOW + 2_000, NOW)).toBe(1_000);
  expect(refreshDelayMs(NOW - 5_000, NOW)).toBe(1_000);
});

test('a token valid for 30 days is not refreshed at once (a timer past 2^31 - 1 ms would fire immediately), but 60 s before it expires', async () => {
  vi.useFakeTimers({ now: NOW });
  try {
    let fetched = 0;
    const expiries: number[] = [];
    const refresher = new TokenRefresher({
      getToken: async () => (fetched++, 'fresh'),
      send: () => true,
      willExpire: (at) => void expiries.push(at),
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const thirtyDaysMs = 30 * 24 * 3_600_000;
    refresher.start(NOW + thirtyDaysMs);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetched).toBe(0);
    await vi.advanceTimersByTimeAsync(thirtyDaysMs - TOKEN_REFRESH_LEAD_MS - 2_000);
    expect(fetched).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect({ fetched, expiries }).toEqual({ fetched: 1, expiries: [NOW + thirtyDaysMs] });
    refresher.stop();
  } finally {
    vi.useRealTimers();
  }
});
