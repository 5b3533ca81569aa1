/**
 * The playback worklet's logic, as a plain class so Node tests can check it: whole slin16 frames
 * from the gateway in, device-rate render quanta out, with a simple jitter policy.
 * @packageDocumentation
 */
import { FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../wire-units.js';
import { s16ToFloat } from './pcm.js';
import { Resampler } from './resampler.js';
import { RingBuffer } from './ring-buffer.js';

/** Playout starts (and restarts after an underrun) once this much audio is buffered. */
export const PLAYOUT_PRIME_MS = 40;
/** The most audio buffered; older audio is dropped beyond it, because late audio is worse than lost audio. */
export const PLAYOUT_MAX_MS = 500;

const samplesAtWireRate = (ms: number): number => (ms * WIRE_RATE_HZ) / 1000;

/** Counters of a {@link Playout}, all since construction. */
export interface PlayoutStats {
  /** Audio waiting to be played, ms at the wire rate (frames not yet resampled). */
  readonly bufferedMs: number;
  /** Quanta that found too little audio and played silence (each one starts a re-prime). */
  readonly underruns: number;
  /** Wire-rate samples dropped, oldest first, because more than {@link PLAYOUT_MAX_MS} was buffered. */
  readonly droppedSamples: number;
  /** Whole frames accepted by {@link Playout.write}. */
  readonly framesReceived: number;
}

/**
 * Jitter policy for now: silence until {@link PLAYOUT_PRIME_MS} is buffered, then play
 * continuously; a quantum that cannot be filled plays silence, counts an underrun and waits for
 * the prime level again. Above {@link PLAYOUT_MAX_MS} the oldest audio is dropped and counted.
 * Only the constructor allocates.
 * @example
 * port.onmessage = (e) => playout.write(new Int16Array(e.data));  // whole frames
 * // in process():
 * playout.render(outputs[0][0], outputs[0][0].length);
 */
export class Playout {
  readonly #resampler: Resampler;
  readonly #ring = new RingBuffer(samplesAtWireRate(PLAYOUT_MAX_MS));
  readonly #frame = new Float32Array(FRAME_SAMPLES);
  readonly #scratch = new Float32Array(FRAME_SAMPLES);
  #playing = false;
  #underruns = 0;
  #framesReceived = 0;

  /** @param outputRateHz the `AudioContext`'s `sampleRate`. */
  constructor(outputRateHz: number) {
    this.#resampler = new Resampler(WIRE_RATE_HZ, outputRateHz);
  }

  /**
   * Queue audio from the gateway: whole frames of s16 at the wire rate. A trailing partial frame
   * is ignored (the gateway only relays whole frames).
   */
  write(samples: Int16Array): void {
    const frames = Math.floor(samples.length / FRAME_SAMPLES);
    for (let f = 0; f < frames; f++) {
      // Frame by frame through a fixed buffer, so a long message needs no bigger scratch.
      s16ToFloat(samples, this.#frame, FRAME_SAMPLES, f * FRAME_SAMPLES);
      this.#ring.push(this.#frame, FRAME_SAMPLES);
    }
    this.#framesReceived += frames;
  }

  /** Fill `dst[0..count)` with output at the device rate: audio when enough is buffered, else silence. */
  render(dst: Float32Array, count: number): void {
    if (!this.#playing && this.#ring.availableRead >= samplesAtWireRate(PLAYOUT_PRIME_MS)) this.#playing = true;
    if (this.#playing) {
      const need = this.#resampler.inputNeeded(count);
      if (need <= this.#ring.availableRead) {
        let left = need;
        while (left > 0) {
          const n = this.#ring.pop(this.#scratch, Math.min(left, this.#scratch.length));
          this.#resampler.push(this.#scratch, n);
          left -= n;
        }
        this.#resampler.pull(dst, count);
        return;
      }
      // Too little for a whole quantum: keep what is buffered for after the re-prime, so the
      // stream resumes where it stopped, with only this gap of silence inserted.
      this.#playing = false;
      this.#underruns++;
    }
    dst.fill(0, 0, count);
  }

  /** A snapshot of the counters (allocates: call it from the port's message handler, not `process()`). */
  stats(): PlayoutStats {
    return {
      bufferedMs: (this.#ring.availableRead / FRAME_SAMPLES) * FRAME_MS,
      underruns: this.#underruns,
      droppedSamples: this.#ring.droppedSamples,
      framesReceived: this.#framesReceived,
    };
  }
}
