/**
 * The jitter buffer's durations: what it keeps, how fast it adapts, and each in samples at a wire
 * rate ({@link samplesFor}). Read with jitter-buffer.ts, which re-exports the public ones.
 * @packageDocumentation
 */
import { FRAME_MS } from '../wire-units.js';
import { JITTER_MIN_TARGET_MS } from './jitter-estimator.js';

/**
 * A stream starts playing (a call's first frames, or frames after silence) only once this much
 * more than the target is buffered. A call keeps at least the target plus this for its first
 * {@link JITTER_START_HOLD_MS}: those are the page's busiest (answering, the call screen, the first
 * quality report, an early garbage collection), and one late frame would otherwise run the buffer
 * dry. It is a floor, not an addition: first frames that came in a bunch already raised the
 * target by their spread. After silence the margin is compressed away at once.
 */
export const JITTER_START_MARGIN_MS = 20;
/** How long the start margin is kept; then it is compressed away, down to the target itself. */
export const JITTER_START_HOLD_MS = 4_000;
/** Storage of the ring. Only a stalled reader gets near it: reads jump back to the target above {@link JITTER_HARD_MAX_MS}. */
export const JITTER_CAPACITY_MS = 1_000;
/** Buffered audio beyond this is skipped at once (with a cross-fade) down to the target: late audio is worse than lost audio. */
export const JITTER_HARD_MAX_MS = 300;
/** Concealment repeats the last pitch period at full level for this long, then fades it out… */
export const CONCEAL_HOLD_MS = 10;
/** …reaching silence this long after the underrun (as in G.711 Appendix I). */
export const CONCEAL_MAX_MS = 60;
/** Audio that resumes after an underrun (or starts) ramps up from the concealment's level over this long. */
export const FADE_IN_MS = 5;
/** Cross-fade and correlation window of a splice, and the look-ahead always kept back for it. */
export const SPLICE_MS = 4;
/** Lags a splice may repeat or skip: pitch periods of 67–250 Hz, and never shorter than the cross-fade. */
export const MIN_LAG_MS = SPLICE_MS;
export const MAX_LAG_MS = 15;
/** Grow when the depth is this far under the target; at most one stretch per interval of output. */
export const GROW_HYSTERESIS_MS = 5;
export const GROW_INTERVAL_MS = 20;
/** Shrink when this far over the target; one compression (≤ MAX_LAG_MS) per interval: ≤ 12 % faster. */
export const SHRINK_HYSTERESIS_MS = 10;
export const SHRINK_INTERVAL_MS = 120;
/**
 * For this long after the hold, shrink down to the grow hysteresis instead: the start margin is
 * compressed away to the target itself, not left standing at the top of the band.
 */
export const SETTLE_MS = 3_000;
/**
 * Audio below this mean power (dBFS, 0 = a full-scale square wave; room noise in a pause is
 * −60…−50) is a pause. Above the target by more than the grow hysteresis, a pause is compressed at
 * once, down to the target, up to MAX_LAG_MS every GROW_INTERVAL_MS: nothing audible is lost, so a
 * depth left by a one-off burst or by clock drift goes in the next pause instead of a period at a
 * time through speech. Speech is still compressed only above SHRINK_HYSTERESIS_MS, gently.
 */
export const QUIET_DBFS = -50;
export const QUIET_POWER = 10 ** (QUIET_DBFS / 10);

/** The buffer's durations in samples at one wire rate (16 kHz for slin16, 8 kHz for slin and G.711). */
export interface Samples {
  readonly frame: number;
  /** Buffered before a stream starts playing. */
  readonly prime: number;
  /** Buffered before audio takes over from a concealment. */
  readonly resume: number;
  readonly splice: number;
  readonly minLag: number;
  readonly maxLag: number;
  readonly concealHold: number;
  readonly concealMax: number;
  readonly fadeStep: number;
  readonly growInterval: number;
  readonly shrinkInterval: number;
  readonly hold: number;
  readonly settled: number;
  readonly hardMax: number;
}

export function samplesFor(rateHz: number): Samples {
  const at = (ms: number): number => Math.round((ms * rateHz) / 1000);
  return {
    frame: at(FRAME_MS),
    prime: at(JITTER_MIN_TARGET_MS + JITTER_START_MARGIN_MS),
    resume: at(JITTER_MIN_TARGET_MS),
    splice: at(SPLICE_MS),
    minLag: at(MIN_LAG_MS),
    maxLag: at(MAX_LAG_MS),
    concealHold: at(CONCEAL_HOLD_MS),
    concealMax: at(CONCEAL_MAX_MS),
    fadeStep: 1 / at(FADE_IN_MS),
    growInterval: at(GROW_INTERVAL_MS),
    shrinkInterval: at(SHRINK_INTERVAL_MS),
    hold: at(JITTER_START_HOLD_MS),
    settled: at(JITTER_START_HOLD_MS + SETTLE_MS),
    hardMax: at(JITTER_HARD_MAX_MS),
  };
}
