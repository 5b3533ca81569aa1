/**
 * A voice waiting to be mixed into a call's frames on another clock (the agent's packets into the
 * caller's 20 ms frames for a supervisor's ear; a supervisor's packets into either leg): a
 * fixed-capacity ring of s16 samples, as ringbuf.js keeps one, with a small jitter margin.
 * Packets arrive in bunches of 20–60 ms while the clock that drains the ring takes 20 ms at a
 * time, so the ring first fills to one packet (`prefill`) before it plays, and after running dry
 * waits for a packet again: a steady voice with a constant delay, rather than a stutter on every
 * packet. Full, it drops its oldest samples (late audio is worse than lost audio) and counts them.
 * @packageDocumentation
 */
import { bytesPerSampleOf, type WireFormat } from '@gag/sdk/protocol';
import { addInto, decodeInto } from './pcm-mix.js';

/**
 * One voice's queue in a call's codec, decoded to s16 as it arrives. Allocation-free after its constructor.
 * @example
 * const agent = new SampleRing('slin16', 3_200);  // 200 ms at 16 kHz
 * agent.pushEncoded(packet);                       // on the agent's clock
 * agent.mixInto(ear, 0, 320);                      // on the caller's clock
 */
export class SampleRing {
  readonly #format: WireFormat;
  readonly #bytesPerSample: number;
  readonly #buf: Int16Array;
  #read = 0;
  #depth = 0;
  /** Playing (true), or waiting for `#prefill` samples after a start or a dry spell. */
  #primed = false;
  /** The largest packet seen, in samples (at most half the ring): the margin kept against jitter. */
  #prefill = 0;
  /** Samples dropped because the ring was full (the oldest ones). */
  droppedSamples = 0;
  /** Times the ring ran dry while playing. */
  underruns = 0;

  constructor(format: WireFormat, capacitySamples: number) {
    this.#format = format;
    this.#bytesPerSample = bytesPerSampleOf(format);
    this.#buf = new Int16Array(capacitySamples);
  }

  /** Samples queued now. */
  get depth(): number {
    return this.#depth;
  }

  /** Queue `bytes` of audio in the ring's codec from `src[srcByte]` on (whole samples; a trailing odd byte is ignored). */
  pushEncoded(src: Uint8Array, srcByte = 0, bytes = src.length - srcByte): void {
    const capacity = this.#buf.length;
    let count = Math.floor(bytes / this.#bytesPerSample);
    let from = srcByte;
    if (count > capacity) {
      // Only the newest `capacity` samples can be kept.
      this.droppedSamples += count - capacity;
      from += (count - capacity) * this.#bytesPerSample;
      count = capacity;
    }
    const over = this.#depth + count - capacity;
    if (over > 0) {
      this.#read = (this.#read + over) % capacity;
      this.#depth -= over;
      this.droppedSamples += over;
    }
    if (count > this.#prefill) this.#prefill = Math.min(count, capacity >> 1);
    const write = (this.#read + this.#depth) % capacity;
    const first = Math.min(count, capacity - write);
    decodeInto(this.#format, src, from, this.#buf, write, first);
    if (first < count) decodeInto(this.#format, src, from + first * this.#bytesPerSample, this.#buf, 0, count - first);
    this.#depth += count;
  }

  /**
   * Whether {@link SampleRing.mixInto} would add anything now: false while it is empty or still
   * filling to its margin (the caller then passes its frame on untouched, at no cost).
   */
  get ready(): boolean {
    if (!this.#primed && this.#depth > 0 && this.#depth >= this.#prefill) this.#primed = true;
    return this.#primed;
  }

  /**
   * Add the next `count` samples into `dst[dstOffset]` on, clipped, and take them out of the ring;
   * false (nothing added) while not {@link SampleRing.ready}. Running dry midway adds what there
   * is and waits for a packet again.
   */
  mixInto(dst: Int16Array, dstOffset: number, count: number): boolean {
    if (!this.ready) return false;
    const capacity = this.#buf.length;
    const n = Math.min(count, this.#depth);
    // Two runs (up to the ring's end, then from its start): no modulo per sample.
    const first = Math.min(n, capacity - this.#read);
    addInto(dst, dstOffset, this.#buf, this.#read, first);
    addInto(dst, dstOffset + first, this.#buf, 0, n - first);
    this.#read = (this.#read + n) % capacity;
    this.#depth -= n;
    if (n < count) {
      this.#primed = false;
      this.underruns++;
    }
    return true;
  }

  /** Drop everything queued (a supervisor stops speaking to this side). */
  clear(): void {
    this.#read = 0;
    this.#depth = 0;
    this.#primed = false;
  }
}
