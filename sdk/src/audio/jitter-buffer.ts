/**
 * The adaptive jitter buffer between the gateway's frames and the playback resampler, at the wire
 * rate: it sets its depth from the arrival jitter, stretches and compresses a pitch period at a
 * time to reach it, and conceals underruns, all without a step in the waveform.
 * @packageDocumentation
 */
import { WIRE_RATE_HZ } from '../wire-units.js';
import { ArrivalJitter, JITTER_MIN_TARGET_MS } from './jitter-estimator.js';
import { s16ToFloat } from './pcm.js';
import { RingBuffer } from './ring-buffer.js';
import { bestLag, crossfade, meanSquare } from './splice.js';
import {
  GROW_HYSTERESIS_MS,
  JITTER_CAPACITY_MS,
  JITTER_START_MARGIN_MS,
  QUIET_POWER,
  SHRINK_HYSTERESIS_MS,
  samplesFor,
  type Samples,
} from './jitter-durations.js';

export {
  CONCEAL_HOLD_MS,
  CONCEAL_MAX_MS,
  FADE_IN_MS,
  JITTER_CAPACITY_MS,
  JITTER_HARD_MAX_MS,
  JITTER_START_HOLD_MS,
  JITTER_START_MARGIN_MS,
} from './jitter-durations.js';

/** Counters of a {@link JitterBuffer}; totals since construction. */
export interface JitterStats {
  /** Playout delay of a frame that takes the fastest network path, ms: buffered audio after an arrival plus that frame's lateness. */
  readonly depthMs: number;
  /** The depth the buffer is steering to, ms (from the arrival jitter). */
  readonly targetMs: number;
  /** Times the buffer ran dry while playing. */
  readonly underruns: number;
  /** Concealment played, in 20 ms frames (rounded down). */
  readonly concealedFrames: number;
  /** Audio thrown away, in 20 ms frames (rounded down): compressions, skips above the hard maximum, ring overflow. */
  readonly droppedFrames: number;
  /** Frames that arrived after the buffer had run dry (during concealment or the silence after it). */
  readonly lateFrames: number;
  /** Whole frames the jitter buffer accepted (`JitterBuffer.write`). */
  readonly framesReceived: number;
}

type Mode = 'priming' | 'playing' | 'concealing' | 'silent';

/**
 * Frames in (with their arrival time), a continuous wire-rate stream out: {@link JitterBuffer.read}
 * always fills what it is asked for, with audio, concealment or silence.
 *
 * - Start: silence until {@link JITTER_MIN_TARGET_MS} + {@link JITTER_START_MARGIN_MS} is buffered, then a
 *   fade-in; the margin stays for {@link JITTER_START_HOLD_MS}, then goes.
 * - Adapt: the target follows {@link ArrivalJitter}. Below it, one pitch period is repeated (at
 *   most every 20 ms); above it, one is skipped (at most every 120 ms), each with a cross-fade at
 *   the best-matching lag, so speech and tones keep their phase. A pause above the target is
 *   compressed at once, down to the target (up to 15 ms every 20 ms).
 * - Underrun: the last pitch period repeats, at full level for {@link CONCEAL_HOLD_MS}, then fading
 *   linearly to silence at {@link CONCEAL_MAX_MS}. Once {@link JITTER_MIN_TARGET_MS} has come
 *   again, it takes over with a cross-fade and a fade-in; after silence it starts afresh (as at the start).
 *
 * {@link SPLICE_MS} of audio is always kept back, so each of these can cross-fade into what
 * comes next. Only the constructor allocates.
 * @example
 * port.onmessage = (e) => jitter.write(new Int16Array(e.data), currentTime * 1000);
 * // in process(), at the wire rate:
 * jitter.read(wireScratch, resampler.inputNeeded(128));
 */
export class JitterBuffer {
  /** The wire rate, Hz: every count below is in samples at this rate. */
  readonly rateHz: number;
  readonly #n: Samples;
  readonly #ring: RingBuffer;
  readonly #arrivals = new ArrivalJitter();
  readonly #frame: Float32Array;
  /** The last maxLag samples of output before gain, circular; #historyAt is the oldest. */
  readonly #history: Float32Array;
  #historyAt = 0;
  readonly #work: Float32Array;
  /** Output of the current splice, played before the ring resumes. */
  readonly #pending: Float32Array;
  #pendingAt = 0;
  #pendingEnd = 0;
  readonly #one = new Float32Array(1);
  #mode: Mode = 'priming';
  #gain = 0;
  #concealedSamples = 0;
  #concealDecay = 0;
  #sinceSplice = 0;
  /** Output samples since the stream started playing (counted up to the end of its settling). */
  #sinceStart = 0;
  #depthMs = 0;
  #targetMs = JITTER_MIN_TARGET_MS;
  #underruns = 0;
  #concealedTotal = 0;
  #droppedSamples = 0;
  #lateFrames = 0;
  #framesReceived = 0;

  /** @param rateHz the wire rate of the call's format (default 16 kHz, slin16). */
  constructor(rateHz: number = WIRE_RATE_HZ) {
    this.rateHz = rateHz;
    const n = samplesFor(rateHz);
    this.#n = n;
    this.#ring = new RingBuffer(Math.round((JITTER_CAPACITY_MS * rateHz) / 1000));
    this.#frame = new Float32Array(n.frame);
    this.#history = new Float32Array(n.maxLag);
    this.#work = new Float32Array(n.maxLag + n.splice);
    this.#pending = new Float32Array(n.maxLag);
  }

  #samplesAt(ms: number): number {
    return Math.round((ms * this.rateHz) / 1000);
  }

  #msOf(samples: number): number {
    return (samples * 1000) / this.rateHz;
  }

  /**
   * Queue whole frames of s16 at the wire rate that arrived at `arrivalMs` (any fixed origin, e.g.
   * the worklet's `currentTime` × 1000). A trailing partial frame is ignored.
   */
  write(samples: Int16Array, arrivalMs: number): void {
    const frames = Math.floor(samples.length / this.#n.frame);
    for (let f = 0; f < frames; f++) {
      s16ToFloat(samples, this.#frame, this.#n.frame, f * this.#n.frame);
      this.#ring.push(this.#frame, this.#n.frame);
      const latenessMs = this.#arrivals.add(arrivalMs);
      this.#depthMs = this.#msOf(this.#ring.availableRead + this.#pendingEnd - this.#pendingAt) + latenessMs;
      if (this.#mode === 'concealing' || this.#mode === 'silent') this.#lateFrames++;
    }
    this.#framesReceived += frames;
    this.#targetMs = this.#arrivals.targetMs;
  }

  /** Fill `dst[offset .. offset + count)` with wire-rate output. Allocation-free. */
  read(dst: Float32Array, count: number, offset = 0): void {
    for (let i = 0; i < count; i++) dst[offset + i] = this.#next();
  }

  /** A snapshot of the counters (allocates: call it from a message handler, not `process()`). */
  stats(): JitterStats {
    return {
      depthMs: this.#depthMs,
      targetMs: this.#targetMs,
      underruns: this.#underruns,
      concealedFrames: Math.floor(this.#concealedTotal / this.#n.frame),
      droppedFrames: Math.floor((this.#droppedSamples + this.#ring.droppedSamples) / this.#n.frame),
      lateFrames: this.#lateFrames,
      framesReceived: this.#framesReceived,
    };
  }

  #next(): number {
    if (this.#pendingAt === this.#pendingEnd) this.#decide();
    let raw: number;
    if (this.#pendingAt < this.#pendingEnd) raw = this.#pending[this.#pendingAt++] ?? 0;
    else if (this.#mode === 'playing') {
      this.#ring.pop(this.#one, 1);
      raw = this.#one[0] ?? 0;
    } else return 0;
    this.#history[this.#historyAt] = raw;
    this.#historyAt = this.#historyAt + 1 === this.#n.maxLag ? 0 : this.#historyAt + 1;
    this.#sinceSplice++;
    if (this.#sinceStart < this.#n.settled) this.#sinceStart++;
    if (this.#mode === 'concealing') {
      this.#concealedTotal++;
      if (++this.#concealedSamples > this.#n.concealHold) this.#gain = Math.max(0, this.#gain - this.#concealDecay);
      if (this.#concealedSamples >= this.#n.concealMax) this.#goSilent();
    } else if (this.#gain < 1) this.#gain = Math.min(1, this.#gain + this.#n.fadeStep);
    return raw * this.#gain;
  }

  /** What plays next, once the current splice is used up. Runs per sample, so the common path only compares. */
  #decide(): void {
    const buffered = this.#ring.availableRead;
    switch (this.#mode) {
      // Starting (again) at the least depth keeps latency low; stretching then reaches the target.
      case 'priming':
        if (buffered >= this.#n.prime) this.#start(0); // gain is 0: fades in
        return;
      case 'silent':
        if (buffered < this.#n.splice + this.#n.prime) return;
        this.#skip(this.#n.splice, false); // the kept-back audio is stale: cross-fade past it
        this.#start(this.#n.hold); // the call is under way: no hold, straight to settling
        return;
      case 'concealing':
        // Resuming with a single frame would run dry again at once if the rest were lost, not late.
        if (buffered >= this.#n.splice + this.#n.resume) {
          this.#skip(this.#n.splice, false); // new audio: cross-fade from what the concealment was heading to
          this.#mode = 'playing';
        } else this.#insert();
        return;
      case 'playing':
        if (buffered <= this.#n.splice) {
          this.#underruns++;
          this.#mode = 'concealing';
          this.#concealedSamples = 0;
          this.#concealDecay = this.#gain / (this.#n.concealMax - this.#n.concealHold);
          this.#insert();
        } else if (this.#sinceSplice >= this.#n.growInterval) this.#steer(buffered);
    }
  }

  /**
   * Move the depth towards the target: skip down from above the hard maximum, else stretch or
   * compress by a period, or compress a pause. Runs for every sample once GROW_INTERVAL_MS has
   * passed since the last splice, so what it does in the band is only compare.
   */
  #steer(buffered: number): void {
    const starting = this.#sinceStart < this.#n.hold;
    const target = starting ? Math.max(this.#targetMs, JITTER_MIN_TARGET_MS + JITTER_START_MARGIN_MS) : this.#targetMs;
    const shrinkOver = starting || this.#sinceStart >= this.#n.settled ? SHRINK_HYSTERESIS_MS : GROW_HYSTERESIS_MS;
    if (buffered > this.#n.hardMax) {
      this.#skip(buffered - this.#n.splice - this.#samplesAt(this.#targetMs), true);
    } else if (this.#depthMs < target - GROW_HYSTERESIS_MS) {
      this.#depthMs += this.#msOf(this.#insert());
    } else if (this.#depthMs <= target + GROW_HYSTERESIS_MS) {
      return;
    } else if (this.#sinceSplice % this.#n.growInterval === 0 && this.#compressPause(buffered, target)) {
      // a pause went, all at once
    } else if (this.#depthMs > target + shrinkOver && this.#sinceSplice >= this.#n.shrinkInterval) {
      const maxLag = this.#maxCompression(buffered, target);
      if (maxLag >= this.#n.minLag) this.#drop(maxLag);
    } else return;
    this.#sinceSplice = 0;
  }

  /** The most one compression may take, in samples: down to the target, at most a lag, and never into the splice reserve. */
  #maxCompression(buffered: number, target: number): number {
    return Math.min(this.#n.maxLag, this.#samplesAt(this.#depthMs - target), buffered - 2 * this.#n.splice - 1);
  }

  /** If what a compression would take and fade is a pause (checked once per grow interval), skip it with a cross-fade. */
  #compressPause(buffered: number, target: number): boolean {
    const lag = this.#maxCompression(buffered, target);
    if (lag < this.#n.minLag) return false;
    this.#ring.peek(this.#work, lag + this.#n.splice);
    if (meanSquare(this.#work, 0, lag + this.#n.splice) >= QUIET_POWER) return false;
    this.#skip(lag, true); // no lag search: in a pause every lag matches
    return true;
  }

  /**
   * Stretch by one period: cross-fade from the next samples to those one best-matching lag back
   * in the output, then replay up to where the output stopped; the ring is untouched, so the
   * splice ends exactly where the next sample continues. Needs SPLICE_MS of audio in the ring.
   * @returns the samples inserted.
   */
  #insert(): number {
    const h = this.#n.maxLag;
    for (let i = 0; i < h; i++) this.#work[i] = this.#history[(this.#historyAt + i) % h] ?? 0;
    this.#ring.peek(this.#work, this.#n.splice, 0, h);
    const lag = bestLag(this.#work, h, this.#n.splice, this.#n.minLag, this.#n.maxLag, -1);
    crossfade(this.#pending, 0, this.#work, h, this.#work, h - lag, this.#n.splice);
    for (let i = this.#n.splice; i < lag; i++) this.#pending[i] = this.#work[h - lag + i] ?? 0;
    this.#pendingAt = 0;
    this.#pendingEnd = lag;
    return lag;
  }

  /** Compress by one period of at most `maxLag`: cross-fade from the next samples to those a best-matching lag ahead. */
  #drop(maxLag: number): void {
    this.#ring.peek(this.#work, maxLag + this.#n.splice);
    const lag = bestLag(this.#work, 0, this.#n.splice, this.#n.minLag, maxLag, 1);
    crossfade(this.#pending, 0, this.#work, 0, this.#work, lag, this.#n.splice);
    this.#consume(lag, true);
  }

  /** Skip `lag` samples with a cross-fade (no lag search): resuming after an underrun, or far above the hard maximum. */
  #skip(lag: number, counted: boolean): void {
    this.#ring.peek(this.#work, this.#n.splice);
    this.#ring.peek(this.#work, this.#n.splice, lag, this.#n.splice);
    crossfade(this.#pending, 0, this.#work, 0, this.#work, this.#n.splice, this.#n.splice);
    this.#consume(lag, counted);
  }

  /** After a forward splice: the cross-fade is pending, `lag` + the faded samples leave the ring. */
  #consume(lag: number, counted: boolean): void {
    this.#ring.discard(lag + this.#n.splice);
    this.#pendingAt = 0;
    this.#pendingEnd = this.#n.splice;
    this.#depthMs -= this.#msOf(lag);
    if (counted) this.#droppedSamples += lag;
  }

  /**
   * A stream starts playing (`sinceStart` 0: the call's start, with the hold), then settles to the
   * target itself. No splice until the history holds a whole lag of the new stream: a stretch
   * would otherwise replay audio from before the silence, with a step where the new audio began.
   */
  #start(sinceStart: number): void {
    this.#mode = 'playing';
    this.#sinceStart = sinceStart;
    this.#sinceSplice = 0;
  }

  /** Concealment has faded out: play silence and wait for a new stream (its arrivals start afresh). */
  #goSilent(): void {
    this.#mode = 'silent';
    this.#gain = 0;
    this.#pendingAt = this.#pendingEnd;
    this.#arrivals.reset();
  }
}
