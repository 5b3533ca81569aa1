import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { tone } from '@gag/e2e';
import { analyseTone, floatToS16le, sineFloat } from '@gag/e2e/tones';
import { ARI_PASSWORD, startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall;
afterEach(async () => {
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
  expect(t.gw.dialer.pending).toHaveLength(0);
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('click-to-call through ARI', () => {
  test('POST /ari/channels with Basic auth rings the asker back marked outbound; answered, the call carries audio', async () => {
    t = await startClickToCall({ backend: 'ari', config: { originate_caller_id: '<{ext}>', ring_timeout_ms: 20_000 } });
    const phone = await t.phone('2001');
    expect(phone.welcome.features).toEqual(['ping', 'token_refresh', 'dial']);
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const originate = await t.ari!.nextOriginate();
    const { dialId } = await phone.next('dialing');
    expect(originate).toMatchObject({
      endpoint: 'Local/2001@inhouse',
      context: 'outgoing',
      extension: '0312345678',
      priority: '1',
      callerId: '<2001>',
      timeoutS: 20,
      formats: 'slin16',
      variables: { __GAG_DIAL_ID: dialId },
    });
    expect(originate.request).toMatchObject({ method: 'POST', path: '/ari/channels', authorized: true });

    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', outbound: true, dialedNumber: '0312345678', dialId });
    const call = (await originate.call)!;
    call.play(tone(440));
    phone.send({ type: 'answer', callId: incoming.callId });
    await call.answered;
    const bytes = floatToS16le(sineFloat(1000, 16_000, 10 * (FRAME_BYTES / 2), 0.5));
    for (let i = 0; i < 10; i++) phone.ws.send(bytes.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(10);
    expect(Math.abs(analyseTone(call.received.samples(), 16_000).hz - 1000)).toBeLessThanOrEqual(20);
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(0);
    await call.hangup();
    expect(await phone.next('ended')).toMatchObject({ callId: incoming.callId, reason: 'remote_hangup' });
    expect(JSON.stringify(t.logs)).not.toContain(ARI_PASSWORD);
  });

  test.each([
    [400, 'Allocation failed', 'originate_failed', 'Asterisk refused the originate (HTTP 400: Allocation failed)'],
    [404, 'Endpoint not found', 'originate_failed', 'Asterisk refused the originate (HTTP 404: Endpoint not found)'],
    [500, 'Internal Server Error', 'originate_failed', 'Asterisk refused the originate (HTTP 500: Internal Server Error)'],
    [503, 'Service Unavailable', 'originate_failed', 'Asterisk refused the originate (HTTP 503: Service Unavailable)'],
  ] as const)('ARI answering %i is reported to the user as %s', async (status, ariMessage, code, message) => {
    t = await startClickToCall({ backend: 'ari' });
    const phone = await t.phone('2001');
    t.ari!.respondNext(status, ariMessage);
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toEqual({ type: 'dial_failed', requestId: 'r1', code, message });
    expect(t.asterisk.calls.size).toBe(0);
  });

  test('ARI refusing our credentials (401) is asterisk_login_failed, and /readyz says not ready', async () => {
    t = await startClickToCall({ backend: 'ari', config: { ari_password: 'not-the-password' } });
    const phone = await t.phone('2001');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toEqual({
      type: 'dial_failed',
      requestId: 'r1',
      code: 'asterisk_login_failed',
      message: "Asterisk refused the gateway's ARI credentials (HTTP 401)",
    });
    expect(t.ari!.requests.every((r) => !r.authorized)).toBe(true);
    const ready = await t.http('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ ready: false, checks: { originate: 'not_ready' } });
    expect(JSON.stringify(t.logs)).not.toContain('not-the-password');
  });

  test('ARI not answering at all is asterisk_unreachable', async () => {
    t = await startClickToCall({ backend: 'ari', config: { ari_url: `http://127.0.0.1:${await closedPort()}` } });
    const phone = await t.phone('2001');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const failed = await phone.next('dial_failed', 6_000);
    expect(failed).toMatchObject({ requestId: 'r1', code: 'asterisk_unreachable' });
    expect(failed.message).toMatch(/^Asterisk's ARI at 127\.0\.0\.1:\d+ did not answer/);
  });

  test('/readyz pings ARI and is ready while it answers', async () => {
    t = await startClickToCall({ backend: 'ari' });
    const ready = await t.http('/readyz');
    expect(ready).toMatchObject({ status: 200, json: { ready: true, checks: { asteriskListener: true, browserListener: true, originate: 'ready' } } });
    expect(t.ari!.requests.at(-1)).toMatchObject({ method: 'GET', path: '/ari/asterisk/ping', authorized: true });
  });
});
