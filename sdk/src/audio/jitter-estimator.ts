/**
 * How much playout delay the network needs: from frame arrival times, the spread of their delays
 * over the last couple of seconds, turned into a target depth for the jitter buffer.
 * @packageDocumentation
 */
import { FRAME_MS } from '../wire-units.js';

/** The jitter buffer's target depth when arrivals are steady: two frames. */
export const JITTER_MIN_TARGET_MS = 40;
/** The most delay we add for jitter: beyond this, late audio is worse than lost audio. */
export const JITTER_MAX_TARGET_MS = 200;
/**
 * Safety added above one frame plus the measured spread: the render quantum (up to 2.9 ms of wire
 * audio at 44.1 kHz), the splice reserve the buffer keeps back (4 ms), and the arrival times' own
 * quantisation to render quanta.
 */
export const JITTER_MARGIN_MS = 10;
/** Frames whose arrival delays are remembered: 2 s, so one burst raises the target for that long. */
export const JITTER_WINDOW_FRAMES = 100;
/**
 * A spread this large is a delay peak: a stall of the network or of the page (frames held, then
 * handed over in a burst, or lost), not the spread of steady arrivals. One peak lasts while the
 * spread stays this large, and is as high as the spread got.
 */
export const JITTER_PEAK_MS = 30;
/**
 * Two peaks at most this far apart are repeated jitter, not a one-off: the target then keeps room
 * for the higher of them until {@link JITTER_PEAK_HOLD_MS} after the last, instead of forgetting
 * each one after the window's 2 s and running dry at the next.
 */
export const JITTER_PEAK_PERIOD_MS = 5_000;
/**
 * Twice the period: a stall that repeats keeps renewing it, and 10 s after the last the room
 * goes. (Two stalls within the window's 2 s are one peak: the spread never fell between them.)
 */
export const JITTER_PEAK_HOLD_MS = 10_000;

/**
 * Arrival statistics of a stream of 20 ms frames. A frame's relative delay is its arrival time
 * minus its nominal time (frame count × FRAME_MS); the earliest frame in the window took the
 * fastest path, and every other frame's *lateness* is how much later than that it came. Frames
 * have no sequence numbers on this wire (raw slin16 over TCP), so lost frames look like late ones;
 * {@link ArrivalJitter.reset} forgets the history when the stream restarts.
 *
 * One stall raises the target for the window's 2 s only; stalls that repeat within
 * {@link JITTER_PEAK_PERIOD_MS} hold it at their height for {@link JITTER_PEAK_HOLD_MS} after the
 * last. A stream's first window is not searched for peaks: a call's first frames come while the
 * page is busy answering, and the jitter buffer's start margin is there for them.
 *
 * Allocation-free after the constructor; times come from the caller (the playback worklet passes
 * `currentTime`), so it runs in Node tests without timers.
 * @example
 * const lateness = jitter.add(currentTime * 1000);
 * const targetMs = jitter.targetMs;
 */
export class ArrivalJitter {
  readonly #delaysMs = new Float64Array(JITTER_WINDOW_FRAMES);
  #stored = 0;
  #next = 0;
  #frames = 0;
  #minMs = 0;
  #maxMs = 0;
  /** Frames since construction: {@link ArrivalJitter.reset} does not clear it. */
  #framesEver = 0;
  /** The last peak (when it began, its height) and the one before it; -Infinity: none. */
  #peakAtMs = -Infinity;
  #peakMs = 0;
  #previousPeakAtMs = -Infinity;
  #previousPeakMs = 0;
  #inPeak = false;
  #lastArrivalMs = 0;

  /**
   * Record the arrival of one frame at `arrivalMs` (any fixed origin).
   * @returns the frame's lateness in ms: how much later than the fastest frame in the window it came.
   */
  add(arrivalMs: number): number {
    const delayMs = arrivalMs - this.#frames * FRAME_MS;
    this.#frames++;
    this.#delaysMs[this.#next] = delayMs;
    this.#next = (this.#next + 1) % JITTER_WINDOW_FRAMES;
    if (this.#stored < JITTER_WINDOW_FRAMES) this.#stored++;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.#stored; i++) {
      const d = this.#delaysMs[i] ?? 0;
      if (d < min) min = d;
      if (d > max) max = d;
    }
    this.#minMs = min;
    this.#maxMs = max;
    this.#lastArrivalMs = arrivalMs;
    this.#framesEver++;
    this.#watchPeaks(arrivalMs, max - min);
    return delayMs - min;
  }

  /**
   * A spread of a peak's height begins a peak (once the first window is over) or raises the
   * current one. A peak ends only when a full window's spread is below the height: after a
   * restart the window is young, and a burst that ends a stall continues the peak it is part of.
   */
  #watchPeaks(arrivalMs: number, spreadMs: number): void {
    const inPeak = this.#inPeak;
    if (spreadMs < JITTER_PEAK_MS) {
      if (this.#stored === JITTER_WINDOW_FRAMES) this.#inPeak = false;
      return;
    }
    this.#inPeak = true;
    if (inPeak) {
      this.#peakMs = Math.max(this.#peakMs, spreadMs);
    } else if (this.#framesEver > JITTER_WINDOW_FRAMES) {
      this.#previousPeakAtMs = this.#peakAtMs;
      this.#previousPeakMs = this.#peakMs;
      this.#peakAtMs = arrivalMs;
      this.#peakMs = spreadMs;
    }
  }

  /** Room kept for repeated peaks, ms of lateness: 0 unless the last two came within the period and the last is recent. */
  get #heldPeakMs(): number {
    const repeated = this.#peakAtMs - this.#previousPeakAtMs <= JITTER_PEAK_PERIOD_MS;
    return repeated && this.#lastArrivalMs - this.#peakAtMs <= JITTER_PEAK_HOLD_MS ? Math.max(this.#peakMs, this.#previousPeakMs) : 0;
  }

  /** Spread of the frames' delays in the window, ms: the most any of them came late. */
  get spreadMs(): number {
    return this.#stored === 0 ? 0 : this.#maxMs - this.#minMs;
  }

  /**
   * Playout depth that absorbs the spread (or repeated peaks, when higher): one frame (the buffer
   * empties by a frame between arrivals) + the spread + {@link JITTER_MARGIN_MS}, within
   * [{@link JITTER_MIN_TARGET_MS}, {@link JITTER_MAX_TARGET_MS}].
   */
  get targetMs(): number {
    const wanted = FRAME_MS + Math.max(this.spreadMs, this.#heldPeakMs) + JITTER_MARGIN_MS;
    return Math.min(JITTER_MAX_TARGET_MS, Math.max(JITTER_MIN_TARGET_MS, wanted));
  }

  /**
   * Forget every arrival: the next frame starts a new stream. Peaks are kept: they are the
   * network's and the page's, and a stall long enough to silence the stream is one of them.
   */
  reset(): void {
    this.#stored = 0;
    this.#next = 0;
    this.#frames = 0;
    this.#minMs = 0;
    this.#maxMs = 0;
  }
}
