/**
 * The SDK keeps its session's token fresh over the open connection, against a real gateway
 * (docs/protocol.md#token-lifetime): with `getToken` by itself, with a fixed `token` through
 * `tokenWillExpire` and `updateToken()`. Time runs on a fake clock (`setTimeout` and `Date`, on
 * both sides, so jose sees the tokens expire too); the sockets are real.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { GagClient } from '@gag/sdk';
import { browserGlobals } from '@gag/testkit/browser-globals';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TEST_ORIGIN } from '@gag/testkit/phone';
import type { BrowserSession } from '../src/browser/session.js';

/** Tokens of 10 s: the client refreshes 3 s ahead; the gateway lapses a session 5 s after `exp`. */
const TTL_S = 10;
/** Beyond the first token's lapse (exp + 5 s skew), from login. */
const PAST_FIRST_LAPSE_MS = (TTL_S + 5 + 2) * 1000;

const t = gatewayPerTestOnDemand();
let client: GagClient | undefined;
afterEach(() => {
  client?.disconnect();
  client = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** The SDK in Node as in a page: its sockets send the page's Origin. */
const stubBrowser = (): void => void browserGlobals({ origin: TEST_ORIGIN });

/** The gateway's one session for 2001. */
function session(): BrowserSession {
  const phones = t.gw.registry.phonesFor('2001');
  expect(phones).toHaveLength(1);
  return phones[0] as BrowserSession;
}

/** Events a client must not emit while it refreshes. */
function watch(c: GagClient): { connected: number; dropped: number } {
  const seen = { connected: 0, dropped: 0 };
  c.on('connected', () => seen.connected++);
  c.on('disconnected', () => seen.dropped++);
  c.on('reconnecting', () => seen.dropped++);
  return seen;
}

test('with getToken and a short-lived token the client refreshes over the open connection and stays online, with no reconnect', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  await t.start();
  stubBrowser();
  const getToken = vi.fn(() => t.token('2001', TTL_S));
  const c = new GagClient({ url: t.gw.browserUrl, getToken, ringtone: false });
  client = c;
  const seen = watch(c);
  const warned: number[] = [];
  c.on('tokenWillExpire', ({ expiresAt }) => warned.push(expiresAt));
  await c.connect();
  const sessionId = session().id;
  const firstExpiry = session().tokenExpiresAtMs!;

  await vi.advanceTimersByTimeAsync((TTL_S - 2) * 1000); // past the refresh point, 3 s before exp
  await vi.waitFor(() => expect(session().tokenExpiresAtMs).toBeGreaterThan(firstExpiry), { timeout: 2_000 });
  expect(getToken).toHaveBeenCalledTimes(2);
  expect(warned).toEqual([firstExpiry]);

  await vi.advanceTimersByTimeAsync(PAST_FIRST_LAPSE_MS - (TTL_S - 2) * 1000);
  // Another refresh may be on its way: its answer is awaited before looking.
  await vi.waitFor(() => expect(session().tokenExpiresAtMs).toBeGreaterThan(Date.now()), { timeout: 2_000 });
  expect(session().id).toBe(sessionId);
  expect(c.state).toBe('online');
  expect(seen).toEqual({ connected: 1, dropped: 0 });
  expect(t.logs.filter((l) => l.msg === 'token expired: session ends')).toEqual([]);
});

test('with a fixed token the client emits tokenWillExpire, and updateToken() keeps the session past the expiry', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  await t.start();
  stubBrowser();
  const c = new GagClient({ url: t.gw.browserUrl, token: await t.token('2001', TTL_S), ringtone: false });
  client = c;
  const seen = watch(c);
  const warned = new Promise<{ expiresAt: number }>((resolve) => c.once('tokenWillExpire', resolve));
  await c.connect();
  const firstExpiry = session().tokenExpiresAtMs!;

  await vi.advanceTimersByTimeAsync((TTL_S - 2) * 1000);
  expect(await warned).toEqual({ expiresAt: firstExpiry });
  c.updateToken(await t.token('2001', 3_600));
  await vi.waitFor(() => expect(session().tokenExpiresAtMs).toBeGreaterThan(firstExpiry), { timeout: 2_000 });

  await vi.advanceTimersByTimeAsync(PAST_FIRST_LAPSE_MS);
  expect(c.state).toBe('online');
  expect(seen).toEqual({ connected: 1, dropped: 0 });
});

test('with a fixed token and no updateToken() the gateway ends the session at expiry with 4101, and the client reconnects', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  await t.start();
  stubBrowser();
  const c = new GagClient({ url: t.gw.browserUrl, token: await t.token('2001', TTL_S), ringtone: false });
  client = c;
  const disconnected = new Promise<{ code: number; retry: boolean }>((resolve) => c.once('disconnected', resolve));
  await c.connect();
  await vi.advanceTimersByTimeAsync(PAST_FIRST_LAPSE_MS);
  expect(await disconnected).toMatchObject({ code: 4101, retry: true });
});

test('a getToken that keeps failing is retried before the expiry; the 4101 close then reconnects with a fresh token', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  await t.start();
  stubBrowser();
  let calls = 0;
  let failing = false;
  const getToken = vi.fn(async () => {
    calls++;
    if (failing) throw new Error('token endpoint down');
    return t.token('2001', TTL_S);
  });
  const c = new GagClient({ url: t.gw.browserUrl, getToken, ringtone: false });
  client = c;
  await c.connect();
  const firstSession = session().id;
  failing = true;
  const disconnected = new Promise<{ code: number; retry: boolean }>((resolve) => c.once('disconnected', resolve));
  await vi.advanceTimersByTimeAsync(PAST_FIRST_LAPSE_MS);
  expect(await disconnected).toMatchObject({ code: 4101, retry: true });
  expect(calls).toBeGreaterThanOrEqual(3); // the first refresh and its retries, all before the expiry
  expect(calls).toBeLessThanOrEqual(1 + 4);

  failing = false;
  const connected = new Promise<void>((resolve) => c.once('connected', () => resolve()));
  await vi.advanceTimersByTimeAsync(1_000); // the reconnect policy's first delays are at most 0.5 s (+20 %)
  await connected;
  expect(c.state).toBe('online');
  expect(session().id).not.toBe(firstSession);
});
