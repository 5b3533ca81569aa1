import { describe, expect, test } from 'vitest';
import { DEFAULT_RECONNECT_DELAYS_MS, DefaultReconnectPolicy } from '../src/reconnect-policy.js';

const ctx = (retryCount: number, elapsedMs = 0) => ({ retryCount, elapsedMs, closeCode: 1006 });

describe('the default reconnect policy', () => {
  test('follows the table without jitter and repeats its last delay', () => {
    const policy = new DefaultReconnectPolicy({ jitter: 0 });
    const delays = Array.from({ length: 10 }, (_, i) => policy.nextRetryDelayMs(ctx(i)));
    expect(delays).toEqual([...DEFAULT_RECONNECT_DELAYS_MS, 15_000, 15_000, 15_000]);
  });

  test('jitter stays within ± its share and moves with the random number', () => {
    const low = new DefaultReconnectPolicy({ jitter: 0.2, random: () => 0 });
    const high = new DefaultReconnectPolicy({ jitter: 0.2, random: () => 0.999_999 });
    expect(low.nextRetryDelayMs(ctx(6))).toBe(12_000);
    expect(high.nextRetryDelayMs(ctx(6))).toBe(18_000);
    expect(low.nextRetryDelayMs(ctx(0))).toBe(0);
  });

  test('gives up (null) once maxElapsedMs has passed', () => {
    const policy = new DefaultReconnectPolicy({ maxElapsedMs: 60_000 });
    expect(policy.nextRetryDelayMs(ctx(3, 59_999))).not.toBeNull();
    expect(policy.nextRetryDelayMs(ctx(3, 60_000))).toBeNull();
  });
});
