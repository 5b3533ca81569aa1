import { analyseTone, goertzelAmplitude, rms, sineFloat } from '@gag/e2e/tones';
import { describe, expect, test } from 'vitest';
import { RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { Resampler } from '../src/audio/resampler.js';

const AMPLITUDE = 0.5;
const db = (ratio: number): number => 20 * Math.log10(ratio);

/** Capture-style use: push one quantum, pull everything ready. Returns the output and the count of each pull. */
function pushQuanta(r: Resampler, input: Float32Array, quantum = RENDER_QUANTUM_FRAMES): { out: Float32Array; counts: number[] } {
  const out = new Float32Array(Math.ceil((input.length * r.toHz) / r.fromHz) + 2);
  const counts: number[] = [];
  let written = 0;
  for (let offset = 0; offset + quantum <= input.length; offset += quantum) {
    expect(r.push(input, quantum, offset)).toBe(quantum);
    const n = r.pull(out, r.outputAvailable, written);
    counts.push(n);
    written += n;
  }
  return { out: out.subarray(0, written), counts };
}

/** Playback-style use: pull exactly one quantum each time, pushing what inputNeeded asks for. */
function pullQuanta(r: Resampler, input: Float32Array, quanta: number): { out: Float32Array; pushed: number[] } {
  const out = new Float32Array(quanta * RENDER_QUANTUM_FRAMES);
  const pushed: number[] = [];
  let consumed = 0;
  for (let q = 0; q < quanta; q++) {
    const need = r.inputNeeded(RENDER_QUANTUM_FRAMES);
    expect(r.push(input, need, consumed)).toBe(need);
    consumed += need;
    pushed.push(need);
    expect(r.pull(out, RENDER_QUANTUM_FRAMES, q * RENDER_QUANTUM_FRAMES)).toBe(RENDER_QUANTUM_FRAMES);
  }
  return { out, pushed };
}

/** Output samples the filter's ramp-in affects: one filter length of input, in output samples. */
const rampIn = (r: Resampler): number => Math.ceil((r.filterLength * r.toHz) / r.fromHz);

describe('a tone passes through at the same frequency and level', () => {
  const cases = [
    [44_100, 16_000],
    [48_000, 16_000],
    [16_000, 44_100],
    [16_000, 48_000],
  ] as const;
  for (const [fromHz, toHz] of cases) {
    for (const hz of [440, 1000, 3000]) {
      test(`${hz} Hz from ${fromHz} Hz to ${toHz} Hz, in 128-sample quanta`, () => {
        const r = new Resampler(fromHz, toHz);
        const input = sineFloat(hz, fromHz, Math.ceil(fromHz * 1.2), AMPLITUDE);
        const out =
          fromHz > toHz
            ? pushQuanta(r, input).out
            : pullQuanta(r, input, Math.floor((toHz * 1.1) / RENDER_QUANTUM_FRAMES)).out;
        const steady = out.subarray(rampIn(r), rampIn(r) + toHz); // one second after the ramp-in
        expect(steady.length).toBe(toHz);
        const tone = analyseTone(steady, toHz);
        expect(Math.abs(tone.hz - hz)).toBeLessThanOrEqual(2);
        expect(Math.abs(db(tone.amplitude / AMPLITUDE))).toBeLessThanOrEqual(0.5);
        expect(tone.purity).toBeGreaterThan(0.999);
      });
    }
  }
});

describe('the anti-aliasing and anti-imaging filter', () => {
  test('a 10 kHz tone at 44.1 kHz comes out of 16 kHz at least 40 dB down', () => {
    const r = new Resampler(44_100, 16_000);
    const { out } = pushQuanta(r, sineFloat(10_000, 44_100, 44_100, AMPLITUDE));
    const steady = out.subarray(rampIn(r));
    // Unfiltered, 10 kHz would fold to 6 kHz: check both the alias and the whole signal.
    expect(db(goertzelAmplitude(steady, 6_000, 16_000) / AMPLITUDE)).toBeLessThan(-40);
    expect(db(rms(steady) / (AMPLITUDE / Math.SQRT2))).toBeLessThan(-40);
  });

  test('a 12 kHz tone at 48 kHz comes out of 16 kHz at least 40 dB down', () => {
    const r = new Resampler(48_000, 16_000);
    const steady = pushQuanta(r, sineFloat(12_000, 48_000, 48_000, AMPLITUDE)).out.subarray(rampIn(r));
    expect(db(rms(steady) / (AMPLITUDE / Math.SQRT2))).toBeLessThan(-40);
  });

  test('upsampling 1 kHz from 16 kHz to 44.1 kHz leaves its image at 15 kHz at least 40 dB down', () => {
    const r = new Resampler(16_000, 44_100);
    const { out } = pullQuanta(r, sineFloat(1000, 16_000, 20_000, AMPLITUDE), 350);
    const steady = out.subarray(rampIn(r));
    expect(db(goertzelAmplitude(steady, 15_000, 44_100) / AMPLITUDE)).toBeLessThan(-40);
    expect(db(goertzelAmplitude(steady, 17_000, 44_100) / AMPLITUDE)).toBeLessThan(-40);
  });
});

describe('sample counts follow the rate ratio exactly', () => {
  test('each 128-sample quantum at 44.1 kHz gives 46 or 47 samples at 16 kHz, and 10,000 quanta never drift', () => {
    const r = new Resampler(44_100, 16_000);
    const input = new Float32Array(RENDER_QUANTUM_FRAMES);
    const out = new Float32Array(64);
    let pushed = 0;
    let pulled = 0;
    for (let q = 0; q < 10_000; q++) {
      r.push(input, RENDER_QUANTUM_FRAMES);
      pushed += RENDER_QUANTUM_FRAMES;
      const n = r.pull(out, out.length);
      pulled += n;
      if (q > 0) expect(n === 46 || n === 47).toBe(true); // the first quantum fills the filter
      // Output k needs input up to k·from/to + filterLength/2: the count is exact to one sample.
      const ideal = ((pushed - r.filterLength / 2) * 16_000) / 44_100;
      expect(Math.abs(pulled - ideal)).toBeLessThanOrEqual(1);
    }
  });

  test('pulling 128 samples at 48 kHz asks for 42 or 43 samples at 16 kHz, without drift', () => {
    const r = new Resampler(16_000, 48_000);
    const input = new Float32Array(RENDER_QUANTUM_FRAMES);
    const out = new Float32Array(RENDER_QUANTUM_FRAMES);
    let pushed = 0;
    for (let q = 1; q <= 10_000; q++) {
      const need = r.inputNeeded(RENDER_QUANTUM_FRAMES);
      if (q > 1) expect(need === 42 || need === 43).toBe(true);
      expect(r.push(input, need)).toBe(need);
      pushed += need;
      expect(r.outputAvailable).toBeGreaterThanOrEqual(RENDER_QUANTUM_FRAMES);
      expect(r.pull(out, RENDER_QUANTUM_FRAMES)).toBe(RENDER_QUANTUM_FRAMES);
      const ideal = (q * RENDER_QUANTUM_FRAMES * 16_000) / 48_000 + r.filterLength / 2;
      expect(Math.abs(pushed - ideal)).toBeLessThanOrEqual(1);
    }
  });

  test('inputNeeded is exact: one sample fewer is not enough', () => {
    const r = new Resampler(16_000, 44_100);
    const input = sineFloat(700, 16_000, 4000);
    let offset = 0;
    for (let q = 0; q < 50; q++) {
      const need = r.inputNeeded(RENDER_QUANTUM_FRAMES);
      r.push(input, need - 1, offset);
      expect(r.outputAvailable).toBeLessThan(RENDER_QUANTUM_FRAMES);
      r.push(input, 1, offset + need - 1);
      offset += need;
      expect(r.outputAvailable).toBeGreaterThanOrEqual(RENDER_QUANTUM_FRAMES);
      r.pull(new Float32Array(RENDER_QUANTUM_FRAMES), RENDER_QUANTUM_FRAMES);
    }
  });
});

describe('streaming is seamless', () => {
  /** A 200 Hz → 6 kHz chirp: every sample differs, so a gap or a repeat shows. */
  function chirp(rateHz: number, count: number): Float32Array {
    const out = new Float32Array(count);
    const seconds = count / rateHz;
    for (let i = 0; i < count; i++) {
      const t = i / rateHz;
      out[i] = 0.5 * Math.sin(2 * Math.PI * (200 * t + ((6000 - 200) * t * t) / (2 * seconds)));
    }
    return out;
  }

  for (const [fromHz, toHz] of [
    [44_100, 16_000],
    [16_000, 44_100],
    [48_000, 16_000],
    [16_000, 16_000],
  ] as const) {
    test(`a chirp from ${fromHz} Hz to ${toHz} Hz fed in odd-sized chunks equals the chirp fed in one chunk`, () => {
      const input = chirp(fromHz, fromHz);
      const whole = new Resampler(fromHz, toHz, { inputCapacitySamples: input.length });
      expect(whole.push(input, input.length)).toBe(input.length);
      const expected = new Float32Array(whole.outputAvailable);
      expect(whole.pull(expected, expected.length)).toBe(expected.length);
      expect(expected.length).toBeGreaterThan(toHz * 0.9);

      const pieces = new Resampler(fromHz, toHz);
      const got = new Float32Array(expected.length);
      const sizes = [1, 7, 128, 333, 2, 64, 1021, 5];
      let offset = 0;
      let written = 0;
      for (let k = 0; offset < input.length; k++) {
        const n = Math.min(sizes[k % sizes.length] ?? 1, input.length - offset);
        offset += pieces.push(input, n, offset);
        // Pull in odd sizes too, leaving some behind now and then.
        written += pieces.pull(got, Math.min(sizes[(k + 3) % sizes.length] ?? 1, got.length - written), written);
      }
      written += pieces.pull(got, got.length - written, written);
      expect(written).toBe(expected.length);
      expect(got).toEqual(expected);
    });
  }

  test('equal rates pass samples through unchanged, with no delay', () => {
    const r = new Resampler(16_000, 16_000);
    const input = sineFloat(1000, 16_000, 1000);
    r.push(input, input.length);
    const out = new Float32Array(input.length);
    expect(r.pull(out, out.length)).toBe(input.length);
    expect(out).toEqual(input);
  });

  test('push takes only what fits, and more after a pull', () => {
    const r = new Resampler(48_000, 16_000, { inputCapacitySamples: 300 });
    const input = new Float32Array(1000);
    const first = r.push(input, input.length);
    expect(first).toBe(r.filterLength + 300 - r.filterLength / 2 + 1);
    expect(r.inputSpace).toBe(0);
    r.pull(new Float32Array(200), 200);
    expect(r.push(input, input.length - first, first)).toBeGreaterThan(0);
  });
});

test('rates must be positive integers', () => {
  expect(() => new Resampler(44_100.5, 16_000)).toThrow(RangeError);
  expect(() => new Resampler(44_100, 0)).toThrow(/toHz/);
});
