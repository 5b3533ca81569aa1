/**
 * Bad input on the Asterisk port, one socket per case, while a healthy call talks on the same
 * gateway: each case asserts what the gateway did to that one socket (close code and reason, or
 * the command it sent), the log line, and that the healthy call still carries its tones.
 */
import { describe, expect, test } from 'vitest';
import { FRAME_BYTES, MAX_ASTERISK_MESSAGE_BYTES } from '@gag/sdk/protocol';
import type { TestPhone } from '@gag/testkit/phone';
import { healthyGateway } from './healthy-call.js';
import { mediaStart, type RogueAsterisk } from './rogue-asterisk.js';

const g = healthyGateway();

const ROGUE = 'ws-ext-2002';
const MIB = 1024 * 1024;

/** Where the rogue socket is when it misbehaves. */
type Stage = 'fresh' | 'ringing' | 'talking';

/** A rogue socket at `stage`: fresh (just upgraded), or its call ringing phone 2002, or answered by it. */
async function rogueAt(stage: Stage): Promise<{ rogue: RogueAsterisk; phone: TestPhone | undefined }> {
  const rogue = await g.rogue();
  if (stage === 'fresh') return { rogue, phone: undefined };
  const phone = await g.phone('2002');
  rogue.text(mediaStart(ROGUE));
  const { callId } = await phone.next('incoming');
  if (stage === 'talking') {
    phone.send({ type: 'answer', callId });
    await rogue.command('ANSWER');
    await phone.next('answered');
  }
  return { rogue, phone };
}

const violation = (reason: string) => ({ close: { code: 1008, reason }, log: { msg: 'asterisk protocol violation', side: 'asterisk', reason } });

describe('the socket is closed with a code and a reason', () => {
  test.each([
    {
      name: 'MEDIA_START without optimal_frame_size (malformed)',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text('MEDIA_START connection_id:ws-ext-2002 channel:WebSocket/ws-ext-2002/0x1 format:slin16'),
      ...violation('MEDIA_START: optimal_frame_size: Invalid key: Expected "optimal_frame_size" but received undefined'),
    },
    {
      name: 'MEDIA_START with optimal_frame_size:0',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text('MEDIA_START connection_id:ws-ext-2002 format:slin16 optimal_frame_size:0'),
      ...violation('MEDIA_START: optimal_frame_size: Invalid value: Expected >=1 but received 0'),
    },
    {
      name: 'MEDIA_START without connection_id',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text('MEDIA_START format:slin16 optimal_frame_size:640'),
      ...violation('MEDIA_START: connection_id: Invalid key: Expected "connection_id" but received undefined'),
    },
    {
      name: 'JSON MEDIA_START cut after 40 bytes (truncated)',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text(mediaStart(ROGUE, { format: 'json' }).slice(0, 40)),
      ...violation('JSON control message does not parse'),
    },
    {
      name: 'JSON without "event"',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text('{"connection_id":"ws-ext-2002","format":"slin16"}'),
      ...violation('JSON control message has no "event"'),
    },
    {
      name: 'text that is no chan_websocket event',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text('hello gateway'),
      ...violation('not a chan_websocket event'),
    },
    {
      name: 'an empty TEXT message',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text(''),
      ...violation('not a chan_websocket event'),
    },
    {
      name: 'an event before MEDIA_START (MEDIA_XOFF first)',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text('MEDIA_XOFF'),
      ...violation('MEDIA_XOFF before MEDIA_START'),
    },
    {
      name: 'audio before MEDIA_START (binary where control is expected)',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.binary(Buffer.alloc(FRAME_BYTES)),
      ...violation('audio before MEDIA_START'),
    },
    {
      name: 'a second MEDIA_START',
      stage: 'ringing',
      send: (r: RogueAsterisk) => r.text(mediaStart(ROGUE)),
      ...violation('second MEDIA_START'),
    },
    {
      name: 'DTMF_END with a digit that is none',
      stage: 'talking',
      send: (r: RogueAsterisk) => r.text('DTMF_END digit:X'),
      ...violation('DTMF_END: digit: digit must be 0-9, A-D, * or #'),
    },
    {
      name: 'text where audio is expected (a talking call sends words)',
      stage: 'talking',
      send: (r: RogueAsterisk) => r.text('this is not audio'),
      ...violation('not a chan_websocket event'),
    },
    {
      name: 'TEXT that is not UTF-8',
      stage: 'talking',
      send: (r: RogueAsterisk) => r.text(Buffer.from([0x4d, 0xc3, 0x28, 0xff])),
      close: { code: 1007, reason: '' },
      log: { msg: 'asterisk socket error', side: 'asterisk', err: 'Invalid WebSocket frame: invalid UTF-8 sequence' },
    },
    {
      name: 'audio over 65,500 bytes (oversized: 103 frames in one message)',
      stage: 'talking',
      send: (r: RogueAsterisk) => r.binary(Buffer.alloc(103 * FRAME_BYTES)),
      close: { code: 1009, reason: '' },
      log: { msg: 'asterisk socket error', side: 'asterisk', err: 'Max payload size exceeded' },
    },
    {
      name: 'a 1 MB BINARY message',
      stage: 'talking',
      send: (r: RogueAsterisk) => r.binary(Buffer.alloc(MIB, 1)),
      close: { code: 1009, reason: '' },
      log: { msg: 'asterisk socket error', side: 'asterisk', err: 'Max payload size exceeded' },
    },
    {
      name: 'a 1 MB TEXT message',
      stage: 'fresh',
      send: (r: RogueAsterisk) => r.text(`MEDIA_START ${'x'.repeat(MIB)}`),
      close: { code: 1009, reason: '' },
      log: { msg: 'asterisk socket error', side: 'asterisk', err: 'Max payload size exceeded' },
    },
  ] as const)('$name', async ({ stage, send, close, log }) => {
    expect(103 * FRAME_BYTES).toBeGreaterThan(MAX_ASTERISK_MESSAGE_BYTES);
    const { rogue, phone } = await rogueAt(stage);
    send(rogue);
    expect(await rogue.closedWithin()).toEqual(close);
    expect(g.logs).toContainEqual(expect.objectContaining(log));
    // The browser of a call that was up hears the other side went away.
    if (phone !== undefined) expect(await phone.next('ended')).toMatchObject({ reason: stage === 'talking' ? 'remote_hangup' : 'caller_hangup' });
    await g.healthy.stillFlows();
  });
});

describe('the call is hung up, the socket left to Asterisk to close', () => {
  test.each([
    { name: 'MEDIA_START with an unknown codec (format:opus)', start: mediaStart(ROGUE, { codec: 'opus', optimalFrameBytes: 640 }) },
    { name: 'MEDIA_START with a frame size that is no whole 20 ms frame (slin16, 100 bytes)', start: mediaStart(ROGUE, { optimalFrameBytes: 100 }) },
  ])('$name: HANGUP and a warn line naming the codecs', async ({ start }) => {
    await g.phone('2002'); // online: only the codec keeps it from ringing
    const rogue = await g.rogue();
    rogue.text(start);
    await rogue.command('HANGUP');
    expect(rogue.texts).toEqual(['HANGUP']);
    expect(g.logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'codec not supported; dial with c(slin16), c(slin), c(ulaw) or c(alaw)' }));
    rogue.close(); // as Asterisk does after HANGUP
    expect((await rogue.closed).code).toBe(1000);
    await g.healthy.stillFlows();
  });
});

describe('the socket stays up', () => {
  test('0-byte and odd-sized audio in a call are dropped and counted, never relayed', async () => {
    const { rogue, phone } = await rogueAt('talking');
    rogue.binary(Buffer.alloc(0));
    rogue.binary(Buffer.alloc(FRAME_BYTES + 1, 9));
    rogue.binary(Buffer.alloc(FRAME_BYTES, 5)); // then one whole frame, which is relayed
    await expect.poll(() => phone!.audio.length).toBe(1);
    expect(phone!.audio[0]).toEqual(Buffer.alloc(FRAME_BYTES, 5));
    const call = g.t.gw.router.calls.find((c) => c.extension === '2002')!;
    expect(call.legStats).toMatchObject({ framesIn: 1, messagesDroppedOdd: 2 });
    expect(rogue.ws.readyState).toBe(rogue.ws.OPEN);
    await g.healthy.stillFlows();
  });

  test('a flood of 5,000 control messages while ringing is read and ignored; the call still rings', async () => {
    const { rogue, phone } = await rogueAt('ringing');
    const FLOOD = 5_000;
    for (let i = 0; i < FLOOD; i++) rogue.text(`MEDIA_MARK_PROCESSED m${i}`);
    await expect.poll(() => g.logs.filter((l) => l.msg === 'asterisk event ignored').length, { timeout: 5_000 }).toBe(FLOOD);
    expect(rogue.ws.readyState).toBe(rogue.ws.OPEN);
    expect(g.t.gw.router.calls.find((c) => c.extension === '2002')?.state).toBe('ringing');
    expect(phone!.messages).toEqual([]); // no ended
    await g.healthy.stillFlows();
  });

  test('an Asterisk sending 5 s of audio at once (faster than real time) is relayed whole and in order', async () => {
    const { rogue, phone } = await rogueAt('talking');
    // 250 frames: 150 one by one, then one message of 100 frames; each frame carries its index.
    const frames = Array.from({ length: 250 }, (_, i) => Buffer.alloc(FRAME_BYTES, i % 251));
    for (const f of frames.slice(0, 150)) rogue.binary(f);
    rogue.binary(Buffer.concat(frames.slice(150)));
    await expect.poll(() => Buffer.concat(phone!.audio).length, { timeout: 5_000 }).toBe(250 * FRAME_BYTES);
    expect(Buffer.concat(phone!.audio).equals(Buffer.concat(frames))).toBe(true);
    expect(g.t.gw.router.calls.find((c) => c.extension === '2002')!.legStats.framesIn).toBe(151);
    expect(rogue.ws.readyState).toBe(rogue.ws.OPEN);
    await g.healthy.stillFlows();
  });

  test('a browser sending faster than real time into MEDIA_XOFF: its audio is dropped and counted until MEDIA_XON', async () => {
    const { rogue, phone } = await rogueAt('talking');
    rogue.text('MEDIA_XOFF'); // Asterisk's queue is past 900 frames
    await expect.poll(() => g.logs.some((l) => l.msg === 'asterisk flow control' && l['event'] === 'MEDIA_XOFF')).toBe(true);
    for (let i = 0; i < 50; i++) phone!.ws.send(Buffer.alloc(FRAME_BYTES, 1)); // 1 s of audio at once
    const call = g.t.gw.router.calls.find((c) => c.extension === '2002')!;
    await expect.poll(() => call.legStats.framesDroppedXoff).toBe(50);
    rogue.text('MEDIA_XON');
    await expect.poll(() => g.logs.some((l) => l.msg === 'asterisk flow control' && l['event'] === 'MEDIA_XON')).toBe(true);
    for (let i = 0; i < 5; i++) phone!.ws.send(Buffer.alloc(FRAME_BYTES, 2));
    await expect.poll(() => rogue.audio.length).toBe(5);
    expect(rogue.audio.every((f) => f.equals(Buffer.alloc(FRAME_BYTES, 2)))).toBe(true);
    expect(call.legStats).toMatchObject({ framesOut: 5, framesDroppedXoff: 50 });
    await g.healthy.stillFlows();
  });
});
