/**
 * Bugs found in review, each pinned by the test that first failed: a peer's input must never
 * take the process down, freeze it, or leave a call or a registration behind.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { roundTrip } from '@gag/testkit/round-trip';
import { parseGroupsConfig } from '../src/config/groups.js';
import { LegacyTestPhone } from './legacy-phone.js';
import { clientFrame, rawUpgrade } from './raw-peer.js';

const t = gatewayPerTestOnDemand();

/** A masked client frame of any length (binary by default). */
function clientFrameLong(payload: Buffer, opcode: 1 | 2 = 2): Buffer {
  const head = payload.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | payload.length]) : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]); // mask 0: the payload goes as is
}

/** A masked TEXT frame, as Asterisk (a WebSocket client) sends it. */
const asteriskText = (text: string): Buffer => clientFrameLong(Buffer.from(text), 1);

/** Stop reading a ws client's socket: the peer goes quiet but stays connected. */
function pause(ws: object): void {
  (ws as { _socket: Socket })._socket.pause();
}

describe('a peer cannot take the gateway down', () => {
  test('a bad message with a long multibyte value closes with 4000 and a reason of at most 123 bytes', async () => {
    await t.start();
    const phone = new TestPhone(t.gw.browserUrl);
    await new Promise((r) => phone.ws.once('open', r));
    phone.ws.send(JSON.stringify({ type: 'あ'.repeat(60) }));
    const { code, reason } = await phone.closed;
    expect(code).toBe(4000);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    const other = await t.phone('2001'); // the process is alive and serving
    expect(other.ws.readyState).toBe(other.ws.OPEN);
  });

  test('a bad frame from a second legacy login after BUSY closes only that socket', async () => {
    await t.start();
    const token = await t.token('2001');
    const first = await LegacyTestPhone.connect(t.gw.browserUrl, { token });
    // Invalid UTF-8 in a TEXT frame, already in the buffer when the BUSY close starts.
    const second = await rawUpgrade(t.gw.browserUrl, `/phone?token=${token}`, { Origin: TEST_ORIGIN }, clientFrame(1, Buffer.from([0xc3, 0x28])));
    await once(second, 'close');
    expect(first.ws.readyState).toBe(first.ws.OPEN);
    const call = await t.asterisk.call('ws-ext-2001');
    await first.next('RINGING');
    await call.hangup();
  });

  test('two callers to a sequential group whose member is a busy legacy phone do not freeze the gateway', async () => {
    const groups = parseGroupsConfig('gag_groups.json', { G01: { strategy: 'sequential', members: ['201'], timeout: 30 } });
    await t.start({}, { groups });
    const legacy = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('201') });
    const a = await t.asterisk.call('ws-ext-G01');
    await legacy.next('RINGING');
    const b = await t.asterisk.call('ws-ext-G01'); // the only member already rings for a
    // b ends within a bound, as the group has no free member, instead of going round it for ever.
    await expect.poll(() => b.state, { timeout: 2_000 }).toBe('ended');
    expect(await b.ended).toMatchObject({ by: 'app-hangup' });
    await roundTrip(legacy.ws); // all the gateway sent before has arrived
    expect(legacy.words).toEqual([]); // the busy phone heard nothing of b
    legacy.send('ANSWER'); // and the gateway still serves a
    await a.answered;
    await a.hangup();
  });
});

describe('nothing is left behind', () => {
  test('after the browser hangs up, no more audio from an Asterisk slow to close reaches it', async () => {
    await t.start();
    const phone = await t.phone('2001');
    // An Asterisk that keeps sending audio after HANGUP until the gateway cuts it.
    const asterisk = await rawUpgrade(t.gw.asteriskUrl, '/', { 'Sec-WebSocket-Protocol': 'media' });
    asterisk.write(asteriskText('MEDIA_START connection_id:ws-ext-2001 channel:WebSocket/ws-ext-2001/0x1 format:slin16 optimal_frame_size:640'));
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await phone.next('answered');
    const frame = clientFrameLong(Buffer.alloc(FRAME_BYTES, 7));
    let pumped = 0;
    const pump = setInterval(() => asterisk.write(frame, () => pumped++), 5);
    try {
      await expect.poll(() => phone.audio.length).toBeGreaterThan(2);
      phone.send({ type: 'hangup', callId });
      await phone.next('ended');
      const atEnd = phone.audio.length;
      const pumpedAtEnd = pumped;
      await expect.poll(() => pumped - pumpedAtEnd).toBeGreaterThanOrEqual(20); // Asterisk goes on sending
      phone.ws.ping();
      await once(phone.ws, 'pong'); // everything the gateway sent before the pong has arrived
      expect(phone.audio.length - atEnd).toBeLessThanOrEqual(1); // at most one frame already in flight
    } finally {
      clearInterval(pump);
      asterisk.destroy();
    }
  });

  test('a phone we close that never answers our close frame leaves the registry at once', async () => {
    await t.start();
    const hello = clientFrameLong(Buffer.from(JSON.stringify({ type: 'hello', token: await t.token('2001') })), 1);
    const raw = await rawUpgrade(t.gw.browserUrl, '/phone', { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': 'gag.v1' }, hello);
    await expect.poll(() => t.gw.registry.sessionsFor('2001').length).toBe(1);
    raw.write(clientFrame(2, Buffer.alloc(3))); // not whole frames: the gateway closes with 4001; we never answer
    await expect.poll(() => t.gw.registry.sessionsFor('2001').length, { timeout: 2_000 }).toBe(0);
    const call = await t.asterisk.call('ws-ext-2001');
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
    raw.destroy();
  });

  test('a phone that answers one call stops ringing for the others', async () => {
    await t.start();
    const phone = await t.phone('2001');
    const a = await t.asterisk.call('ws-ext-2001');
    const ia = await phone.next('incoming');
    const b = await t.asterisk.call('ws-ext-2001');
    const ib = await phone.next('incoming');
    phone.send({ type: 'answer', callId: ia.callId });
    await a.answered;
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId: ib.callId, reason: 'rejected' });
    expect(await b.ended).toMatchObject({ by: 'app-hangup' });
    await a.hangup();
  });

  test('shutdown does not wait for a browser that stopped reading', async () => {
    await t.start();
    const phone = await t.phone('2001');
    pause(phone.ws);
    const started = Date.now();
    await t.gw.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
