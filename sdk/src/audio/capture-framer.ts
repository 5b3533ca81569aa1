/**
 * The capture worklet's per-quantum logic, as a plain class so Node tests can check frame
 * exactness: device-rate render quanta in, exact 20 ms frames of the call's format out.
 * @packageDocumentation
 */
import { DEFAULT_WIRE_FORMAT, frameSamplesOf, rateHzOf, type WireFormat } from '../wire-units.js';
import { DtmfGenerator } from './dtmf.js';
import { encodeG711 } from './g711.js';
import { floatToS16 } from './pcm.js';
import { Resampler } from './resampler.js';
import { RingBuffer } from './ring-buffer.js';

/** Samples per channel in one Web Audio render quantum (fixed at 128 by the Web Audio spec). */
export const RENDER_QUANTUM_FRAMES = 128;

/** Wire-rate frames held between quanta: frames are taken every quantum, so 4 frames is plenty. */
const WIRE_BACKLOG_FRAMES = 4;

/**
 * Turns the microphone's render quanta (at the context's rate) into whole 20 ms frames of the
 * call's format (resampled to 16 kHz for slin16, to 8 kHz for slin, ulaw and alaw, then
 * G.711-encoded for those two), with no sample lost or repeated
 * across quanta or frames. Queued DTMF digits replace the microphone in the frames while their
 * tones and gaps play (muted or not: keys still reach an IVR while the user is muted).
 * Allocates only in the constructor.
 * @example In `process()`:
 * framer.write(inputs[0]?.[0]);
 * while (framer.framesReady > 0) framer.takeFrame(pooledViewOrNull); // Int16Array for slin*, Uint8Array for G.711
 */
export class CaptureFramer {
  /** When true, frames keep coming at the same cadence but hold silence (the mic is still read). */
  muted = false;
  /** The call's format on the wire. */
  readonly format: WireFormat;
  /** Samples in one frame of {@link CaptureFramer.format}. */
  readonly frameSamples: number;
  readonly #resampler: Resampler;
  readonly #wire: RingBuffer;
  readonly #silence = new Float32Array(RENDER_QUANTUM_FRAMES);
  /** Resampler output of one push; sized for the largest push (one quantum, or inputCapacity). */
  readonly #scratch: Float32Array;
  readonly #frame: Float32Array;
  /** A frame as s16 on its way to G.711. */
  readonly #s16: Int16Array;
  readonly #dtmf: DtmfGenerator;
  #framesTaken = 0;
  #framesDropped = 0;
  #inputEnergy = 0;
  #inputSamples = 0;

  /**
   * @param inputRateHz the `AudioContext`'s `sampleRate`.
   * @param format the call's format (`incoming.format`); default slin16.
   */
  constructor(inputRateHz: number, format: WireFormat = DEFAULT_WIRE_FORMAT) {
    this.format = format;
    const wireRateHz = rateHzOf(format);
    this.frameSamples = frameSamplesOf(format);
    this.#frame = new Float32Array(this.frameSamples);
    this.#s16 = new Int16Array(this.frameSamples);
    this.#dtmf = new DtmfGenerator(wireRateHz);
    this.#resampler = new Resampler(inputRateHz, wireRateHz);
    this.#wire = new RingBuffer(WIRE_BACKLOG_FRAMES * this.frameSamples);
    // Up to inputSpace samples are pushed at once; their output count, plus rounding.
    this.#scratch = new Float32Array(Math.ceil((this.#resampler.inputSpace * wireRateHz) / inputRateHz) + 2);
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
    return Math.floor(this.#wire.availableRead / this.frameSamples);
  }

  /**
   * Take the oldest ready frame and write it in the call's format into `dst`: s16 samples into an
   * Int16Array (slin16, slin), G.711 bytes into a Uint8Array (ulaw, alaw), at least
   * {@link CaptureFramer.frameSamples} long; or drop it and count it when `dst` is null (no
   * pooled buffer was free). Allocation-free.
   * @returns false if no whole frame was ready.
   */
  takeFrame(dst: Int16Array | Uint8Array | null): boolean {
    const n = this.frameSamples;
    if (this.#wire.availableRead < n) return false;
    if (dst === null) {
      // DTMF does not advance: its tone goes out whole in the next frame rather than with a hole
      // that a detector could count as two key presses.
      this.#wire.discard(n);
      this.#framesDropped++;
      return true;
    }
    this.#wire.pop(this.#frame, n);
    const dtmfSamples = this.#dtmf.render(this.#frame, n);
    if (this.muted) this.#frame.fill(0, dtmfSamples, n);
    if (dst instanceof Int16Array) floatToS16(this.#frame, dst, n);
    else {
      floatToS16(this.#frame, this.#s16, n);
      // G.711 is one byte a sample; a Uint8Array for slin would be the caller's bug.
      if (this.format === 'ulaw' || this.format === 'alaw') encodeG711(this.format, this.#s16, dst, n);
    }
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
    return this.#framesDropped + Math.floor(this.#wire.droppedSamples / this.frameSamples);
  }
}
