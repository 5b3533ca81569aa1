/**
 * Calls dialled with another codec than slin16 (`c(slin)`, `c(ulaw)`, `c(alaw)`; issue #5): the
 * gateway tells the browser the format in `incoming` and relays the bytes unchanged, in whole
 * 20 ms frames of that codec. Real sockets on loopback.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE, frameBytesOf, type WireFormat } from '@gag/sdk/protocol';
import { decodeSamples, type AudioSource } from '@gag/e2e';
import { analyseTone } from '@gag/e2e/tones';
import { gatewayPerTest } from '@gag/testkit/gateway';
import { LegacyTestPhone } from './legacy-phone.js';

const t = gatewayPerTest();
const legacy: LegacyTestPhone[] = [];
afterEach(() => {
  for (const p of legacy.splice(0)) p.close();
});

/** A frame whose every byte says where it is: any change on the way shows. */
function patternFrame(format: WireFormat, n: number): Buffer {
  const frame = Buffer.alloc(frameBytesOf(format));
  for (let i = 0; i < frame.length; i++) frame[i] = (n * 31 + i * 7) & 0xff;
  return frame;
}

/** 440 Hz, encoded by the fake Asterisk in the call's codec. */
const tone440: AudioSource = {
  fill: (frame, n, rateHz = 16_000) => {
    for (let i = 0; i < frame.length; i++) frame[i] = Math.round(16_000 * Math.sin((2 * Math.PI * 440 * (n * frame.length + i)) / rateHz));
  },
};

describe.each([
  { codec: 'ulaw', frameBytes: 160, rateHz: 8_000 },
  { codec: 'alaw', frameBytes: 160, rateHz: 8_000 },
  { codec: 'slin', frameBytes: 320, rateHz: 8_000 },
] as const)('a call dialled with c($codec)', ({ codec, frameBytes, rateHz }) => {
  test(`rings a gag.v1 phone with format ${codec} and relays ${frameBytes}-byte frames unchanged both ways`, async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { codec });
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', format: codec });

    call.play(tone440);
    const atAsterisk: Buffer[] = [];
    call.on('audio', (frame) => atAsterisk.push(Buffer.from(frame)));
    phone.send({ type: 'answer', callId: incoming.callId });
    await call.answered;
    await phone.next('answered');

    const sent = Array.from({ length: 10 }, (_, n) => patternFrame(codec, n));
    for (const frame of sent) phone.ws.send(frame);
    phone.ws.send(Buffer.concat([patternFrame(codec, 10), patternFrame(codec, 11)])); // two frames in one message
    await expect.poll(() => atAsterisk.length, { timeout: 3_000 }).toBe(12);
    expect(Buffer.concat(atAsterisk).equals(Buffer.concat([...sent, patternFrame(codec, 10), patternFrame(codec, 11)]))).toBe(true);
    expect(call.received.oddSizedMessages).toBe(0);

    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(25);
    expect(phone.audio.every((f) => f.length === frameBytes)).toBe(true);
    const down = decodeSamples(codec, Buffer.concat(phone.audio.slice(0, 25)));
    const floats = Float32Array.from(down, (s) => s / 32_768);
    expect(Math.abs(analyseTone(floats, rateHz).hz - 440)).toBeLessThanOrEqual(2);
    expect(call.received.frames).toBe(12);
  });

  test('a message that is not whole frames of the codec closes the browser with BAD_AUDIO_FRAME (4001)', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { codec });
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    phone.ws.send(Buffer.alloc(frameBytes + 1));
    expect((await phone.closed).code).toBe(CLOSE.BAD_AUDIO_FRAME.code);
    expect((await call.ended).by).toBe('app-hangup');
  });
});

describe('codecs the gateway cannot carry', () => {
  /** MEDIA_START by hand, as chan_websocket sends it for `c(codec)`; resolves with the gateway's first TEXT message. */
  async function mediaStart(codec: string, optimalFrameBytes: number): Promise<string> {
    const ws = new WebSocket(t.gw.asteriskUrl, 'media');
    await once(ws, 'open');
    const reply = once(ws, 'message', { signal: AbortSignal.timeout(2_000) });
    ws.send(`MEDIA_START connection_id:ws-ext-2001 channel:WebSocket/ws-ext-2001/0x7f0 format:${codec} optimal_frame_size:${optimalFrameBytes} ptime:20`);
    const [data] = (await reply) as [Buffer];
    ws.close();
    await once(ws, 'close');
    return data.toString('utf8');
  }

  test.each([
    ['g722', 160],
    ['opus', 160],
    ['ulaw', 100],
    ['slin', 160],
  ])('c(%s) with optimal_frame_size %i gets HANGUP', async (codec, bytes) => {
    await t.phone('2001');
    expect(await mediaStart(codec, bytes)).toBe('HANGUP');
  });
});

describe('after a call in another codec', () => {
  test('its last frames, still on their way when the call ended, do not close the browser', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { codec: 'ulaw' });
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    await call.hangup();
    await phone.next('ended');
    phone.ws.send(Buffer.alloc(frameBytesOf('ulaw')));
    // A ping round trip: the frame was read before the pong.
    phone.send({ type: 'ping', id: 1 });
    expect(await phone.next('pong')).toMatchObject({ id: 1 });
    expect(phone.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('codecs and legacy webphones', () => {
  test('a ulaw call does not ring a legacy phone (it speaks slin16 only): with nobody else, Asterisk gets HANGUP', async () => {
    const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001') });
    legacy.push(phone);
    const call = await t.asterisk.call('ws-ext-2001', { codec: 'ulaw' });
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['HANGUP']);
    expect(phone.words).toEqual([]);
    expect(t.logs.some((l) => l.msg === 'no phone online speaks the codec; hanging up' && l['codec'] === 'ulaw')).toBe(true);
  });

  test('a ulaw call rings the gag.v1 phone of the extension and not its legacy phone', async () => {
    const legacyPhone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001') });
    legacy.push(legacyPhone);
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { codec: 'ulaw' });
    expect(await phone.next('incoming')).toMatchObject({ format: 'ulaw' });
    await call.hangup();
    await phone.next('ended');
    expect(legacyPhone.words).toEqual([]);
  });

  test('a slin16 call still rings the legacy phone', async () => {
    const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001') });
    legacy.push(phone);
    const call = await t.asterisk.call('ws-ext-2001', { codec: 'slin16' });
    await phone.next('RINGING');
    await call.hangup();
  });
});
