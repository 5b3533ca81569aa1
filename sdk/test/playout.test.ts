import { analyseTone, fillSineS16, rms } from '@gag/e2e';
import { describe, expect, test } from 'vitest';
import { RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { s16ToFloat } from '../src/audio/pcm.js';
import { PLAYOUT_MAX_MS, PLAYOUT_PRIME_MS, Playout } from '../src/audio/playout.js';
import { Resampler } from '../src/audio/resampler.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';

const DEVICE_RATE_HZ = 44_100;

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

describe('Playout', () => {
  test(`stays silent until ${PLAYOUT_PRIME_MS} ms is buffered, then plays`, () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(sineFrames(1000, 0, 1)); // 20 ms: not enough
    expect(rms(render(playout, 5))).toBe(0);
    expect(playout.stats().underruns).toBe(0);
    playout.write(sineFrames(1000, 1, 1)); // 40 ms
    expect(rms(render(playout, 5))).toBeGreaterThan(0.1);
  });

  test('frames fed just in time play as the continuous tone, sample-exact', () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    const frames = 100;
    const all = sineFrames(1000, 0, frames);
    const quanta = Math.floor(((frames - 3) * FRAME_MS * DEVICE_RATE_HZ) / 1000 / RENDER_QUANTUM_FRAMES);
    const out = new Float32Array(quanta * RENDER_QUANTUM_FRAMES);
    const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
    let sent = 0;
    for (let q = 0; q < quanta; q++) {
      // Keep about three frames ahead of the output clock, as a steady network would.
      const playedMs = (q * RENDER_QUANTUM_FRAMES * 1000) / DEVICE_RATE_HZ;
      while (sent < frames && sent * FRAME_MS < playedMs + 3 * FRAME_MS) {
        playout.write(all.subarray(sent * FRAME_SAMPLES, (sent + 1) * FRAME_SAMPLES));
        sent++;
      }
      playout.render(quantum, RENDER_QUANTUM_FRAMES);
      out.set(quantum, q * RENDER_QUANTUM_FRAMES);
    }
    expect(playout.stats()).toMatchObject({ underruns: 0, droppedSamples: 0 });

    // Reference: the whole stream through one resampler. Three frames (60 ms ≥ the prime level)
    // arrive before the first quantum, so playout starts at once and must match from sample 0.
    const floats = new Float32Array(all.length);
    s16ToFloat(all, floats, all.length);
    const reference = new Resampler(WIRE_RATE_HZ, DEVICE_RATE_HZ, { inputCapacitySamples: floats.length });
    reference.push(floats, floats.length);
    const expected = new Float32Array(reference.outputAvailable);
    reference.pull(expected, expected.length);
    expect(expected.length).toBeGreaterThanOrEqual(out.length);
    expect(out).toEqual(expected.subarray(0, out.length));

    const tone = analyseTone(out.subarray(2000, 2000 + DEVICE_RATE_HZ), DEVICE_RATE_HZ);
    expect(Math.abs(tone.hz - 1000)).toBeLessThanOrEqual(2);
    expect(Math.abs(20 * Math.log10(tone.amplitude / 0.5))).toBeLessThanOrEqual(0.5);
  });

  test('an underrun plays silence, is counted, and waits for the prime level again', () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(sineFrames(440, 0, 3)); // 60 ms
    const first = render(playout, 30); // ~87 ms: runs dry part-way
    expect(rms(first.subarray(0, 1000))).toBeGreaterThan(0.1);
    expect(rms(first.subarray(first.length - RENDER_QUANTUM_FRAMES))).toBe(0);
    expect(playout.stats().underruns).toBe(1);
    playout.write(sineFrames(440, 3, 1)); // 20 ms more is below the prime level (with the leftover)
    expect(rms(render(playout, 3))).toBe(0);
    expect(playout.stats().underruns).toBe(1); // not playing, so no further underruns
    playout.write(sineFrames(440, 4, 1));
    expect(rms(render(playout, 3))).toBeGreaterThan(0.1);
  });

  test(`more than ${PLAYOUT_MAX_MS} ms buffered drops the oldest audio and counts it`, () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(sineFrames(1000, 0, 30)); // 600 ms
    const stats = playout.stats();
    expect(stats.bufferedMs).toBe(PLAYOUT_MAX_MS);
    expect(stats.droppedSamples).toBe((100 * WIRE_RATE_HZ) / 1000);
    expect(stats.framesReceived).toBe(30);
  });

  test('a trailing partial frame is ignored', () => {
    const playout = new Playout(DEVICE_RATE_HZ);
    playout.write(new Int16Array(FRAME_SAMPLES + 10));
    expect(playout.stats()).toMatchObject({ framesReceived: 1, bufferedMs: FRAME_MS });
  });
});
