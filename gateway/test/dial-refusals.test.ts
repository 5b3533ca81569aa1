/**
 * Issue 15, item 7: refused dials skipped the rate limit and each wrote a warn line (2,000
 * refused dials in 0.6 s, 2,005 lines). Now every request counts against
 * `dial_rate_limit_per_min`, a refused number too, and refusals are logged as one sampled line
 * per interval with the counts by code.
 */
import { afterEach, expect, test } from 'vitest';
import { startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

test('200 dials to a refused number use up the rate limit and write one warn line; a good number is then rate_limited too', async () => {
  t = await startClickToCall({ backend: 'ami' });
  const phone = await t.phone('2001');
  for (let i = 0; i < 200; i++) phone.send({ type: 'dial', requestId: `r${i}`, number: '010-882-1234' });
  const codes: string[] = [];
  for (let i = 0; i < 200; i++) codes.push((await phone.next('dial_failed')).code);
  expect(codes.slice(0, 6)).toEqual(Array(6).fill('number_not_allowed')); // dial_rate_limit_per_min: 6
  expect(codes.slice(6)).toEqual(Array(194).fill('rate_limited'));
  phone.send({ type: 'dial', requestId: 'good', number: '03-1234-5678' });
  expect(await phone.next('dial_failed')).toMatchObject({ requestId: 'good', code: 'rate_limited' });
  expect(t.ami!.originates).toHaveLength(0);
  const lines = t.logs.filter((l) => l.msg === 'dial refused');
  expect(lines).toEqual([expect.objectContaining({ level: 40, counts: { number_not_allowed: 1 }, exten: '2001', via: 'ws' })]);
  // Every refusal is still counted in /metrics.
  const metrics = (await t.admin('/metrics')).text;
  expect(metrics).toContain('gag_dial_requests_total{result="number_not_allowed",via="ws"} 6');
  expect(metrics).toContain('gag_dial_requests_total{result="rate_limited",via="ws"} 195');
});
