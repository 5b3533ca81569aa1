import { analyseTone, sineFloat } from '@gag/e2e/tones';
import { describe, expect, test } from 'vitest';
import { CaptureFramer, RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { floatToS16, s16ToFloat } from '../src/audio/pcm.js';
import { Resampler } from '../src/audio/resampler.js';
import { FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';

const DEVICE_RATE_HZ = 44_100;

/** Run `quanta` render quanta of `input` through a framer, taking every frame as it is ready. */
function capture(framer: CaptureFramer, input: Float32Array | undefined, quanta: number): Int16Array[] {
  const frames: Int16Array[] = [];
  const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
  for (let q = 0; q < quanta; q++) {
    if (input !== undefined) quantum.set(input.subarray(q * RENDER_QUANTUM_FRAMES, (q + 1) * RENDER_QUANTUM_FRAMES));
    framer.write(input === undefined ? undefined : quantum);
    while (framer.framesReady > 0) {
      // Oversized on purpose: a frame must fill exactly FRAME_SAMPLES and leave the rest alone.
      const frame = new Int16Array(FRAME_SAMPLES + 1).fill(12_345);
      expect(framer.takeFrame(frame)).toBe(true);
      expect(frame[FRAME_SAMPLES]).toBe(12_345);
      frames.push(frame.subarray(0, FRAME_SAMPLES));
    }
  }
  return frames;
}

const concat = (frames: Int16Array[]): Int16Array => {
  const all = new Int16Array(frames.length * FRAME_SAMPLES);
  frames.forEach((f, i) => all.set(f, i * FRAME_SAMPLES));
  return all;
};

/** The frames as one float signal, for the tone tools. */
const toFloat = (frames: Int16Array[]): Float32Array => {
  const all = concat(frames);
  const out = new Float32Array(all.length);
  s16ToFloat(all, out, all.length);
  return out;
};

describe('CaptureFramer', () => {
  test('10,000 quanta at 44.1 kHz become whole 20 ms frames with no sample lost or repeated', () => {
    const quanta = 10_000;
    const input = sineFloat(1000, DEVICE_RATE_HZ, quanta * RENDER_QUANTUM_FRAMES, 0.5);
    const frames = capture(new CaptureFramer(DEVICE_RATE_HZ), input, quanta);

    // The same input through one resampler in one go is the reference stream.
    const reference = new Resampler(DEVICE_RATE_HZ, WIRE_RATE_HZ, { inputCapacitySamples: input.length });
    reference.push(input, input.length);
    const expectedFloats = new Float32Array(reference.outputAvailable);
    reference.pull(expectedFloats, expectedFloats.length);
    expect(frames.length).toBe(Math.floor(expectedFloats.length / FRAME_SAMPLES));
    const expected = new Int16Array(frames.length * FRAME_SAMPLES);
    floatToS16(expectedFloats, expected, expected.length);
    expect(concat(frames)).toEqual(expected);

    const tone = analyseTone(toFloat(frames.slice(10, 60)), WIRE_RATE_HZ);
    expect(tone.hz).toBe(1000);
    expect(tone.amplitude).toBeCloseTo(0.5, 2);
  });

  test('frames come at a steady 20 ms cadence: after n quanta, floor(n·128/44100 s / 20 ms) frames, give or take the filter delay', () => {
    const framer = new CaptureFramer(DEVICE_RATE_HZ);
    let taken = 0;
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let q = 1; q <= 5_000; q++) {
      framer.write(undefined);
      while (framer.takeFrame(frame)) taken++;
      const elapsedMs = (q * RENDER_QUANTUM_FRAMES * 1000) / DEVICE_RATE_HZ;
      expect(Math.abs(taken - elapsedMs / 20)).toBeLessThanOrEqual(2);
    }
  });

  test('missing input counts as silence, so frames flow before the microphone connects', () => {
    const frames = capture(new CaptureFramer(DEVICE_RATE_HZ), undefined, 100);
    expect(frames.length).toBeGreaterThanOrEqual(14);
    for (const frame of frames) expect(frame.every((s) => s === 0)).toBe(true);
  });

  test('muted frames hold silence at the same cadence, and unmuting brings the microphone back', () => {
    const input = sineFloat(440, DEVICE_RATE_HZ, 300 * RENDER_QUANTUM_FRAMES, 0.5);
    const framer = new CaptureFramer(DEVICE_RATE_HZ);
    const live = capture(framer, input.subarray(0, 100 * RENDER_QUANTUM_FRAMES), 100);
    framer.muted = true;
    const muted = capture(framer, input.subarray(100 * RENDER_QUANTUM_FRAMES), 100);
    framer.muted = false;
    const back = capture(framer, input.subarray(200 * RENDER_QUANTUM_FRAMES), 100);
    expect(muted.length).toBeGreaterThanOrEqual(14);
    for (const frame of muted) expect(frame.every((s) => s === 0)).toBe(true);
    expect(analyseTone(toFloat(live.slice(2)), WIRE_RATE_HZ).hz).toBe(440);
    const resumed = analyseTone(toFloat(back), WIRE_RATE_HZ);
    expect(resumed.hz).toBe(440);
    expect(resumed.amplitude).toBeCloseTo(0.5, 2);
  });

  test('a frame with nowhere to go is dropped whole and counted', () => {
    const framer = new CaptureFramer(DEVICE_RATE_HZ);
    let dropped = 0;
    for (let q = 0; q < 100; q++) {
      framer.write(undefined);
      while (framer.takeFrame(null)) dropped++;
    }
    expect(dropped).toBeGreaterThanOrEqual(14);
    expect(framer.framesDropped).toBe(dropped);
    expect(framer.framesTaken).toBe(0);
  });

  test('48 kHz and 16 kHz devices give whole frames too', () => {
    for (const rateHz of [48_000, 16_000]) {
      const frames = capture(new CaptureFramer(rateHz), sineFloat(1000, rateHz, 500 * RENDER_QUANTUM_FRAMES), 500);
      const idealFrames = (500 * RENDER_QUANTUM_FRAMES * WIRE_RATE_HZ) / rateHz / FRAME_SAMPLES;
      expect(Math.abs(frames.length - idealFrames)).toBeLessThanOrEqual(1);
      const tone = analyseTone(toFloat(frames.slice(2)), WIRE_RATE_HZ);
      expect(tone.hz).toBe(1000);
      expect(tone.amplitude).toBeCloseTo(0.5, 2);
    }
  });
});
