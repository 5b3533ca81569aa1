import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { browserGlobals, type FakeWindow } from '@gag/testkit/browser-globals';
import { GagClient, type GagClientEvents, type GagClientOptions } from '../src/client.js';
import { GagError } from '../src/errors.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from '../src/reconnect-policy.js';
import { startGatewayStub, type GatewayStub } from './gateway-stub.js';

/** The next `name` event's arguments, waited for with a bound. */
function once(emitter: GagClient, name: keyof GagClientEvents, timeoutMs = 3_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(name, listener as never);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.once(name, listener as never);
  });
}
/** A back-off far longer than any test: an attempt that happens soon was not scheduled by it. */
const SLOW = new DefaultReconnectPolicy({ delaysMs: [60_000], jitter: 0 });

let gateway: GatewayStub | undefined;
let client: GagClient | undefined;
let window: FakeWindow;
let navigator: { onLine: boolean };

beforeEach(() => {
  ({ window, navigator } = browserGlobals());
});

afterEach(async () => {
  client?.disconnect();
  if (client !== undefined && client.state !== 'offline') await once(client, 'state');
  client = undefined;
  await gateway?.close();
  gateway = undefined;
  expect(window.listeners.get('online') ?? 0).toBe(0);
  expect(window.listeners.get('offline') ?? 0).toBe(0);
  vi.unstubAllGlobals();
});

async function connected(options: Partial<GagClientOptions> & { features?: readonly string[] } = {}): Promise<GagClient> {
  const { features, ...rest } = options;
  gateway = await startGatewayStub({ features: features ?? [] });
  client = new GagClient({ url: gateway.url, token: 't', ringtone: false, reconnectPolicy: SLOW, ...rest });
  await client.connect();
  return client;
}

describe('the client and the browser network', () => {
  test('listens for online/offline from connect() to disconnect()', async () => {
    const c = await connected();
    expect(window.listeners.get('online')).toBe(1);
    expect(window.listeners.get('offline')).toBe(1);
    c.disconnect();
    await once(c, 'state');
    expect(c.state).toBe('offline');
    expect(window.listeners.get('online')).toBe(0);
    expect(window.listeners.get('offline')).toBe(0);
  });

  test('coming back online during the back-off wait reconnects at once', async () => {
    const c = await connected();
    const scheduled = once(c, 'reconnecting');
    gateway!.dropAll(1001);
    expect(await scheduled).toEqual([{ attempt: 1, delayMs: 60_000 }]);
    expect(c.state).toBe('reconnecting');

    const now = once(c, 'reconnecting');
    const back = once(c, 'connected');
    window.network(true, navigator);
    expect(await now).toEqual([{ attempt: 2, delayMs: 0 }]);
    await back;
    expect(c.state).toBe('online');
    expect(gateway!.connections).toBe(2);
  });

  test('while the browser is offline no attempt is spent; online resumes at once', async () => {
    const policy: ReconnectPolicy = { nextRetryDelayMs: vi.fn(() => 0) };
    const c = await connected({ reconnectPolicy: policy });
    const reconnecting = vi.fn();
    c.on('reconnecting', reconnecting);
    window.network(false, navigator);
    expect(c.state).toBe('online'); // a blip need not end the connection: the socket decides

    const dropped = once(c, 'disconnected');
    gateway!.dropAll(1001);
    expect(await dropped).toEqual([{ code: 1001, reason: 'going away', retry: true }]);
    // Paused: the policy (which says "at once") was never asked, nothing is scheduled.
    expect(c.state).toBe('reconnecting');
    expect(policy.nextRetryDelayMs).not.toHaveBeenCalled();
    expect(reconnecting).not.toHaveBeenCalled();
    expect(gateway!.connections).toBe(1);

    const back = once(c, 'connected');
    window.network(true, navigator);
    await back;
    expect(reconnecting.mock.calls).toEqual([[{ attempt: 1, delayMs: 0 }]]);
    expect(policy.nextRetryDelayMs).not.toHaveBeenCalled();
    expect(gateway!.connections).toBe(2);
  });

  test('offline during the back-off wait cancels the scheduled attempt', async () => {
    const c = await connected();
    const scheduled = once(c, 'reconnecting');
    gateway!.dropAll(1001);
    await scheduled;
    window.network(false, navigator);
    window.network(false, navigator); // twice: still one attempt when back
    const back = once(c, 'connected');
    window.network(true, navigator);
    await back;
    expect(gateway!.connections).toBe(2);
  });

  test('online while connected or after disconnect() does nothing', async () => {
    const c = await connected();
    window.network(true, navigator);
    expect(c.state).toBe('online');
    c.disconnect();
    await once(c, 'state');
    window.network(true, navigator);
    expect(c.state).toBe('offline');
    expect(gateway!.connections).toBe(1);
  });
});

describe('round-trip time to the gateway', () => {
  test('a gateway that lists ping answers it, and the client measures the round trip', async () => {
    const c = await connected({ features: ['ping', 'something-newer'] });
    const rttMs = await c.measureRtt({ timeoutMs: 2_000 });
    expect(rttMs).not.toBeNull();
    expect(rttMs).toBeGreaterThanOrEqual(0);
    expect(rttMs).toBeLessThan(2_000);
    expect(gateway!.received.filter((m) => m.type === 'ping')).toEqual([{ type: 'ping', id: 0 }]);
  });

  test('an older gateway (no ping feature) is never sent a ping: the round trip is null', async () => {
    const c = await connected();
    expect(await c.measureRtt()).toBeNull();
    expect(gateway!.received.map((m) => m.type)).toEqual(['hello']);
  });

  test('a ping without a pong resolves null at its timeout, and an aborted one at once', async () => {
    gateway = await startGatewayStub({ features: ['ping'], answerPings: false });
    client = new GagClient({ url: gateway.url, token: 't', ringtone: false, reconnectPolicy: SLOW });
    await client.connect();
    expect(await client.measureRtt({ timeoutMs: 50 })).toBeNull();
    const controller = new AbortController();
    const aborted = client.measureRtt({ timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    expect(await aborted).toBeNull();
  });

  test('a ping in flight resolves null when the connection drops', async () => {
    gateway = await startGatewayStub({ features: ['ping'], answerPings: false });
    client = new GagClient({ url: gateway.url, token: 't', ringtone: false, reconnectPolicy: SLOW });
    await client.connect();
    const pending = client.measureRtt({ timeoutMs: 60_000 });
    gateway.dropAll(1001);
    expect(await pending).toBeNull();
  });

  test('measuring needs a connection and a sane timeout', async () => {
    gateway = await startGatewayStub();
    const c = new GagClient({ url: gateway.url, token: 't', ringtone: false });
    await expect(c.measureRtt()).rejects.toMatchObject({ code: 'GAG_NOT_CONNECTED' });
    await expect(c.measureRtt({ timeoutMs: 0 })).rejects.toBeInstanceOf(GagError);
  });
});

describe('client options', () => {
  test('a ringtone option that is not a boolean is refused, naming the option', () => {
    expect(() => new GagClient({ url: 'ws://127.0.0.1:1', token: 't', ringtone: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'GAG_OPTIONS_INVALID', message: expect.stringContaining('ringtone') }),
    );
  });
});
