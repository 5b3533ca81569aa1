/**
 * Media between the fake Asterisk and a real ws server playing the app: nothing before ANSWER,
 * 20 ms frames after it, and the app's audio taken as chan_websocket takes it
 * (docs/chan-websocket.md#media).
 */
import { describe, expect, it, vi } from 'vitest';
import { FRAME_BYTES, FRAME_MS, FRAME_SAMPLES, MAX_ASTERISK_MESSAGE_BYTES, WIRE_RATE_HZ } from '@gag/sdk/protocol';
import { analyseTone, echo, floatToS16le, rms, s16leToFloat, sequence, silence, sineFloat, tone } from '../src/index.js';
import { withFakeAsterisk, type AppPeer } from './fake-app.js';

const fake = withFakeAsterisk();

/** Messages are handled in order: once STATUS comes back, everything sent before it was taken. */
async function settle(peer: AppPeer): Promise<void> {
  peer.send('GET_STATUS');
  expect(await peer.nextText()).toMatch(/^STATUS /);
}

/** `bytes` bytes of slin16 whose every sample is `value`. */
function pcm(value: number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i + 1 < bytes; i += 2) out.writeInt16LE(value, i);
  return out;
}

const levelOf = (amplitude: number): number => 20 * Math.log10(amplitude / Math.SQRT2);

describe('towards the app', () => {
  it('sends nothing before ANSWER, then frames right after it', async () => {
    const ringing = await fake.dial();
    ringing.call.play(silence());
    const clock = await fake.dial(); // the other call's frames measure time without a sleep
    clock.call.play(silence());
    clock.peer.send('ANSWER');
    await clock.peer.binariesUntil(10);
    await settle(ringing.peer);
    expect(ringing.peer.binaries).toHaveLength(0);
    expect(ringing.call.framesSent).toBe(0);
    ringing.peer.send('ANSWER');
    await ringing.peer.binariesUntil(1);
    expect(ringing.peer.log.slice(1)).toEqual([expect.stringMatching(/^STATUS /), `<binary ${FRAME_BYTES}>`]);
  });

  it('plays a 440 Hz tone in whole frames at the source level', async () => {
    const { call, peer } = await fake.dial();
    call.play(tone(440, { amplitude: 0.5 }));
    peer.send('ANSWER');
    await call.answered;
    expect(call.state).toBe('up');
    const frames = (await peer.binariesUntil(25)).slice(0, 25);
    expect(frames.every((f) => f.length === FRAME_BYTES)).toBe(true);
    const heard = analyseTone(s16leToFloat(Buffer.concat(frames)), WIRE_RATE_HZ);
    expect(Math.abs(heard.hz - 440)).toBeLessThanOrEqual(2);
    expect(Math.abs(heard.levelDbfs - levelOf(0.5))).toBeLessThanOrEqual(1);
    expect(heard.purity).toBeGreaterThan(0.99); // phase-continuous across frame boundaries
  });

  it('sends no frames at all while the caller side makes no audio, as a real Asterisk 23 does', async () => {
    const quiet = await fake.answered();
    const clock = await fake.dial(); // the other call's frames measure time without a sleep
    clock.call.play(silence());
    clock.peer.send('ANSWER');
    await clock.peer.binariesUntil(25);
    await settle(quiet.peer);
    expect(quiet.peer.binaries).toHaveLength(0);
    quiet.call.play(tone(440));
    await quiet.peer.binariesUntil(1);
    quiet.call.play(undefined);
    const sent = quiet.call.framesSent;
    await clock.peer.binariesUntil(50);
    expect(quiet.call.framesSent).toBe(sent);
  });

  it('paces frames in real time: 26 frames span at least 25 frame times', async () => {
    const { call, peer } = await fake.dial();
    call.play(silence());
    peer.send('ANSWER');
    await peer.binariesUntil(26);
    const spanMs = (peer.binaryTimesMs[25] ?? 0) - (peer.binaryTimesMs[0] ?? 0);
    expect(spanMs).toBeGreaterThanOrEqual(25 * FRAME_MS - FRAME_MS / 2);
  });

  it('sends exactly one frame per 20 ms from the answer and stops at the end, on a fake clock', async () => {
    const { call, peer } = await fake.dial();
    call.play(silence());
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    peer.send('ANSWER');
    await call.answered;
    expect(call.framesSent).toBe(1); // frame 0 goes at the answer
    vi.advanceTimersByTime(1_000);
    expect(call.framesSent).toBe(1 + 1_000 / FRAME_MS);
    await call.hangup();
    await peer.whenClosed();
    expect(vi.getTimerCount()).toBe(0); // the frame timer went with the call
    vi.advanceTimersByTime(1_000);
    expect(call.framesSent).toBe(1 + 1_000 / FRAME_MS);
    vi.useRealTimers();
  });

  it('leaves no timer behind when the app closes the socket mid-call', async () => {
    const { call, peer } = await fake.dial();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    peer.send('ANSWER');
    await call.answered;
    vi.advanceTimersByTime(5 * FRAME_MS);
    peer.ws.close();
    expect(await call.ended).toMatchObject({ by: 'app-close' });
    await peer.whenClosed();
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  it('switches sources in a sequence at the frame boundary', async () => {
    const { call, peer } = await fake.dial();
    call.play(sequence({ source: tone(440), durationMs: 10 * FRAME_MS }, { source: tone(1_000) }));
    peer.send('ANSWER');
    const frames = await peer.binariesUntil(20);
    const part = (from: number, to: number) => analyseTone(s16leToFloat(Buffer.concat(frames.slice(from, to))), WIRE_RATE_HZ).hz;
    expect(part(0, 10)).toBeCloseTo(440, -1);
    expect(part(10, 20)).toBeCloseTo(1_000, -1);
  });

  it('echoes the app tone back', async () => {
    const { call, peer } = await fake.dial();
    call.play(echo(call));
    peer.send('ANSWER');
    await call.answered;
    const sent = floatToS16le(sineFloat(440, WIRE_RATE_HZ, 25 * FRAME_SAMPLES, 0.4));
    for (let i = 0; i < 25; i++) peer.send(sent.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
    const isSound = (frame: Buffer): boolean => rms(s16leToFloat(frame)) > 0.01;
    const back = await peer.until(() => {
      const sound = peer.binaries.filter(isSound);
      return sound.length >= 25 ? sound.slice(0, 25) : undefined;
    }, '25 echoed frames');
    const heard = analyseTone(s16leToFloat(Buffer.concat(back)), WIRE_RATE_HZ);
    expect(Math.abs(heard.hz - 440)).toBeLessThanOrEqual(2);
    expect(Math.abs(heard.levelDbfs - levelOf(0.4))).toBeLessThanOrEqual(1);
    expect(heard.purity).toBeGreaterThan(0.99); // in order, nothing lost or repeated
  });

  it('keeps the echo queue bounded, dropping the oldest', async () => {
    const { call, peer } = await fake.dial();
    const source = echo(call);
    call.play(source);
    peer.send('ANSWER');
    await call.answered;
    for (let i = 0; i < 200; i++) peer.send(pcm(1_000, FRAME_BYTES)); // 4 s of audio in one burst
    await settle(peer);
    expect(source.droppedFrames).toBeGreaterThan(0);
    expect(source.queuedFrames).toBeLessThanOrEqual(1_000 / FRAME_MS);
  });
});

describe('from the app', () => {
  it('ignores audio before ANSWER', async () => {
    const { call, peer } = await fake.dial();
    peer.send(pcm(1_000, FRAME_BYTES));
    peer.send('ANSWER');
    await settle(peer);
    expect(call.received.messages).toBe(0);
    expect(call.received.frames).toBe(0);
    expect(call.received.ignoredBeforeAnswer).toBe(1);
  });

  it('takes whole frames out of each message and drops odd leftovers', async () => {
    const { call, peer } = await fake.answered();
    peer.send(pcm(1_000, FRAME_BYTES));
    peer.send(pcm(2_000, 2 * FRAME_BYTES)); // two frames in one message
    peer.send(pcm(3_000, FRAME_BYTES + 360)); // one frame and 360 bytes Asterisk drops
    peer.send(pcm(4_000, 100)); // not even one frame
    await settle(peer);
    const r = call.received;
    expect([r.messages, r.frames, r.oddSizedMessages, r.droppedBytes]).toEqual([4, 4, 2, 460]);
    const heard = r.samples();
    expect(heard).toHaveLength(4 * FRAME_SAMPLES);
    expect([0, 1, 2, 3].map((f) => Math.round((heard[f * FRAME_SAMPLES] ?? 0) * 32_768))).toEqual([1_000, 2_000, 2_000, 3_000]);
    expect(r.samples({ fromMs: FRAME_MS, toMs: 3 * FRAME_MS }).every((s) => Math.round(s * 32_768) === 2_000)).toBe(true);
  });

  it('treats a command in a BINARY frame as audio', async () => {
    const { call, peer } = await fake.answered();
    peer.send(Buffer.from('HANGUP'));
    await settle(peer);
    expect(call.state).toBe('up');
    expect(call.commands).toEqual(['ANSWER']); // the settling GET_STATUS is counted apart
    expect(call.statusRequests).toBe(1);
    expect([call.received.oddSizedMessages, call.received.droppedBytes]).toEqual([1, 6]);
  });

  it('joins partial frames between START and STOP_MEDIA_BUFFERING and pads the last one', async () => {
    const { call, peer } = await fake.answered();
    peer.send('START_MEDIA_BUFFERING');
    peer.send(pcm(1_000, FRAME_BYTES * 1.5));
    peer.send(pcm(2_000, FRAME_BYTES * 0.75));
    expect(await (peer.send('STOP_MEDIA_BUFFERING b-1'), peer.nextText())).toBe('MEDIA_BUFFERING_COMPLETED b-1');
    const r = call.received;
    expect([r.frames, r.oddSizedMessages, r.droppedBytes]).toEqual([3, 2, 0]);
    const heard = r.samples().map((s) => Math.round(s * 32_768));
    expect([heard[0], heard[FRAME_SAMPLES + FRAME_SAMPLES / 2], heard[2 * FRAME_SAMPLES], heard[3 * FRAME_SAMPLES - 1]]).toEqual([1_000, 2_000, 2_000, 0]);
  });

  it('accepts a 65,500-byte message and ends the call by error on a larger one', async () => {
    const { call, peer } = await fake.answered();
    peer.send(Buffer.alloc(MAX_ASTERISK_MESSAGE_BYTES));
    await settle(peer);
    expect(call.received.frames).toBe(Math.floor(MAX_ASTERISK_MESSAGE_BYTES / FRAME_BYTES));
    expect(call.received.droppedBytes).toBe(MAX_ASTERISK_MESSAGE_BYTES % FRAME_BYTES);
    peer.send(Buffer.alloc(MAX_ASTERISK_MESSAGE_BYTES + 1));
    expect(await call.ended).toMatchObject({ by: 'error', code: 1009 });
    expect((await peer.whenClosed()).code).toBe(1009);
  });
});
