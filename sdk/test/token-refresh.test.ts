import { expect, test } from 'vitest';
import { MIN_TOKEN_REFRESH_LEAD_MS, TOKEN_REFRESH_LEAD_MS, refreshDelayMs } from '../src/token-refresh.js';

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
