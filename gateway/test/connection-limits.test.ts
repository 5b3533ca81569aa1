/**
 * Issue 15, item 1: the browser endpoint's limits. Connections that have not logged in are
 * refused before the upgrade past `max_pending_connections` (503) or `max_pending_per_ip` (429);
 * logins past `max_sessions_per_extension` (4200) or `max_sessions_per_token` (4201) are closed.
 * Each refusal is counted in `/metrics` and the lot is logged as one sampled line.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { CLOSE, PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { rawUpgrade } from './raw-peer.js';

const t = gatewayPerTestOnDemand();
const raws: Socket[] = [];
afterEach(() => {
  for (const raw of raws.splice(0)) raw.destroy();
});

/** A gag.v1 upgrade that never says hello. */
async function silentPeer(): Promise<Socket> {
  const raw = await rawUpgrade(t.gw.browserUrl, PHONE_PATH, { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': SUBPROTOCOL });
  raws.push(raw);
  return raw;
}

/** The HTTP status a refused upgrade got. */
async function refusedStatus(): Promise<string> {
  const error = await silentPeer().then(
    () => new Error('upgraded'),
    (e: Error) => e,
  );
  return error.message;
}

/** `gag_connections_refused_total{reason}` from `/metrics`. */
async function refusedCount(reason: string): Promise<number> {
  const text = await (await fetch(`${t.gw.browserUrl.replace('ws', 'http')}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gag_connections_refused_total{reason="${reason}"}`));
  return Number(line?.split(' ')[1]);
}

const limitLines = (): unknown[] => t.logs.filter((l) => l.msg === 'connections refused: limit');

test('past max_pending_per_ip an address gets 429 before the upgrade, counted, in one sampled log line', async () => {
  await t.start({ max_pending_per_ip: 3 });
  for (let i = 0; i < 3; i++) await silentPeer();
  for (let i = 0; i < 20; i++) expect(await refusedStatus()).toBe('upgrade answered 429');
  expect(await refusedCount('pending_per_ip')).toBe(20);
  expect(limitLines()).toEqual([expect.objectContaining({ level: 40, counts: { pending_per_ip: 1 }, ip: '127.0.0.1' })]);
  // Once the silent peers are gone the address may log in again.
  for (const raw of raws.splice(0)) raw.destroy();
  const token = await t.token('2001');
  await expect.poll(() => TestPhone.login(t.gw.browserUrl, token).then((p) => (p.close(), true), () => false)).toBe(true);
});

test('past max_pending_connections every address gets 503 before the upgrade; a logged-in phone still rings', async () => {
  await t.start({ max_pending_connections: 4 });
  const phone = await t.phone('2001'); // logged in: no longer pending
  for (let i = 0; i < 4; i++) await silentPeer();
  for (let i = 0; i < 10; i++) expect(await refusedStatus()).toBe('upgrade answered 503');
  expect(await refusedCount('pending_total')).toBe(10);
  expect(limitLines()).toHaveLength(1);
  const call = await t.asterisk.call('ws-ext-2001');
  await phone.next('incoming');
  call.hangup();
  await phone.next('ended');
});

test('a handshake ws refuses itself (a bad Sec-WebSocket-Version) gives its pending slot back', async () => {
  await t.start({ max_pending_connections: 2 });
  for (let i = 0; i < 5; i++) {
    const refused = await rawUpgrade(t.gw.browserUrl, PHONE_PATH, { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': SUBPROTOCOL, 'Sec-WebSocket-Version': '12' }).then(
      () => 'upgraded',
      (e: Error) => e.message,
    );
    expect(refused).toBe('upgrade answered 400');
  }
  // Both slots are free: two silent peers are still let in (before, the third handshake got 503).
  await silentPeer();
  await silentPeer();
});

test('past max_sessions_per_extension a login is closed with 4200 (no retry); the others still ring', async () => {
  await t.start({ max_sessions_per_extension: 2 });
  const a = await t.phone('2001');
  const b = await t.phone('2001');
  const third = new TestPhone(t.gw.browserUrl);
  await once(third.ws, 'open');
  third.send({ type: 'hello', token: await t.token('2001') });
  expect(await third.closed).toEqual({ code: CLOSE.EXTENSION_FULL.code, reason: expect.stringContaining('max_sessions_per_extension') });
  expect(CLOSE.EXTENSION_FULL.retry).toBe(false);
  expect(await refusedCount('sessions_per_extension')).toBe(1);
  expect(t.gw.registry.phonesFor('2001')).toHaveLength(2);
  await t.phone('2002'); // another extension is not limited by 2001's sessions
  const call = await t.asterisk.call('ws-ext-2001');
  await Promise.all([a.next('incoming'), b.next('incoming')]);
  call.hangup();
  await Promise.all([a.next('ended'), b.next('ended')]);
});

test('past max_sessions_per_token a login with the same token is closed with 4201; another token logs in', async () => {
  await t.start({ max_sessions_per_token: 2 });
  const token = await t.token('2001');
  await TestPhone.login(t.gw.browserUrl, token);
  const second = await TestPhone.login(t.gw.browserUrl, token);
  const third = new TestPhone(t.gw.browserUrl);
  await once(third.ws, 'open');
  third.send({ type: 'hello', token });
  expect((await third.closed).code).toBe(CLOSE.TOKEN_IN_USE.code);
  expect(await refusedCount('sessions_per_token')).toBe(1);
  expect(limitLines()).toEqual([expect.objectContaining({ counts: { sessions_per_token: 1 }, exten: '2001' })]);
  await TestPhone.login(t.gw.browserUrl, await t.token('2001', 120)); // its own token (minted in the same second, so another lifetime)
  // A session that leaves gives its place back.
  second.close();
  await expect.poll(() => t.gw.registry.phonesFor('2001').length).toBe(2);
  (await TestPhone.login(t.gw.browserUrl, token)).close();
});
