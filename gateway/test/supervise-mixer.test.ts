/**
 * The mixing under supervision (issue 21), as units: sums past full scale are clipped, never
 * wrapped to the other sign; G.711 and slin survive a decode-encode round trip through the
 * mixer's own functions; the voice queue plays after one packet's margin, drops its oldest audio
 * when full, and waits for a packet again after running dry.
 */
import { describe, expect, test } from 'vitest';
import { encodeSamples, decodeSamples } from '@gag/e2e';
import { goertzelAmplitude } from '@gag/e2e/tones';
import { ALAW_TO_S16, ULAW_TO_S16 } from '@gag/sdk/g711';
import { frameSamplesOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import type { Phone } from '../src/browser/phone.js';
import type { Call } from '../src/calls/call.js';
import { CallTap } from '../src/calls/call-tap.js';
import { createLogger } from '../src/log.js';
import { S16_MAX, S16_MIN, addInto, decodeInto, encodeInto } from '../src/media/pcm-mix.js';
import { SampleRing } from '../src/media/sample-ring.js';
import { Supervision } from '../src/supervise/supervision.js';

const sine = (hz: number, amplitude: number, count: number, rateHz: number): Int16Array =>
  Int16Array.from({ length: count }, (_, i) => Math.round(amplitude * S16_MAX * Math.sin((2 * Math.PI * hz * i) / rateHz)));

describe('adding two voices', () => {
  test('two near-full-scale tones in phase sum to ±32767/−32768 at their peaks, never wrapped to the other sign', () => {
    const a = sine(440, 0.95, 1_600, 16_000);
    const sum = Int16Array.from(a);
    addInto(sum, 0, a, 0, a.length);
    expect(Math.max(...sum)).toBe(S16_MAX);
    expect(Math.min(...sum)).toBe(S16_MIN);
    // Every sample keeps the sign of the voices (a wrapped sum of two large positives is negative).
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i]!) > 1_000) expect(Math.sign(sum[i]!)).toBe(Math.sign(a[i]!));
    // Below the clip the sum is exact.
    const quiet = sine(440, 0.2, 320, 16_000);
    const twice = Int16Array.from(quiet);
    addInto(twice, 0, quiet, 0, quiet.length);
    expect([...twice]).toEqual([...quiet].map((s) => 2 * s));
  });

  test('two different near-full-scale tones: the mix holds both, clipped where they meet', () => {
    const a = sine(440, 0.9, 16_000, 16_000);
    const b = sine(1_000, 0.9, 16_000, 16_000);
    const mix = Int16Array.from(a);
    addInto(mix, 0, b, 0, b.length);
    const f = Float32Array.from(mix, (s) => s / 32_768);
    expect(goertzelAmplitude(f, 440, 16_000)).toBeGreaterThan(0.6);
    expect(goertzelAmplitude(f, 1_000, 16_000)).toBeGreaterThan(0.6);
    expect(mix.some((s) => s === S16_MAX)).toBe(true);
  });
});

describe.each(['ulaw', 'alaw', 'slin', 'slin16'] as const)('%s through decodeInto and encodeInto', (format: WireFormat) => {
  test('every byte or sample comes back as it went in, at any offset', () => {
    const count = frameSamplesOf(format);
    const samples = sine(700, 0.7, count, rateHzOf(format));
    const bytes = encodeSamples(format, samples);
    const padded = Buffer.concat([Buffer.from([1, 2, 3]), bytes]); // an odd offset, as in a pooled buffer
    const decoded = new Int16Array(count);
    decodeInto(format, padded, 3, decoded, 0, count);
    expect([...decoded]).toEqual([...decodeSamples(format, bytes)]);
    const again = Buffer.alloc(bytes.length + 1);
    encodeInto(format, decoded, 0, again, 1, count);
    expect(again.subarray(1).equals(bytes)).toBe(true);
  });
});

test('G.711: every one of the 256 codes decodes and encodes back to itself (alaw; ulaw but its two zeros)', () => {
  for (const [format, table] of [['ulaw', ULAW_TO_S16], ['alaw', ALAW_TO_S16]] as const) {
    const codes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const s16 = new Int16Array(256);
    decodeInto(format, codes, 0, s16, 0, 256);
    expect([...s16]).toEqual([...table]);
    const back = Buffer.alloc(256);
    encodeInto(format, s16, 0, back, 0, 256);
    for (let i = 0; i < 256; i++) if (!(format === 'ulaw' && i === 0x7f)) expect(back[i], `${format} code ${i}`).toBe(i); // µ-law 0x7F and 0xFF are both zero
  }
});

describe('the voice queue', () => {
  const frame = (value: number, samples = 160): Buffer => Buffer.from(new Int16Array(samples).fill(value).buffer);

  test('plays once it holds a packet, adds clipped, and after running dry waits for a packet again', () => {
    const ring = new SampleRing('slin', 1_600);
    const out = new Int16Array(160);
    expect(ring.mixInto(out, 0, 160)).toBe(false); // empty: nothing added, the frame passes untouched
    ring.pushEncoded(frame(1_000, 480)); // one 60 ms packet
    expect(ring.ready).toBe(true);
    out.fill(S16_MAX - 10);
    expect(ring.mixInto(out, 0, 160)).toBe(true);
    expect(out.every((s) => s === S16_MAX)).toBe(true);
    out.fill(0);
    ring.mixInto(out, 0, 160);
    ring.mixInto(out, 0, 160);
    expect(ring.depth).toBe(0);
    expect(ring.underruns).toBe(0);
    ring.mixInto(out, 0, 160); // dry: an underrun, and silence added
    expect(ring.underruns).toBe(1);
    ring.pushEncoded(frame(5, 160)); // less than the 480-sample margin
    expect(ring.ready).toBe(false);
    ring.pushEncoded(frame(5, 320));
    expect(ring.ready).toBe(true);
  });

  test('full, it drops its oldest samples and counts them; a packet larger than the ring keeps its newest part', () => {
    const ring = new SampleRing('slin', 400);
    ring.pushEncoded(frame(1, 160));
    ring.pushEncoded(frame(2, 160));
    ring.pushEncoded(frame(3, 160)); // 80 samples of 1 go
    expect(ring.droppedSamples).toBe(80);
    expect(ring.depth).toBe(400);
    const out = new Int16Array(400);
    ring.mixInto(out, 0, 400);
    expect([out[0], out[79], out[80], out[240], out[399]]).toEqual([1, 1, 2, 3, 3]);
    ring.pushEncoded(Buffer.concat([frame(7, 200), frame(9, 400)]));
    expect(ring.droppedSamples).toBe(80 + 200);
    out.fill(0);
    ring.mixInto(out, 0, 400);
    expect(out.every((s) => s === 9)).toBe(true);
  });
});

test('a supervision mixes into buffers made when it joined: the ear and the whispered frames are the same Buffer every frame', () => {
  const format = 'slin16';
  const heard: Buffer[] = [];
  const supervisor = { extension: '9000', sendAudio: (b: Buffer) => heard.push(b) > 0, send: () => undefined } as unknown as Phone;
  const call = { id: 'call-1', format, tap: new CallTap(createLogger('silent')) } as unknown as Call;
  const s = new Supervision({ call, supervisor, mode: 'whisper', onEnd: () => undefined });
  const frame = (hz: number, n: number): Buffer => encodeSamples(format, sine(hz, 0.3, 320 * (n + 1), 16_000).subarray(320 * n));
  const outs: Buffer[] = [];
  for (let n = 0; n < 10; n++) {
    s.voice(frame(700, n));
    s.audio('agent', frame(1_000, n));
    const caller = frame(440, n);
    s.audio('caller', caller);
    outs.push(s.mix('caller', caller));
  }
  expect(new Set(heard).size).toBe(1); // one ear buffer, sent (and copied by the socket) ten times
  expect(outs[0]).not.toBe(frame(440, 0));
  expect(new Set(outs).size).toBe(1); // one whisper buffer
  const lastToAgent = Float32Array.from(decodeSamples(format, outs[9]!), (x) => x / 32_768);
  expect(goertzelAmplitude(lastToAgent, 700, 16_000)).toBeGreaterThan(0.25);
  const toAsterisk = frame(1_000, 10);
  expect(s.mix('agent', toAsterisk)).toBe(toAsterisk); // whisper: Asterisk's frames pass untouched
});
