/**
 * Bad input from a browser on `/phone` (gag.v1), one connection per case, while a healthy call
 * talks on the same gateway: each case asserts the close code and reason the gateway sent that
 * one connection, its log line, what happened to the bad connection's own call, and that the
 * healthy call still carries its tones.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { FRAME_BYTES, PHONE_PATH, SUBPROTOCOL, WIRE_RATE_HZ, type ClientMessage } from '@gag/sdk/protocol';
import { type FakeCall } from '@gag/e2e';
import { floatToS16le, sineFloat } from '@gag/e2e/tones';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { rawUpgrade } from '../raw-peer.js';
import { closeReason } from '../../src/net/ws-close.js';
import { healthyGateway } from './healthy-call.js';

const g = healthyGateway();
const MIB = 1024 * 1024;

/** Where the bad connection is when it misbehaves. */
type Stage = 'open' | 'ready' | 'talking';

interface Bad {
  readonly phone: TestPhone;
  /** The call it talks in (stage `talking`). */
  readonly call: FakeCall | undefined;
  readonly callId: string | undefined;
}

/** A connection at `stage`: upgraded but silent, logged in as 2002, or talking in a call from Asterisk. */
async function badAt(stage: Stage): Promise<Bad> {
  if (stage === 'open') {
    const phone = new TestPhone(g.t.gw.browserUrl);
    onTestFinished(() => phone.close());
    await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
    return { phone, call: undefined, callId: undefined };
  }
  if (stage === 'ready') return { phone: await g.phone('2002'), call: undefined, callId: undefined };
  return g.talking('2002');
}

/** One message: TEXT (a string, or raw bytes sent as TEXT) or BINARY. */
type Frame = { readonly text: string | Buffer } | { readonly binary: Buffer };
const json = (value: unknown): string => JSON.stringify(value);
const closing = (code: number, reason: string) => ({ close: { code, reason }, log: { msg: 'closing browser connection', side: 'browser', code, reason } });
const wsError = (code: number, err: string) => ({ close: { code, reason: '' }, log: { msg: 'browser socket error', side: 'browser', err } });
/** 640 bytes of a 1 kHz tone: what a browser sends as audio. */
const AUDIO = floatToS16le(sineFloat(1_000, WIRE_RATE_HZ, FRAME_BYTES / 2, 0.5));

describe('the connection is closed with a code and a reason', () => {
  test.each([
    { name: 'a TEXT message that is not JSON', stage: 'ready', send: () => ({ text: 'ANSWER' }), ...closing(4000, 'client message is not JSON') },
    {
      name: 'a message of unknown type',
      stage: 'ready',
      send: () => ({ text: json({ type: 'dance' }) }),
      ...closing(4000, 'client message: type: Invalid type: Expected ("hello" | "answer" | "reject" | "hangup" | "ping" | "dial" | "dtmf" | "token" | "board" | "supervise" | "unsupervise") but received "dance"'),
    },
    {
      name: 'answer without callId',
      stage: 'ready',
      send: () => ({ text: json({ type: 'answer' }) }),
      ...closing(4000, 'client message: callId: Invalid key: Expected "callId" but received undefined'),
    },
    {
      name: 'a ping whose id is negative',
      stage: 'ready',
      send: () => ({ text: json({ type: 'ping', id: -1 }) }),
      ...closing(4000, 'client message: id: Invalid value: Expected >=0 but received -1'),
    },
    { name: 'a control message over 16 KiB (20,000 bytes)', stage: 'ready', send: () => ({ text: json({ type: 'ping', id: 1, pad: 'x'.repeat(20_000) }) }), ...closing(4000, 'client message too long') },
    { name: 'hello sent twice', stage: 'ready', send: () => ({ text: json({ type: 'hello', token: 'again' }) }), ...closing(4000, 'hello sent twice') },
    { name: 'a first message that is not hello', stage: 'open', send: () => ({ text: json({ type: 'answer', callId: 'c1' }) }), ...closing(4000, 'the first message must be hello') },
    { name: 'audio before welcome', stage: 'open', send: () => ({ binary: AUDIO }), ...closing(4000, 'audio before welcome') },
    {
      name: 'control sent as BINARY (the reverse of text for audio)',
      stage: 'talking',
      send: (callId: string) => ({ binary: Buffer.from(json({ type: 'hangup', callId })) }),
      ...closing(4001, 'audio must be whole 640-byte frames of slin16, got 65 bytes'),
    },
    { name: 'a 0-byte BINARY message', stage: 'talking', send: () => ({ binary: Buffer.alloc(0) }), ...closing(4001, 'audio must be whole 640-byte frames of slin16, got 0 bytes') },
    { name: 'an odd-sized frame (641 bytes)', stage: 'talking', send: () => ({ binary: Buffer.alloc(FRAME_BYTES + 1) }), ...closing(4001, 'audio must be whole 640-byte frames of slin16, got 641 bytes') },
    { name: 'audio sent as TEXT (text where audio is expected)', stage: 'talking', send: () => ({ text: AUDIO }), ...wsError(1007, 'Invalid WebSocket frame: invalid UTF-8 sequence') },
    { name: 'a TEXT message that is not UTF-8', stage: 'ready', send: () => ({ text: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }), ...wsError(1007, 'Invalid WebSocket frame: invalid UTF-8 sequence') },
    { name: 'oversized audio (51 whole frames, 32,640 bytes)', stage: 'talking', send: () => ({ binary: Buffer.alloc(51 * FRAME_BYTES) }), ...wsError(1009, 'Max payload size exceeded') },
    { name: 'a 1 MB BINARY message', stage: 'talking', send: () => ({ binary: Buffer.alloc(MIB, 3) }), ...wsError(1009, 'Max payload size exceeded') },
    { name: 'a 1 MB TEXT message', stage: 'ready', send: () => ({ text: json({ type: 'hello', token: 'x'.repeat(MIB) }) }), ...wsError(1009, 'Max payload size exceeded') },
  ] as const)('$name', async ({ stage, send, close, log }) => {
    const bad = await badAt(stage);
    const frame: Frame = send(bad.callId ?? '');
    if ('text' in frame) bad.phone.ws.send(frame.text, { binary: false });
    else bad.phone.ws.send(frame.binary, { binary: true });
    // The reason is cut to 123 bytes on the wire (RFC 6455); the log line has all of it.
    expect(await bad.phone.closed).toEqual({ ...close, reason: closeReason(close.reason) });
    expect(g.logs).toContainEqual(expect.objectContaining(log));
    // Its own call ends with HANGUP towards Asterisk.
    if (bad.call !== undefined) expect(await bad.call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    await g.healthy.stillFlows();
  });

  test('a message sent while the token is being checked closes with 4000', async () => {
    const { phone } = await badAt('open');
    phone.send({ type: 'hello', token: await g.t.token('2002') });
    phone.send({ type: 'ping', id: 1 }); // before welcome
    expect(await phone.closed).toEqual({ code: 4000, reason: 'wait for welcome before sending' });
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'closing browser connection', code: 4000, reason: 'wait for welcome before sending' }));
    await g.healthy.stillFlows();
  });
});

/** The close frame the gateway sends on a raw socket: its code and reason (server frames are unmasked). */
async function closeFrameOn(socket: Socket): Promise<{ code: number; reason: string }> {
  let bytes = Buffer.alloc(0);
  for await (const chunk of socket.iterator({ destroyOnReturn: true })) {
    bytes = Buffer.concat([bytes, chunk as Buffer]);
    const length = bytes[1]! & 0x7f;
    if (bytes.length >= 2 + length) {
      expect(bytes[0]).toBe(0x88); // FIN + close
      return { code: bytes.readUInt16BE(2), reason: bytes.subarray(4, 2 + length).toString('utf8') };
    }
  }
  throw new Error('closed without a close frame');
}

describe('frames no WebSocket client sends', () => {
  test.each([
    { name: 'a frame with the reserved opcode 3', frame: Buffer.from([0x83, 0x80, 0, 0, 0, 0]), err: 'Invalid WebSocket frame: invalid opcode 3' },
    { name: 'an unmasked client frame', frame: Buffer.from([0x81, 0x02, 0x7b, 0x7d]), err: 'Invalid WebSocket frame: MASK must be set' },
    { name: 'a ping frame with 126 bytes (control frames hold at most 125)', frame: Buffer.concat([Buffer.from([0x89, 0xfe, 0, 126, 0, 0, 0, 0]), Buffer.alloc(126)]), err: 'Invalid WebSocket frame: invalid payload length 126' },
  ])('$name: 1002 and a warn line', async ({ frame, err }) => {
    const socket = await rawUpgrade(g.t.gw.browserUrl, PHONE_PATH, { Origin: TEST_ORIGIN, 'Sec-WebSocket-Protocol': SUBPROTOCOL });
    onTestFinished(() => void socket.destroy());
    socket.write(frame);
    expect(await closeFrameOn(socket)).toEqual({ code: 1002, reason: '' });
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'browser socket error', side: 'browser', err }));
    await g.healthy.stillFlows();
  });
});

describe('the connection stays up', () => {
  test('a flood of 5,000 pings is answered in order, and nothing else changes', async () => {
    const { phone } = await badAt('ready');
    for (let id = 0; id < 5_000; id++) phone.send({ type: 'ping', id });
    await expect.poll(() => phone.messages.length, { timeout: 5_000 }).toBe(5_000);
    expect(phone.messages.map((m) => (m.type === 'pong' ? m.id : -1))).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    await g.healthy.stillFlows();
  });

  test('a flood of 5,000 answers, rejects and hangups for unknown call ids is dropped with a debug line each', async () => {
    const { phone } = await badAt('ready');
    const verbs = ['answer', 'reject', 'hangup'] as const;
    for (let i = 0; i < 5_000; i++) phone.send({ type: verbs[i % 3]!, callId: `no-such-call-${i}` } as ClientMessage);
    phone.send({ type: 'ping', id: 7 });
    expect(await phone.next('pong', 5_000)).toEqual({ type: 'pong', id: 7 }); // read in order: all 5,000 were handled
    expect(g.logs.filter((l) => l.msg === 'message for no call of this session')).toHaveLength(5_000);
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    await g.healthy.stillFlows();
  });

  test('a dial to a gateway that did not offer it gets dial_failed not_enabled', async () => {
    const { phone } = await badAt('ready');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toMatchObject({ requestId: 'r1', code: 'not_enabled' });
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    await g.healthy.stillFlows();
  });

  test('a "__proto__" key is data, not a prototype: the message is an answer for no call', async () => {
    const { phone } = await badAt('ready');
    phone.ws.send('{"type":"answer","callId":"c-proto","__proto__":{"type":"hello","polluted":true}}');
    phone.send({ type: 'ping', id: 1 });
    await phone.next('pong');
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'message for no call of this session', callId: 'c-proto' }));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(phone.ws.readyState).toBe(phone.ws.OPEN);
    await g.healthy.stillFlows();
  });
});
