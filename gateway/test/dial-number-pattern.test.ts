/**
 * Issue 15, item 2: the default `dial_number_pattern` allows national numbers only. Before, it
 * was `0\d{9,10}`, which matched Japan's international prefix 010 with a short number (the
 * classic toll-fraud destinations) and carrier-selection codes. docs/click-to-call.md#which-numbers.
 */
import { describe, expect, test } from 'vitest';
import { devConfig } from '@gag/gateway';
import { normaliseNumber, numberAllowed } from '../src/originate/dial-policy.js';

const config = devConfig();
const allowed = (raw: string): boolean => {
  const number = normaliseNumber(raw);
  return number !== undefined && numberAllowed(number, config);
};

describe('the default dial_number_pattern', () => {
  test.each([
    ['03-1234-5678', 'a Tokyo fixed line'],
    ['06-6123-4567', 'an Osaka fixed line'],
    ['011-234-5678', 'a Sapporo fixed line (area code 011, not 010)'],
    ['0123-45-6789', 'a four-digit area code'],
    ['090-1234-5678', 'a mobile (090)'],
    ['080-1234-5678', 'a mobile (080)'],
    ['070-1234-5678', 'a mobile (070)'],
    ['050-1234-5678', 'an IP phone (050)'],
    ['0120-123-456', 'free dial 0120'],
    ['0800-123-4567', 'free dial 0800'],
  ])('allows %s, %s', (raw) => {
    expect(allowed(raw)).toBe(true);
  });

  test.each([
    ['010-44-20-7946-0000', 'international: 010 + a UK number'],
    ['010-882-1234', 'international: 010 + a short number (the probe that found the bug)'],
    ['0101234567', 'international: 010 + anything, 10 digits'],
    ['01012345678', 'international: 010 + anything, 11 digits'],
    ['0033-010-44-1234', 'carrier selection 0033'],
    ['0041-1234-5678', 'carrier selection 0041'],
    ['0061-44-1234-5678', 'carrier selection 0061'],
    ['0070-12-3456-7890', 'carrier 0070'],
    ['0077-1234-5678', 'carrier 0077'],
    ['0088-123-4567', 'carrier 0088'],
    ['0091-123-4567', 'carrier 0091'],
    ['00-1234-5678', 'any other 00 prefix'],
    ['+81-3-1234-5678', 'international format'],
    ['0570-123-456', 'navi dial (caller pays a premium)'],
    ['0180-123-456', '0180 (caller-paid services)'],
    ['0990-123-456', '0990 (premium information services)'],
    ['020-1234-5678', '020 (pagers and M2M)'],
    ['060-1234-5678', '060 (reserved)'],
    ['03-1234-567', 'too short'],
    ['03-1234-56789', 'too long'],
    ['110', 'an emergency code'],
    ['184-03-1234-5678', 'a caller-ID prefix'],
  ])('refuses %s, %s', (raw) => {
    expect(allowed(raw)).toBe(false);
  });
});
