/**
 * The fake Asterisk's audio sources and its recorder, without sockets: tones, sequences and the
 * way chan_websocket takes the app's BINARY messages (docs/chan-websocket.md#media).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FRAME_BYTES, FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '@gag/sdk/protocol';
import { Recorder, analyseTone, s16leToFloat, sequence, silence, sineFloat, tone, type AudioSource } from '../src/index.js';
import { Player } from '../src/fake-asterisk/sources.js';

/** `count` consecutive frames of `source`, as floats. */
function render(source: AudioSource, count: number, first = 0): Float32Array {
  const out = new Float32Array(count * FRAME_SAMPLES);
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let n = 0; n < count; n++) {
    source.fill(frame, first + n);
    for (let i = 0; i < FRAME_SAMPLES; i++) out[n * FRAME_SAMPLES + i] = (frame[i] ?? 0) / 32_768;
  }
  return out;
}

function pcm(value: number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i + 1 < bytes; i += 2) out.writeInt16LE(value, i);
  return out;
}

describe('sources', () => {
  it('tone() is the same sine as sineFloat, continuous across frames', () => {
    const heard = render(tone(440, { amplitude: 0.5 }), 10);
    const expected = sineFloat(440, WIRE_RATE_HZ, 10 * FRAME_SAMPLES, 0.5);
    expect(Math.max(...heard.map((s, i) => Math.abs(s - (expected[i] ?? 0))))).toBeLessThan(2 / 32_768);
  });

  it('tone() picks up the phase from the frame number', () => {
    const late = render(tone(1_000), 1, 500);
    const expected = sineFloat(1_000, WIRE_RATE_HZ, FRAME_SAMPLES, 0.5, 500 * FRAME_SAMPLES);
    expect(Math.max(...late.map((s, i) => Math.abs(s - (expected[i] ?? 0))))).toBeLessThan(2 / 32_768);
  });

  it('silence() is all zeros', () => {
    expect(render(silence(), 3).every((s) => s === 0)).toBe(true);
  });

  it('sequence() plays each part for its duration, then silence', () => {
    const heard = render(sequence({ source: tone(440), durationMs: 5 * FRAME_MS }, { source: tone(697), durationMs: 5 * FRAME_MS }), 15);
    const part = (from: number, to: number) => heard.subarray(from * FRAME_SAMPLES, to * FRAME_SAMPLES);
    expect(analyseTone(part(0, 5), WIRE_RATE_HZ).hz).toBeCloseTo(440, -1);
    expect(analyseTone(part(5, 10), WIRE_RATE_HZ).hz).toBeCloseTo(697, -1);
    expect(part(10, 15).every((s) => s === 0)).toBe(true);
    // Each part starts from its own frame 0: the second tone starts at phase 0 (697 Hz does not
    // complete whole cycles in a frame, so a tone carried on from frame 5 would not).
    expect(heard[5 * FRAME_SAMPLES]).toBe(0);
    expect(heard[5 * FRAME_SAMPLES + 1]).toBeCloseTo(0.5 * Math.sin((2 * Math.PI * 697) / WIRE_RATE_HZ), 4);
  });

  it('refuses impossible options with GAG_OPTIONS_INVALID', () => {
    const invalid = expect.objectContaining({ code: 'GAG_OPTIONS_INVALID' });
    expect(() => tone(9_000)).toThrow(invalid);
    expect(() => tone(440, { amplitude: 2 })).toThrow(invalid);
    expect(() => sequence({ source: silence(), durationMs: -1 })).toThrow(invalid);
  });
});

describe('Recorder', () => {
  it('counts whole frames, odd-sized messages and dropped bytes', () => {
    const r = new Recorder();
    expect(r.accept(pcm(1, 3 * FRAME_BYTES))).toHaveLength(3);
    expect(r.accept(pcm(2, FRAME_BYTES - 2))).toHaveLength(0);
    expect([r.messages, r.frames, r.oddSizedMessages, r.droppedBytes]).toEqual([2, 3, 1, FRAME_BYTES - 2]);
  });

  it('holds a partial frame only while buffering, and drops it on FLUSH_MEDIA', () => {
    const r = new Recorder();
    r.startBuffering();
    r.accept(pcm(1, FRAME_BYTES / 2));
    expect([r.frames, r.leftoverBytes]).toEqual([0, FRAME_BYTES / 2]);
    r.accept(pcm(2, FRAME_BYTES / 4));
    expect(r.leftoverBytes).toBe((3 * FRAME_BYTES) / 4);
    r.flush();
    expect([r.frames, r.leftoverBytes, r.droppedBytes]).toEqual([0, 0, (3 * FRAME_BYTES) / 4]);
    r.accept(pcm(3, FRAME_BYTES / 2)); // buffering is off again
    expect([r.frames, r.droppedBytes]).toEqual([0, (5 * FRAME_BYTES) / 4]);
  });

  it('gives samples by position in the received stream, and clear() forgets them', () => {
    const r = new Recorder();
    r.accept(Buffer.concat([pcm(100, FRAME_BYTES), pcm(200, FRAME_BYTES), pcm(300, FRAME_BYTES)]));
    const middle = r.samples({ fromMs: FRAME_MS, toMs: 2 * FRAME_MS });
    expect(middle).toHaveLength(FRAME_SAMPLES);
    expect(middle.every((s) => Math.round(s * 32_768) === 200)).toBe(true);
    expect(r.samples({ fromMs: 2.5 * FRAME_MS })).toHaveLength(FRAME_SAMPLES / 2);
    expect(r.samples({ fromMs: 10 * FRAME_MS })).toHaveLength(0);
    r.clear();
    expect([r.messages, r.frames, r.samples().length]).toEqual([0, 0, 0]);
  });

  it('analyses the received tone', () => {
    const r = new Recorder();
    const frame = new Int16Array(FRAME_SAMPLES);
    const source = tone(697, { amplitude: 0.25 });
    for (let n = 0; n < 20; n++) {
      source.fill(frame, n);
      r.accept(Buffer.from(frame.buffer.slice(0)));
    }
    const heard = r.analyse({ fromMs: 100 });
    expect(Math.abs(heard.hz - 697)).toBeLessThanOrEqual(2);
    expect(heard.amplitude).toBeCloseTo(0.25, 2);
  });
});

describe('Player', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A player on a fake clock that keeps what it sends. */
  function fakePlayer(): { player: Player; sent: Buffer[] } {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const sent: Buffer[] = [];
    return { player: new Player((frame) => sent.push(frame)), sent };
  }

  it('starts a newly played source at its own frame 0', () => {
    const { player, sent } = fakePlayer();
    player.play(tone(440));
    player.start();
    vi.advanceTimersByTime(2 * FRAME_MS);
    player.play(tone(697)); // 697 Hz does not complete whole cycles in a frame: a carried-on phase shows
    vi.advanceTimersByTime(FRAME_MS);
    player.stop();
    const switched = s16leToFloat(sent[3] ?? Buffer.alloc(0));
    expect(sent).toHaveLength(4);
    expect(switched[0]).toBe(0);
    expect(switched[1]).toBeCloseTo(0.5 * Math.sin((2 * Math.PI * 697) / WIRE_RATE_HZ), 4);
  });

  it('catches up after a late wake-up, without drifting', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let nowMs = 1_000;
    vi.spyOn(performance, 'now').mockImplementation(() => nowMs);
    const sent: Buffer[] = [];
    const player = new Player((frame) => sent.push(frame));
    player.play(silence());
    player.start();
    nowMs += 6 * FRAME_MS; // the frame-1 timer wakes up 100 ms late
    vi.advanceTimersByTime(FRAME_MS);
    expect(sent).toHaveLength(7); // frames 0-6 are all due at t0 + 120 ms
    for (let i = 0; i < 10; i++) {
      nowMs += FRAME_MS;
      vi.advanceTimersByTime(FRAME_MS);
    }
    expect(sent).toHaveLength(17); // back on the t0 + n·20 ms grid
    player.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(sent.every((frame) => frame.length === FRAME_BYTES)).toBe(true);
  });
});
