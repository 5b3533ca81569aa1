/**
 * The playback worklet's logic, as a plain class so Node tests can check it: whole frames of the
 * call's format from the gateway in, device-rate render quanta out, through the adaptive jitter buffer.
 * @packageDocumentation
 */
import { DEFAULT_WIRE_FORMAT, rateHzOf, type WireFormat } from '../wire-units.js';
import { decodeG711 } from './g711.js';
import { RENDER_QUANTUM_FRAMES } from './capture-framer.js';
import { JitterBuffer, type JitterStats } from './jitter-buffer.js';
import { Resampler } from './resampler.js';

/**
 * Counters of a call's playout: the jitter buffer's, all since the call was answered. A call's
 * `quality` event carries them (see `CallQuality`).
 * @example call.on('quality', ({ depthMs, targetMs, underruns }) => console.log(depthMs, targetMs, underruns));
 * @interface
 */
export type PlayoutStats = JitterStats;

/**
 * Frames (G.711 decoded to s16 first) → {@link JitterBuffer} (at the format's wire rate:
 * 16 kHz for slin16, 8 kHz otherwise) → {@link Resampler} → the device rate. The
 * jitter buffer always delivers what the resampler needs (audio, concealment or silence), so the
 * resampler sees one continuous stream and never restarts. Only the constructor allocates.
 * @example
 * port.onmessage = (e) => playout.write(new Int16Array(e.data), currentTime * 1000);  // whole frames
 * // in process():
 * playout.render(outputs[0][0], outputs[0][0].length);
 */
export class Playout {
  /** The call's format on the wire. */
  readonly format: WireFormat;
  readonly #resampler: Resampler;
  readonly #jitter: JitterBuffer;
  /** Wire-rate input of one render call; grown only if a caller renders more than a quantum at once. */
  #scratch: Float32Array;

  /**
   * @param outputRateHz the `AudioContext`'s `sampleRate`.
   * @param format the call's format (`incoming.format`); default slin16.
   */
  constructor(outputRateHz: number, format: WireFormat = DEFAULT_WIRE_FORMAT) {
    this.format = format;
    const wireRateHz = rateHzOf(format);
    this.#jitter = new JitterBuffer(wireRateHz);
    this.#resampler = new Resampler(wireRateHz, outputRateHz);
    // Room for two quanta's worth, with the filter's look-ahead on top: a quantum needs less.
    this.#scratch = new Float32Array(this.#resampler.inputNeeded(2 * RENDER_QUANTUM_FRAMES));
  }

  /**
   * Queue audio from the gateway that arrived at `arrivalMs` (the worklet's `currentTime` × 1000):
   * whole frames of s16 at the wire rate. A trailing partial frame is ignored.
   */
  write(samples: Int16Array, arrivalMs: number): void {
    this.#jitter.write(samples, arrivalMs);
  }

  /**
   * Queue whole frames as they came off the wire, in the call's format (s16le, or G.711 bytes
   * decoded here). Allocates the decoded samples: call it from the port's message handler.
   */
  writeWire(bytes: ArrayBuffer, arrivalMs: number): void {
    if (this.format === 'ulaw' || this.format === 'alaw') {
      const samples = new Int16Array(bytes.byteLength);
      decodeG711(this.format, new Uint8Array(bytes), samples, samples.length);
      this.#jitter.write(samples, arrivalMs);
    } else this.#jitter.write(new Int16Array(bytes, 0, bytes.byteLength >> 1), arrivalMs);
  }

  /** Fill `dst[0..count)` with output at the device rate. Allocation-free for quantum-sized calls. */
  render(dst: Float32Array, count: number): void {
    const need = this.#resampler.inputNeeded(count);
    if (need > this.#scratch.length) this.#scratch = new Float32Array(need); // not on the worklet's path
    this.#jitter.read(this.#scratch, need);
    this.#resampler.push(this.#scratch, need);
    this.#resampler.pull(dst, count);
  }

  /** A snapshot of the counters (allocates: call it from the port's message handler, not `process()`). */
  stats(): PlayoutStats {
    return this.#jitter.stats();
  }
}
