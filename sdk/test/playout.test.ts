import { analyseTone, fillSineS16, rms } from '@gag/e2e/tones';
import { describe, expect, test } from 'vitest';
import { RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { FADE_IN_MS, JITTER_HARD_MAX_MS, JITTER_START_MARGIN_MS } from '../src/audio/jitter-buffer.js';
import { JITTER_MAX_TARGET_MS, JITTER_MIN_TARGET_MS } from '../src/audio/jitter-estimator.js';
import { Playout } from '../src/audio/playout.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';

const DEVICE_RATE_HZ = 44_100;
const QUANTUM_MS = (RENDER_QUANTUM_FRAMES * 1000) / DEVICE_RATE_HZ;

/** Frames `from`…`from + count − 1` of a continuous 16 kHz sine, as one message. */
function sineFrames(hz: number, from: number, count: number): Int16Array {
  const samples = new Int16Array(count * FRAME_SAMPLES);
  fillSineS16(samples, hz, WIRE_RATE_HZ, 0.5, from * FRAME_SAMPLES);
  return samples;
}

function render(playout: Playout, quanta: number): Float32Array {
  const out = new Float32Array(quanta * RENDER_QUANTUM_FRAMES);
  const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
  for (let q = 0; q < quanta; q++) {
    playout.render(quantum, RENDER_QUANTUM_FRAMES);
    out.set(quantum, q * RENDER_QUANTUM_FRAMES);
  }
  return out;
}

const maxStep = (s: Float32Array): number => s.reduce((max, v, i) => (i === 0 ? 0 : Math.max(max, Math.abs(v - (s[i - 1] ?? 0)))), 0);

describe('Playout', () => {
  test(`stays silent until ${JITTER_MIN_TARGET_MS} + ${JITTER_START_MARGIN_MS} ms is buffered, then fades in over ${FADE_IN_MS} ms`, () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(sineFrames(1000, 0, 1), 0);
    playout.write(sineFrames(1000, 1, 1), FRAME_MS); // 40 ms: not enough to start
    expect(rms(render(playout, 5))).toBe(0);
    playout.write(sineFrames(1000, 2, 1), 2 * FRAME_MS); // 60 ms
    const out = render(playout, 10);
    const fadeEnd = Math.ceil((FADE_IN_MS * DEVICE_RATE_HZ) / 1000) + 40; // + the resampler's delay
    expect(Math.max(...out.subarray(0, 20).map(Math.abs))).toBeLessThan(0.05); // no click at the start
    expect(rms(out.subarray(fadeEnd))).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(playout.stats()).toMatchObject({ underruns: 0, framesReceived: 3 });
  });

  test('frames fed just in time play the tone at its frequency and level', () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
    const out = new Float32Array(400 * RENDER_QUANTUM_FRAMES);
    let sent = 0;
    for (let q = 0; q < 400; q++) {
      const nowMs = q * QUANTUM_MS;
      while (sent * FRAME_MS <= nowMs) playout.write(sineFrames(1000, sent, 1), nowMs), sent++;
      playout.render(quantum, RENDER_QUANTUM_FRAMES);
      out.set(quantum, q * RENDER_QUANTUM_FRAMES);
    }
    expect(playout.stats()).toMatchObject({ underruns: 0, droppedFrames: 0, concealedFrames: 0 });
    const tone = analyseTone(out.subarray(10_000, 10_000 + DEVICE_RATE_HZ / 5), DEVICE_RATE_HZ);
    expect(Math.abs(tone.hz - 1000)).toBeLessThanOrEqual(2);
    expect(Math.abs(20 * Math.log10(tone.amplitude / 0.5))).toBeLessThanOrEqual(0.1);
  });

  test('running dry conceals, counts one underrun, and resumes when frames come again', () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(sineFrames(440, 0, 3), 0); // 60 ms
    const first = render(playout, 60); // ~174 ms: runs dry, conceals 60 ms, then silence
    expect(rms(first.subarray(1000, 2000))).toBeGreaterThan(0.3);
    expect(rms(first.subarray(first.length - RENDER_QUANTUM_FRAMES))).toBe(0);
    expect(playout.stats()).toMatchObject({ underruns: 1, concealedFrames: 3 });
    playout.write(sineFrames(440, 3, 3), 200);
    expect(playout.stats().lateFrames).toBe(3);
    expect(rms(render(playout, 20).subarray(1000))).toBeGreaterThan(0.3);
    expect(playout.stats().underruns).toBe(1);
  });

  test(`more than ${JITTER_HARD_MAX_MS} ms buffered is skipped down to the target at once, counted, without a click`, () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(sineFrames(1000, 0, 30), 0); // 600 ms in one go
    const out = render(playout, 50); // ~145 ms
    const stats = playout.stats();
    expect(stats.targetMs).toBe(JITTER_MAX_TARGET_MS); // 30 frames at once: 580 ms of spread
    // depthMs is taken at the last arrival: the 20 ms played before the skip are still in it.
    expect(stats.depthMs).toBeLessThanOrEqual(JITTER_MAX_TARGET_MS + FRAME_MS + 5);
    expect(stats.droppedFrames).toBeGreaterThanOrEqual((600 - JITTER_MAX_TARGET_MS - 4 * FRAME_MS) / FRAME_MS);
    expect(maxStep(out)).toBeLessThanOrEqual(1.5 * 0.5 * 2 * Math.PI * (1000 / DEVICE_RATE_HZ));
  });

  test('a trailing partial frame is ignored', () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(new Int16Array(FRAME_SAMPLES + 10), 0);
    expect(playout.stats()).toMatchObject({ framesReceived: 1, depthMs: FRAME_MS });
  });
});
