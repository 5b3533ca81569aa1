/**
 * Click-to-call in a cluster (issue 17): the other nodes must know a dial before Asterisk can ring
 * back, or a call back that reaches another node first rings there as an ordinary call (seen in
 * the real-Chromium cluster spec on a loaded machine: "call back with an unknown dial id"). The
 * originate therefore waits for the dial to be shared (`onPending`), but never longer than
 * SHARE_PENDING_WAIT_MS: Redis that does not answer cannot hold a click-to-call up.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { devConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { Dialer, SHARE_PENDING_WAIT_MS } from '../src/originate/dialer.js';
import type { OriginateRequest, OriginateResult, Originator } from '../src/originate/originator.js';

afterEach(() => void vi.useRealTimers());

/** An originator that records each originate, and what had happened when it came. */
function recordingOriginator(seen: string[]): Originator {
  return {
    backend: 'ami',
    dtmf: undefined,
    start: () => undefined,
    isReady: async () => true,
    onLateFailure: undefined,
    close: async () => undefined,
    originate: async (request: OriginateRequest): Promise<OriginateResult> => {
      seen.push(`originate ${request.dialId}`);
      return { ok: true };
    },
  };
}

function dialerWith(seen: string[], onPending: () => unknown): Dialer {
  const config = devConfig({ originate: 'ami', ami_username: 'gag', ami_secret: 'ami-secret-for-tests' });
  return new Dialer({ config: () => config, originator: recordingOriginator(seen), onDial: () => undefined, log: createLogger('silent'), onPending });
}

test('the originate goes out only once the other nodes were told of the dial', async () => {
  const seen: string[] = [];
  let told: () => void = () => undefined;
  const dialer = dialerWith(seen, () => new Promise<void>((resolve) => (told = () => (seen.push('told'), resolve()))));
  const outcome = dialer.dial({ extension: '2001', number: '0312345678', phoneId: undefined, via: 'http' });
  await new Promise((resolve) => setImmediate(resolve));
  expect(seen).toEqual([]);
  told();
  const result = await outcome;
  expect(result.ok).toBe(true);
  expect(seen).toEqual(['told', `originate ${result.ok ? result.dialId : ''}`]);
  dialer.close();
});

test('a share that never answers holds the originate up for SHARE_PENDING_WAIT_MS, no longer', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const seen: string[] = [];
  const dialer = dialerWith(seen, () => new Promise<void>(() => undefined));
  const outcome = dialer.dial({ extension: '2001', number: '0312345678', phoneId: undefined, via: 'http' });
  await vi.advanceTimersByTimeAsync(SHARE_PENDING_WAIT_MS - 1);
  expect(seen).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  expect((await outcome).ok).toBe(true);
  expect(seen).toHaveLength(1);
  dialer.close();
});
