/**
 * The SDK's `client.dial()` against a real gateway and a fake AMI: the browser side of
 * click-to-call, from the request to the call back marked outbound.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { DialError, GagClient, type Call } from '@gag/sdk';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import { startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall;
let client: GagClient | undefined;
afterEach(async () => {
  client?.disconnect();
  client = undefined;
  vi.unstubAllGlobals();
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
});

async function online(extension: string): Promise<GagClient> {
  browserGlobals({ origin: TEST_ORIGIN }); // the SDK's sockets send the page's Origin, as a browser's do
  const c = new GagClient({ url: t.gw.browserUrl, token: await t.token(extension), ringtone: false });
  await c.connect();
  client = c;
  return c;
}

test('client.dial() resolves with the dialId, and the call back arrives marked outbound with that id', async () => {
  t = await startClickToCall({ backend: 'ami' });
  const c = await online('2001');
  expect(c.canDial).toBe(true);
  const incoming = new Promise<Call>((resolve) => c.once('incoming', resolve));
  const dialing = await c.dial('03-1234-5678');
  expect(dialing).toEqual({ dialId: expect.any(String), number: '0312345678' });
  const call = await incoming;
  expect(call).toMatchObject({ outbound: true, dialedNumber: '0312345678', dialId: dialing.dialId, dialedHere: true });
  call.reject();
  await expect.poll(() => t.gw.router.calls.length).toBe(0);
});

test('a call back this client did not ask for (POST /api/calls with its token) is outbound but not dialedHere: it rings', async () => {
  t = await startClickToCall({ backend: 'ami' });
  const c = await online('2001');
  const incoming = new Promise<Call>((resolve) => c.once('incoming', resolve));
  const posted = await t.http('/api/calls', {
    method: 'POST',
    headers: { Authorization: `Bearer ${await t.token('2001')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ number: '0312345678' }),
  });
  expect(posted.status).toBe(202);
  const call = await incoming;
  expect(call).toMatchObject({ outbound: true, dialedNumber: '0312345678', dialedHere: false, state: 'ringing' });
  call.reject();
  await expect.poll(() => t.gw.router.calls.length).toBe(0);
});

test("POST /api/calls naming this client's session (welcome.sessionId) makes the call back its own: dialedHere, and only it rings", async () => {
  t = await startClickToCall({ backend: 'ami' });
  const c = await online('2001');
  const [session] = t.gw.registry.phonesFor('2001');
  const incoming = new Promise<Call>((resolve) => c.once('incoming', resolve));
  const api = (body: object): Promise<{ status: number; json: unknown }> =>
    t.token('2001').then((token) => t.http('/api/calls', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
  expect(await api({ number: '0312345678', session: 'not-a-session' })).toMatchObject({ status: 422, json: { error: { code: 'session_not_found' } } });
  expect((await api({ number: '0312345678', session: session!.id })).status).toBe(202);
  const call = await incoming;
  expect(call).toMatchObject({ outbound: true, dialedNumber: '0312345678', dialedHere: true });
  call.reject();
  await expect.poll(() => t.gw.router.calls.length).toBe(0);
});

test('a number outside the allow-list rejects with DialError number_not_allowed', async () => {
  t = await startClickToCall({ backend: 'ami' });
  const c = await online('2001');
  const error = await c.dial('+1 555 0100').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DialError);
  expect(error).toMatchObject({ code: 'GAG_DIAL_FAILED', reason: 'number_not_allowed' });
});

test('a gateway without click-to-call says not_enabled without asking it', async () => {
  t = await startClickToCall({ backend: 'none' });
  const c = await online('2001');
  expect(c.canDial).toBe(false);
  await expect(c.dial('0312345678')).rejects.toMatchObject({ reason: 'not_enabled' });
});
