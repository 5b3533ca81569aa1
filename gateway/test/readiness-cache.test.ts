/**
 * Issue 15, item 5: `/readyz` is open to anyone, so it must never make a request to Asterisk.
 * ARI is pinged in the background every ARI_READY_INTERVAL_MS (5 s) and `/readyz` (and the
 * `gag_originate_ready` gauge) read the last answer. Before, every `/readyz` made one
 * authenticated ARI ping: 300 requests, 300 pings.
 */
import { afterEach, expect, test } from 'vitest';
import { startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

test('300 anonymous /readyz and 20 /metrics scrapes make no ARI ping beyond the background one', async () => {
  t = await startClickToCall({ backend: 'ari' });
  const c = t;
  const pings = (): number => c.ari!.requests.filter((r) => r.path === '/ari/asterisk/ping').length;
  expect((await c.http('/readyz')).json).toMatchObject({ ready: true, checks: { originate: 'ready' } });
  const before = pings();
  expect(before).toBe(1); // the first background check, at start
  for (let round = 0; round < 10; round++) {
    const answers = await Promise.all(Array.from({ length: 30 }, () => c.http('/readyz')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await c.admin('/metrics')).text).toContain('gag_originate_ready 1');
    expect((await c.admin('/metrics')).status).toBe(200);
  }
  // Only the 5 s background ping may have run meanwhile (a loaded machine can take that long).
  expect(pings() - before).toBeLessThanOrEqual(1);
});
