import { analyseTone, fillSineS16 } from '@gag/e2e/tones';
import { describe, expect, test } from 'vitest';
import { CONCEAL_MAX_MS, JITTER_START_HOLD_MS, JITTER_START_MARGIN_MS } from '../src/audio/jitter-buffer.js';
import { JITTER_MIN_TARGET_MS } from '../src/audio/jitter-estimator.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';
import {
  CLICK_STEP,
  DEVICE_RATE_HZ,
  STARTED_MS,
  TICK_MS,
  TONE_AMPLITUDE,
  TONE_HZ,
  at,
  bursts,
  depths,
  maxStep,
  run,
  seconds,
  toneAt,
  wobble,
} from './playout-sim.js';

describe('JitterBuffer (through Playout at 44.1 kHz)', () => {
  test(`a steady stream settles near ${JITTER_MIN_TARGET_MS} ms with no underrun and plays the tone untouched`, () => {
    const { out, ticks, end } = run((k) => k * FRAME_MS + 1 + wobble(k, 1), STARTED_MS + 1_000);
    console.info('steady: depth per second', depths(seconds(ticks)), 'ms; end', end);
    expect(end).toMatchObject({ underruns: 0, concealedFrames: 0, droppedFrames: 0, lateFrames: 0, targetMs: JITTER_MIN_TARGET_MS });
    expect(end.depthMs).toBeGreaterThanOrEqual(JITTER_MIN_TARGET_MS - 5);
    expect(end.depthMs).toBeLessThanOrEqual(JITTER_MIN_TARGET_MS + 5);
    const tone = toneAt(out, STARTED_MS);
    console.info('steady: tone', tone);
    expect(Math.abs(tone.hz - TONE_HZ)).toBeLessThanOrEqual(1);
    expect(Math.abs(20 * Math.log10(tone.amplitude / TONE_AMPLITUDE))).toBeLessThanOrEqual(0.1);
    expect(tone.purity).toBeGreaterThan(0.999);
    expect(maxStep(out)).toBeLessThanOrEqual(CLICK_STEP);
  });

  test('bursts of 5 frames every 100 ms grow the depth until no underrun happens', () => {
    const { out, ticks, end } = run(bursts(5), 8_000);
    console.info('bursts: depth per 100 ms', depths(ticks.slice(0, 30)), '… ms; end', end);
    const adapted = seconds(ticks)[1];
    expect(adapted).toBeDefined();
    expect(end.underruns).toBe(adapted?.underruns); // none after the first 2 s
    expect(end.targetMs).toBeGreaterThanOrEqual(100); // a burst's first frame is 80 ms late
    expect(end.depthMs).toBeGreaterThanOrEqual(end.targetMs - 10);
    expect(end.depthMs).toBeLessThanOrEqual(end.targetMs + 20);
    // Stretching repeats whole periods at the best lag: the tone stays clean and click-free.
    for (const fromMs of [3_000, 5_000, 7_000]) {
      const tone = toneAt(out, fromMs);
      expect(Math.abs(tone.hz - TONE_HZ)).toBeLessThanOrEqual(1);
      expect(Math.abs(20 * Math.log10(tone.amplitude / TONE_AMPLITUDE))).toBeLessThanOrEqual(0.5);
    }
    expect(maxStep(out)).toBeLessThanOrEqual(CLICK_STEP);
  });

  test(`a 100 ms gap is concealed for ${CONCEAL_MAX_MS} ms, then silent, counted, and never clicks`, () => {
    const gapStartMs = 1_000;
    const lost = (k: number): boolean => k * FRAME_MS >= gapStartMs && k * FRAME_MS < gapStartMs + 100;
    const { out, end } = run((k) => (lost(k) ? null : k * FRAME_MS + 1 + wobble(k, 1)), 2_000);
    console.info('gap: end', end, 'max step', maxStep(out).toFixed(4), 'bound', CLICK_STEP.toFixed(4));
    expect(end).toMatchObject({ underruns: 1, concealedFrames: CONCEAL_MAX_MS / FRAME_MS });
    expect(end.droppedFrames).toBeLessThanOrEqual(1); // the restart's start margin, compressed away
    expect(end.lateFrames).toBeGreaterThanOrEqual(1);
    expect(maxStep(out)).toBeLessThanOrEqual(CLICK_STEP);

    // The output: tone, concealment (full level, then fading), silence, tone again.
    const zeros = runsOfZeros(out.subarray(at(gapStartMs), at(gapStartMs + 200)));
    expect(zeros.length).toBe(1);
    const silentMs = ((zeros[0]?.length ?? 0) * 1000) / DEVICE_RATE_HZ;
    const silenceStartMs = gapStartMs + ((zeros[0]?.start ?? 0) * 1000) / DEVICE_RATE_HZ;
    console.info(`gap: silence from ${silenceStartMs.toFixed(1)} ms for ${silentMs.toFixed(1)} ms`);
    expect(silentMs).toBeGreaterThanOrEqual(20);
    const concealment = out.subarray(at(silenceStartMs - CONCEAL_MAX_MS), at(silenceStartMs - CONCEAL_MAX_MS + 10));
    const concealed = analyseTone(concealment, DEVICE_RATE_HZ);
    expect(Math.abs(concealed.hz - TONE_HZ)).toBeLessThanOrEqual(15); // 10 ms: coarse bins
    expect(concealed.amplitude).toBeGreaterThan(0.4);
    const after = toneAt(out, silenceStartMs + silentMs + 20);
    expect(Math.abs(after.hz - TONE_HZ)).toBeLessThanOrEqual(1);
    expect(Math.abs(20 * Math.log10(after.amplitude / TONE_AMPLITUDE))).toBeLessThanOrEqual(0.1);
  });

  test('a call whose first frames come unevenly (the page busy answering holds two for 30 ms) starts with no underrun', () => {
    // Frames due from 81 ms to 110 ms are handed over together at 111 ms.
    const { out, ticks, end } = run((k) => Math.max(k * FRAME_MS + 1, k * FRAME_MS + 1 >= 81 && k * FRAME_MS + 1 < 111 ? 111 : 0), STARTED_MS + 1_000);
    console.info('start: depth per second', depths(seconds(ticks)), 'ms; end', end);
    expect(end).toMatchObject({ underruns: 0, concealedFrames: 0, targetMs: JITTER_MIN_TARGET_MS });
    // The start margin holds for the first seconds, then goes: the depth settles to the target itself.
    for (const tick of ticks.slice(10, JITTER_START_HOLD_MS / TICK_MS)) expect(tick.depthMs).toBeGreaterThanOrEqual(JITTER_MIN_TARGET_MS + JITTER_START_MARGIN_MS - 10);
    for (const tick of ticks.slice(STARTED_MS / TICK_MS)) expect(tick.depthMs).toBeLessThanOrEqual(JITTER_MIN_TARGET_MS + 6);
    const tone = toneAt(out, STARTED_MS);
    expect(Math.abs(tone.hz - TONE_HZ)).toBeLessThanOrEqual(1);
    expect(maxStep(out)).toBeLessThanOrEqual(CLICK_STEP);
  });

  // 0.1 % is ten times a poor crystal's drift: 30 ms of difference in 30 s.
  test.each([
    ['0.1 % fast', 0.999],
    ['0.1 % slow', 1.001],
  ])('a sender clock %s is absorbed a period at a time, with no underrun', (_name, periodScale) => {
    const { out, ticks, end } = run((k) => k * FRAME_MS * periodScale + 1 + wobble(k, 1), 30_000);
    console.info(`drift ×${periodScale}: depth per second`, depths(seconds(ticks)), 'ms; end', end);
    expect(end.underruns).toBe(0);
    expect(end.targetMs).toBe(JITTER_MIN_TARGET_MS);
    for (const tick of ticks.slice(STARTED_MS / TICK_MS)) {
      expect(tick.depthMs).toBeGreaterThanOrEqual(JITTER_MIN_TARGET_MS - 10);
      expect(tick.depthMs).toBeLessThanOrEqual(JITTER_MIN_TARGET_MS + 15);
    }
    expect(maxStep(out)).toBeLessThanOrEqual(CLICK_STEP);
  });

  test('calm after jitter shrinks the depth back to the target, a period at a time', () => {
    const calmFromMs = 3_000;
    const calmFrame = calmFromMs / FRAME_MS;
    const { out, ticks, end } = run((k) => (k < calmFrame ? bursts(5)(k) : k * FRAME_MS + 1 + wobble(k, 1)), 10_000);
    console.info('calm: depth per 100 ms from 4.5 s', depths(ticks.slice(45, 70)), '… ms; end', end);
    const jittery = seconds(ticks)[2];
    expect(jittery?.depthMs).toBeGreaterThanOrEqual(100);
    expect(end.targetMs).toBe(JITTER_MIN_TARGET_MS);
    expect(end.depthMs).toBeLessThanOrEqual(JITTER_MIN_TARGET_MS + 12);
    expect(end.underruns).toBe(jittery?.underruns);
    expect(end.droppedFrames).toBeGreaterThan(0); // the excess was compressed away, not played late
    // A period (≤ 15 ms) at a time, at most every 120 ms: never more than 15 ms less per 100 ms.
    const calmTicks = ticks.slice(calmFromMs / TICK_MS);
    const fastestDropMs = Math.max(...calmTicks.slice(1).map((t, i) => (calmTicks[i]?.depthMs ?? 0) - t.depthMs));
    console.info(`calm: fastest shrink ${fastestDropMs.toFixed(1)} ms per 100 ms`);
    expect(fastestDropMs).toBeGreaterThan(0);
    expect(fastestDropMs).toBeLessThanOrEqual(15);
    expect(maxStep(out)).toBeLessThanOrEqual(CLICK_STEP);
    const tone = toneAt(out, 9_000);
    expect(Math.abs(tone.hz - TONE_HZ)).toBeLessThanOrEqual(1);
  });
});

describe('JitterBuffer splices', () => {
  test('never click, even on a chord of unrelated tones that no single lag matches', () => {
    // Six tones with no common period in the 4–15 ms a splice can use: only the cross-fades keep
    // stretching, compressing, concealing and merging free of steps.
    const chordHz = [131, 173, 229, 283, 337, 397];
    const amplitude = 0.1;
    const part = new Int16Array(FRAME_SAMPLES);
    const fill = (frame: Int16Array, k: number): void => {
      frame.fill(0);
      for (const hz of chordHz) {
        fillSineS16(part, hz, WIRE_RATE_HZ, amplitude, k * FRAME_SAMPLES);
        for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = (frame[i] ?? 0) + (part[i] ?? 0);
      }
    };
    // Bursts (stretching), then calm (compressing), then a stall: two frames come late in one go,
    // just after the buffer ran dry (concealment, then a merge at full level), then a 100 ms loss
    // (concealment, silence, fade-in).
    const stalled = (k: number): boolean => k * FRAME_MS >= 5_000 && k * FRAME_MS < 5_040;
    const lost = (k: number): boolean => k * FRAME_MS >= 6_000 && k * FRAME_MS < 6_100;
    const arrival = (k: number): number | null =>
      k * FRAME_MS < 2_000 ? bursts(5)(k) : lost(k) ? null : stalled(k) ? 5_025 : k * FRAME_MS + 1 + wobble(k, 1);
    const { out, ticks, end } = run(arrival, 7_000, fill);
    console.info('chord: underruns per 100 ms', ticks.map((t) => t.underruns).join(''));
    const bound = 1.5 * amplitude * 2 * Math.PI * (chordHz.reduce((sum, hz) => sum + hz, 0) / DEVICE_RATE_HZ);
    console.info('chord: end', end, `max step ${maxStep(out).toFixed(4)}, bound ${bound.toFixed(4)}`);
    expect(end.underruns).toBe(2);
    expect(end.droppedFrames).toBeGreaterThan(0);
    expect(end.concealedFrames).toBeGreaterThanOrEqual(CONCEAL_MAX_MS / FRAME_MS);
    expect(maxStep(out)).toBeLessThanOrEqual(bound);
  });

  test('audio resuming after a lost frame cross-fades into the concealment at full level', () => {
    // Frame 250 is lost; 251 and 252 come together just after the buffer ran dry (~5018 ms), so
    // concealment is still at full level and the new audio, 20 ms on in the tone, must be merged.
    const arrival = (k: number): number | null => (k === 250 ? null : k === 251 || k === 252 ? 5_025 : k * FRAME_MS + 1 + wobble(k, 1));
    const { out, end } = run(arrival, 5_300);
    const around = out.subarray(at(5_000), at(5_100));
    console.info('merge: end', end, `max step ${maxStep(around).toFixed(4)}, bound ${CLICK_STEP.toFixed(4)}`);
    expect(end).toMatchObject({ underruns: 1, concealedFrames: 0, lateFrames: 2 });
    expect(Math.min(...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => Math.max(...around.subarray(at(i * 10), at(i * 10 + 5)))))).toBeGreaterThan(0.4);
    expect(maxStep(around)).toBeLessThanOrEqual(CLICK_STEP);
  });
});

/** Runs of exact zeros at least 1 ms long in `samples`. */
function runsOfZeros(samples: Float32Array): { start: number; length: number }[] {
  const runs: { start: number; length: number }[] = [];
  let start = -1;
  for (let i = 0; i <= samples.length; i++) {
    const zero = i < samples.length && samples[i] === 0;
    if (zero && start < 0) start = i;
    if (!zero && start >= 0) {
      if (i - start >= at(1)) runs.push({ start, length: i - start });
      start = -1;
    }
  }
  return runs;
}
