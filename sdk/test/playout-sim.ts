/**
 * A simulated clock for the playout tests: frames arrive on a schedule, and the Playout is driven
 * quantum by quantum at 44.1 kHz as the playback worklet drives it, so the jitter buffer's depth,
 * target and counters can be watched over minutes of call in a fraction of a second.
 */
import { analyseTone, fillSineS16 } from '@gag/e2e/tones';
import { RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { JITTER_START_HOLD_MS } from '../src/audio/jitter-buffer.js';
import { Playout, type PlayoutStats } from '../src/audio/playout.js';
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';

export const DEVICE_RATE_HZ = 44_100;
export const QUANTUM_MS = (RENDER_QUANTUM_FRAMES * 1000) / DEVICE_RATE_HZ;
/** Not a whole number of cycles in 100 ms, so losing frames makes a real jump in the waveform. */
export const TONE_HZ = 437;
export const TONE_AMPLITUDE = 0.5;
/** The steepest a 437 Hz sine at 0.5 gets at 44.1 kHz, per sample, and what we call a click: 1.5 times that. */
const SINE_MAX_STEP = TONE_AMPLITUDE * 2 * Math.PI * (TONE_HZ / DEVICE_RATE_HZ);
export const CLICK_STEP = 1.5 * SINE_MAX_STEP;
/** Stats are taken after every TICK_MS of output. */
export const TICK_MS = 100;
/** A call's start is over: its margin held, then compressed away (3 s of settling after the hold). */
export const STARTED_MS = JITTER_START_HOLD_MS + 3_000;

/** Frame k of the sender's continuous tone. */
export const fillTone = (frame: Int16Array, k: number): void => fillSineS16(frame, TONE_HZ, WIRE_RATE_HZ, TONE_AMPLITUDE, k * FRAME_SAMPLES);

/** The bench's microphone, echoed: a 200 ms 1 kHz burst at the start of every second, digital silence after it. */
export const fillBursts = (frame: Int16Array, k: number): void => {
  if ((k * FRAME_MS) % 1_000 < 200) fillSineS16(frame, 1_000, WIRE_RATE_HZ, TONE_AMPLITUDE, k * FRAME_SAMPLES);
  else frame.fill(0);
};

/** When each frame of the sender's stream arrives, ms; null: it never does (lost). */
export type Arrival = (frame: number) => number | null;

export interface Run {
  readonly out: Float32Array;
  /** Stats after every {@link TICK_MS} of output. */
  readonly ticks: PlayoutStats[];
  readonly end: PlayoutStats;
}

/**
 * Drive a Playout as the worklet does: before each quantum, deliver every frame whose arrival
 * time has come, stamped with the quantum's start time (`currentTime`), then render 128 samples.
 */
export function run(arrival: Arrival, durationMs: number, fill: (frame: Int16Array, k: number) => void = fillTone): Run {
  const playout = new Playout(DEVICE_RATE_HZ);
  const quanta = Math.floor(durationMs / QUANTUM_MS);
  const out = new Float32Array(quanta * RENDER_QUANTUM_FRAMES);
  const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
  const frame = new Int16Array(FRAME_SAMPLES);
  const ticks: PlayoutStats[] = [];
  const framesSent = Math.ceil(durationMs / FRAME_MS) + 50;
  const due = Array.from({ length: framesSent }, (_, k) => ({ k, at: arrival(k) }))
    .filter((f): f is { k: number; at: number } => f.at !== null)
    .sort((a, b) => a.at - b.at || a.k - b.k);
  let next = 0;
  for (let q = 0; q < quanta; q++) {
    const nowMs = q * QUANTUM_MS;
    for (; next < due.length && (due[next]?.at ?? Infinity) <= nowMs; next++) {
      const k = due[next]?.k ?? 0;
      fill(frame, k);
      playout.write(frame, nowMs);
    }
    playout.render(quantum, RENDER_QUANTUM_FRAMES);
    out.set(quantum, q * RENDER_QUANTUM_FRAMES);
    if (Math.floor((nowMs + QUANTUM_MS) / TICK_MS) > Math.floor(nowMs / TICK_MS)) ticks.push(playout.stats());
  }
  return { out, ticks, end: playout.stats() };
}

/** Output sample index at `ms`. */
export const at = (ms: number): number => Math.round((ms * DEVICE_RATE_HZ) / 1000);
/** The tick taken at the end of the 100 ms that ends at `ms`. */
export const tickAt = (ticks: PlayoutStats[], ms: number): PlayoutStats | undefined => ticks[Math.round(ms / TICK_MS) - 1];
/** Stats at each whole second. */
export const seconds = (ticks: PlayoutStats[]): PlayoutStats[] => ticks.filter((_, i) => (i + 1) % (1000 / TICK_MS) === 0);
export const depths = (stats: PlayoutStats[]): string => stats.map((s) => s.depthMs.toFixed(1)).join(' ');

/** The tone in 200 ms of output from `fromMs` on (short enough for analyseTone's 5 Hz scan to land on the peak). */
export const toneAt = (out: Float32Array, fromMs: number) => analyseTone(out.subarray(at(fromMs), at(fromMs + 200)), DEVICE_RATE_HZ);

/** The largest sample-to-sample step in `samples`. */
export function maxStep(samples: Float32Array): number {
  let max = 0;
  for (let i = 1; i < samples.length; i++) max = Math.max(max, Math.abs((samples[i] ?? 0) - (samples[i - 1] ?? 0)));
  return max;
}

/** A deterministic wobble of ±`ms`, so arrivals do not all land on the same quantum phase. */
export const wobble = (k: number, ms: number): number => ms * Math.sin(k * 2.39996);
/** Steady arrivals: frame k 1 ms after it is due, ±1 ms. */
export const steady = (k: number): number => k * FRAME_MS + 1 + wobble(k, 1);
/** Frames sent in bursts of `size` every `size` × 20 ms: each burst leaves when its last frame is ready. */
export const bursts = (size: number) => (k: number) => (Math.floor(k / size) + 1) * size * FRAME_MS - FRAME_MS;
/** Steady arrivals, except that frames due in [fromMs, fromMs + stallMs) all come together at its end. */
export const stalled = (fromMs: number, stallMs: number) => (k: number): number => {
  const due = steady(k);
  return due >= fromMs && due < fromMs + stallMs ? fromMs + stallMs : due;
};
