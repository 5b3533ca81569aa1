/**
 * The capture worklet's per-quantum logic, as a plain class so Node tests can check frame
 * exactness: device-rate render quanta in, exact 20 ms slin16 frames out.
 * @packageDocumentation
 */
import { FRAME_SAMPLES, WIRE_RATE_HZ } from '../wire-units.js';
import { DtmfGenerator } from './dtmf.js';
import { floatToS16 } from './pcm.js';
import { Resampler } from './resampler.js';
import { RingBuffer } from './ring-buffer.js';

/** Samples per channel in one Web Audio render quantum (fixed at 128 by the Web Audio spec). */
export const RENDER_QUANTUM_FRAMES = 128;

/** 16 kHz samples held between quanta: frames are taken every quantum, so 4 frames is plenty. */
const WIRE_BACKLOG_SAMPLES = 4 * FRAME_SAMPLES;

/**
 * Turns the microphone's render quanta (at the context's rate) into whole frames of
 * {@link FRAME_SAMPLES} s16 samples at {@link WIRE_RATE_HZ}, with no sample lost or repeated
 * across quanta or frames. Queued DTMF digits replace the microphone in the frames while their
 * tones and gaps play (muted or not: keys still reach an IVR while the user is muted).
 * Allocates only in the constructor.
 * @example In `process()`:
 * framer.write(inputs[0]?.[0]);
 * while (framer.framesReady > 0) framer.takeFrame(pooledInt16ViewOrNull);
 */
export class CaptureFramer {
  /** When true, frames keep coming at the same cadence but hold silence (the mic is still read). */
  muted = false;
  readonly #resampler: Resampler;
  readonly #wire: RingBuffer;
  readonly #silence = new Float32Array(RENDER_QUANTUM_FRAMES);
  /** Resampler output of one push; sized for the largest push (one quantum, or inputCapacity). */
  readonly #scratch: Float32Array;
  readonly #frame = new Float32Array(FRAME_SAMPLES);
  readonly #dtmf = new DtmfGenerator(WIRE_RATE_HZ);
  #framesTaken = 0;
  #framesDropped = 0;
  #inputEnergy = 0;
  #inputSamples = 0;

  /** @param inputRateHz the `AudioContext`'s `sampleRate`. */
  constructor(inputRateHz: number) {
    this.#resampler = new Resampler(inputRateHz, WIRE_RATE_HZ);
    this.#wire = new RingBuffer(WIRE_BACKLOG_SAMPLES);
    // Up to inputSpace samples are pushed at once; their output count, plus rounding.
    this.#scratch = new Float32Array(Math.ceil((this.#resampler.inputSpace * WIRE_RATE_HZ) / inputRateHz) + 2);
  }

  /**
   * Add one quantum of microphone input. `undefined` (no mic channel connected yet) counts as a
   * quantum of silence, so frames keep their 20 ms cadence from the start.
   */
  write(input: Float32Array | undefined): void {
    const src = input ?? this.#silence;
    // The level meter: the microphone's own energy, before mute and DTMF (a UI can then say
    // "you are muted" to someone talking). One multiply-add per sample, no allocation.
    let energy = 0;
    for (let i = 0; i < src.length; i++) {
      const s = src[i] ?? 0;
      energy += s * s;
    }
    this.#inputEnergy += energy;
    this.#inputSamples += src.length;
    let offset = 0;
    while (offset < src.length) {
      const accepted = this.#resampler.push(src, src.length - offset, offset);
      offset += accepted;
      const n = this.#resampler.pull(this.#scratch, this.#scratch.length);
      this.#wire.push(this.#scratch, n);
      if (accepted === 0 && n === 0) break; // cannot happen with a sane capacity; never spin
    }
  }

  /** Whole frames ready to take. */
  get framesReady(): number {
    return Math.floor(this.#wire.availableRead / FRAME_SAMPLES);
  }

  /**
   * Take the oldest ready frame: convert it to s16 into `dst` (at least {@link FRAME_SAMPLES}
   * long), or drop it and count it when `dst` is null (no pooled buffer was free).
   * @returns false if no whole frame was ready.
   */
  takeFrame(dst: Int16Array | null): boolean {
    if (this.#wire.availableRead < FRAME_SAMPLES) return false;
    if (dst === null) {
      // DTMF does not advance: its tone goes out whole in the next frame rather than with a hole
      // that a detector could count as two key presses.
      this.#wire.discard(FRAME_SAMPLES);
      this.#framesDropped++;
      return true;
    }
    this.#wire.pop(this.#frame, FRAME_SAMPLES);
    const dtmfSamples = this.#dtmf.render(this.#frame, FRAME_SAMPLES);
    if (this.muted) this.#frame.fill(0, dtmfSamples, FRAME_SAMPLES);
    floatToS16(this.#frame, dst, FRAME_SAMPLES);
    this.#framesTaken++;
    return true;
  }

  /**
   * Queue DTMF digits (0–9, *, #, A–D; anything else is skipped) to play from the next frame on,
   * after any still playing. @returns how many were queued (the rest did not fit).
   */
  queueDtmf(digits: string): number {
    return this.#dtmf.queue(digits);
  }

  /** DTMF digits dropped because the queue was full. */
  get dtmfDropped(): number {
    return this.#dtmf.droppedDigits;
  }

  /**
   * Sum of the squared microphone samples (full scale ±1) written so far, at the input rate.
   * The level over an interval is `10·log10(Δenergy / Δsamples)` dBFS (see `levelDbfs`).
   */
  get inputEnergy(): number {
    return this.#inputEnergy;
  }

  /** Microphone samples written so far (a missing input counts as a quantum of silence). */
  get inputSamples(): number {
    return this.#inputSamples;
  }

  /** Frames converted so far. */
  get framesTaken(): number {
    return this.#framesTaken;
  }

  /** Frames dropped because no buffer was free (plus any lost to an overfull backlog). */
  get framesDropped(): number {
    return this.#framesDropped + Math.floor(this.#wire.droppedSamples / FRAME_SAMPLES);
  }
}
