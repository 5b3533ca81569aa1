import { decodeDtmf, goertzelAmplitude, sineFloat } from '@gag/e2e/tones';
import { describe, expect, test } from 'vitest';
import { CaptureFramer, RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { DTMF_DIGITS, DTMF_GAP_MS, DTMF_QUEUE_DIGITS, DTMF_TONE_AMPLITUDE, DTMF_TONE_MS, DtmfGenerator } from '../src/audio/dtmf.js';
import { s16ToFloat } from '../src/audio/pcm.js';
import { Call, type CallTransport } from '../src/call.js';
import { GagError } from '../src/errors.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';

const DEVICE_RATE_HZ = 44_100;
const DIGIT_MS = DTMF_TONE_MS + DTMF_GAP_MS;
const dB = (ratio: number): number => 20 * Math.log10(ratio);
const maxDifference = (a: Float32Array, b: Float32Array): number => a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] ?? NaN))), 0);

/** Everything the generator plays for `digits`, rendered frame by frame as the capture path does. */
function generate(digits: string): { samples: Float32Array; counts: number[] } {
  const generator = new DtmfGenerator();
  expect(generator.queue(digits)).toBe(digits.length);
  const frames: Float32Array[] = [];
  const counts: number[] = [];
  while (generator.active) {
    const frame = new Float32Array(FRAME_SAMPLES).fill(0.123); // the "microphone"
    counts.push(generator.render(frame, FRAME_SAMPLES));
    frames.push(frame);
  }
  const samples = new Float32Array(frames.length * FRAME_SAMPLES);
  frames.forEach((f, i) => samples.set(f, i * FRAME_SAMPLES));
  return { samples, counts };
}

describe('DtmfGenerator', () => {
  test('plays every digit as its row + column pair, 100 ms on and 60 ms off, which decode back to the digits', () => {
    const { samples, counts } = generate(DTMF_DIGITS);
    // 160 ms per digit is exactly 8 frames: every frame is the generator's, and it ends on a frame boundary.
    expect(counts).toEqual(new Array((DTMF_DIGITS.length * DIGIT_MS) / FRAME_MS).fill(FRAME_SAMPLES));

    const decoded = decodeDtmf(samples, WIRE_RATE_HZ);
    console.info('decoded', decoded.digits, decoded.tones.slice(0, 3), 'gaps', decoded.gapsMs.slice(0, 3));
    expect(decoded.digits).toBe(DTMF_DIGITS);
    decoded.tones.forEach((tone, i) => {
      expect(tone.startMs).toBeCloseTo(i * DIGIT_MS, -0.5); // within 1.6 ms (the ramp hides a ms)
      expect(Math.abs(tone.durationMs - DTMF_TONE_MS)).toBeLessThanOrEqual(3);
      expect(Math.abs(dB(tone.rowAmplitude / DTMF_TONE_AMPLITUDE))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(dB(tone.columnAmplitude / DTMF_TONE_AMPLITUDE))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(dB(tone.rowAmplitude / tone.columnAmplitude))).toBeLessThanOrEqual(0.5); // twist
      expect(tone.marginDb).toBeGreaterThan(20);
    });
    for (const gap of decoded.gapsMs) expect(Math.abs(gap - DTMF_GAP_MS)).toBeLessThanOrEqual(3);
    // The gaps are digital silence, and the pair never clips.
    const gap = samples.subarray(((DTMF_TONE_MS + 1) * WIRE_RATE_HZ) / 1000, ((DIGIT_MS - 1) * WIRE_RATE_HZ) / 1000);
    expect(gap.every((s) => s === 0)).toBe(true);
    const peak = samples.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
    expect(peak).toBeLessThanOrEqual(2 * DTMF_TONE_AMPLITUDE);
    expect(peak).toBeGreaterThan(1.9 * DTMF_TONE_AMPLITUDE);
  });

  test('writes nothing when idle, and hands the rest of a frame back when the last gap ends in it', () => {
    const generator = new DtmfGenerator();
    const frame = new Float32Array(FRAME_SAMPLES);
    expect(generator.render(frame, FRAME_SAMPLES)).toBe(0);
    generator.queue('5');
    expect(generator.render(frame, 100)).toBe(100); // start out of step with the frames
    let written = 0;
    while (generator.active) written += generator.render(frame, FRAME_SAMPLES);
    expect(100 + written).toBe((DIGIT_MS * WIRE_RATE_HZ) / 1000);
  });

  test(`holds ${DTMF_QUEUE_DIGITS} digits, drops and counts the rest, and skips what is not a digit`, () => {
    const generator = new DtmfGenerator();
    expect(generator.queue('1x2')).toBe(2);
    expect(generator.queue('#'.repeat(DTMF_QUEUE_DIGITS))).toBe(DTMF_QUEUE_DIGITS - 2);
    expect(generator.droppedDigits).toBe(2);
  });
});

describe('CaptureFramer with DTMF', () => {
  test('queued digits replace the microphone in the frames, even when muted, and the microphone comes back after', () => {
    const framer = new CaptureFramer(DEVICE_RATE_HZ);
    const micHz = 1_000;
    const quanta = Math.ceil((1.2 * DEVICE_RATE_HZ) / RENDER_QUANTUM_FRAMES);
    const mic = sineFloat(micHz, DEVICE_RATE_HZ, quanta * RENDER_QUANTUM_FRAMES, 0.05);
    const frames: Int16Array[] = [];
    for (let q = 0; q < quanta; q++) {
      if (q === 50) {
        framer.queueDtmf('7*');
        framer.muted = true;
      }
      framer.write(mic.subarray(q * RENDER_QUANTUM_FRAMES, (q + 1) * RENDER_QUANTUM_FRAMES));
      while (framer.framesReady > 0) {
        const frame = new Int16Array(FRAME_SAMPLES);
        framer.takeFrame(frame);
        frames.push(frame);
      }
      if (q === 250) framer.muted = false;
    }
    // The cadence is the microphone's: as many frames as without DTMF.
    expect(frames.length).toBe(Math.floor((quanta * RENDER_QUANTUM_FRAMES * WIRE_RATE_HZ) / DEVICE_RATE_HZ / FRAME_SAMPLES));
    const wire = new Float32Array(frames.length * FRAME_SAMPLES);
    frames.forEach((f, i) => s16ToFloat(f, wire, FRAME_SAMPLES, 0, i * FRAME_SAMPLES));
    const decoded = decodeDtmf(wire, WIRE_RATE_HZ);
    console.info('framer: decoded', decoded.digits, 'at', decoded.tones.map((t) => t.startMs), 'ms, gaps', decoded.gapsMs);
    expect(decoded.digits).toBe('7*');
    // From the first frame after queueDtmf on, the frames hold exactly the generator's output:
    // the microphone is replaced, not mixed in.
    const first = Math.round((decoded.tones[0]?.startMs ?? 0) / FRAME_MS) * FRAME_SAMPLES;
    const { samples: expected } = generate('7*');
    // Within s16 rounding and the ×32767 / ÷32768 scales of pcm.ts.
    expect(maxDifference(wire.subarray(first, first + expected.length), expected)).toBeLessThanOrEqual(2 / 32_768);
    expect(goertzelAmplitude(wire.subarray(first - FRAME_SAMPLES, first), micHz, WIRE_RATE_HZ)).toBeCloseTo(0.05, 2); // mic before
    // Still muted after the digits: silence; unmuted later: the microphone again.
    const after = first + expected.length;
    expect(wire.subarray(after, after + 5 * FRAME_SAMPLES).every((s) => s === 0)).toBe(true);
    const toSample = (ms: number): number => Math.round((ms * WIRE_RATE_HZ) / 1000);
    expect(goertzelAmplitude(wire.subarray(toSample(1_000), toSample(1_150)), micHz, WIRE_RATE_HZ)).toBeCloseTo(0.05, 3);
  });
});

describe('Call.sendDtmf', () => {
  const transport: CallTransport = { sendControl: () => undefined, sendDtmf: () => false, sendAudio: () => true, packetMs: () => 20, forget: () => undefined, measureRtt: async () => null };
  const incoming = { type: 'incoming', callId: 'c1', extension: '2001', callerNumber: null, callerName: null, group: null } as const;
  const codeOf = (f: () => void): string | undefined => {
    try {
      f();
    } catch (e) {
      return e instanceof GagError ? e.code : 'not a GagError';
    }
    return undefined;
  };

  test('refuses anything but 1–64 DTMF digits with GAG_OPTIONS_INVALID, and any state but talking with GAG_CALL_STATE', () => {
    const call = new Call(incoming, transport);
    for (const bad of ['', '12x', 'a', ' 1', '#'.repeat(DTMF_QUEUE_DIGITS + 1), 5 as unknown as string]) {
      expect(codeOf(() => call.sendDtmf(bad))).toBe('GAG_OPTIONS_INVALID');
    }
    expect(codeOf(() => call.sendDtmf('1'))).toBe('GAG_CALL_STATE'); // ringing
    call.answered();
    expect(call.state).toBe('talking');
    expect(codeOf(() => call.sendDtmf(DTMF_DIGITS))).toBeUndefined();
    call.end('remote_hangup');
    expect(codeOf(() => call.sendDtmf('1'))).toBe('GAG_CALL_STATE');
  });
});
