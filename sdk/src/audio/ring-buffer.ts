/**
 * A fixed-capacity Float32 ring for one producer and one consumer, after padenot/ringbuf.js but
 * without SharedArrayBuffer: both ends run on the same thread (the audio rendering thread), since
 * CRM pages are usually not cross-origin isolated.
 * @packageDocumentation
 */

/**
 * A fixed-capacity ring of Float32 samples with integer read and write indices. One storage slot
 * always stays empty, so `read === write` means empty and full needs no extra flag.
 *
 * Overflow policy: {@link RingBuffer.push} never refuses data. When the ring is full it drops the
 * **oldest** samples and adds them to {@link RingBuffer.droppedSamples}: for live audio, late
 * audio is worse than lost audio. Nothing allocates after the constructor.
 * @example
 * const ring = new RingBuffer(8_000);   // 500 ms at 16 kHz
 * ring.push(frame, frame.length);
 * const got = ring.pop(quantum, 128);  // fewer than 128 when the ring runs dry
 */
export class RingBuffer {
  readonly #storage: Float32Array;
  /** Index of the next sample to read, 0 ≤ read < storage length. */
  #read = 0;
  /** Index of the next slot to write, 0 ≤ write < storage length. */
  #write = 0;
  #droppedSamples = 0;

  /** @param capacitySamples how many samples the ring holds at most (a positive integer). */
  constructor(capacitySamples: number) {
    if (!Number.isInteger(capacitySamples) || capacitySamples < 1) {
      throw new RangeError(`capacitySamples must be a positive integer. Got ${capacitySamples}`);
    }
    this.#storage = new Float32Array(capacitySamples + 1); // + the slot that stays empty
  }

  /** The most samples the ring can hold. */
  get capacity(): number {
    return this.#storage.length - 1;
  }

  /** Samples ready to {@link RingBuffer.pop}. */
  get availableRead(): number {
    const n = this.#write - this.#read;
    return n >= 0 ? n : n + this.#storage.length;
  }

  /** Samples that can be pushed before the oldest start being dropped. */
  get availableWrite(): number {
    return this.capacity - this.availableRead;
  }

  /** Samples dropped by overflow since construction (never reset, so readers can take differences). */
  get droppedSamples(): number {
    return this.#droppedSamples;
  }

  /**
   * Append `count` samples from `src`, starting at `src[offset]`. If they do not fit, the oldest
   * buffered samples are dropped (and counted); if `count` exceeds the capacity, only the newest
   * `capacity` samples of `src` are kept and the rest are counted as dropped too.
   * @returns the number of samples dropped by this call.
   */
  push(src: Float32Array, count: number, offset = 0): number {
    const cap = this.capacity;
    let dropped = 0;
    if (count > cap) {
      dropped = count - cap;
      offset += dropped;
      count = cap;
    }
    const overflow = count - this.availableWrite;
    if (overflow > 0) {
      this.discard(overflow);
      dropped += overflow;
    }
    const size = this.#storage.length;
    const first = Math.min(count, size - this.#write); // up to the end of storage, then wrap
    for (let i = 0; i < first; i++) this.#storage[this.#write + i] = src[offset + i] ?? 0;
    for (let i = first; i < count; i++) this.#storage[i - first] = src[offset + i] ?? 0;
    this.#write = (this.#write + count) % size;
    this.#droppedSamples += dropped;
    return dropped;
  }

  /**
   * Move up to `count` of the oldest samples into `dst`, starting at `dst[offset]`.
   * @returns how many samples were moved (less than `count` when the ring runs dry).
   */
  pop(dst: Float32Array, count: number, offset = 0): number {
    const n = Math.min(count, this.availableRead);
    const size = this.#storage.length;
    const first = Math.min(n, size - this.#read);
    for (let i = 0; i < first; i++) dst[offset + i] = this.#storage[this.#read + i] ?? 0;
    for (let i = first; i < n; i++) dst[offset + i] = this.#storage[i - first] ?? 0;
    this.#read = (this.#read + n) % size;
    return n;
  }

  /**
   * Copy up to `count` samples, starting `skip` samples after the oldest, into `dst` at
   * `dst[offset]`, without removing them (for look-ahead such as splice matching).
   * @returns how many samples were copied (less than `count` when fewer are buffered).
   */
  peek(dst: Float32Array, count: number, skip = 0, offset = 0): number {
    const n = Math.max(0, Math.min(count, this.availableRead - skip));
    const size = this.#storage.length;
    let at = (this.#read + skip) % size;
    for (let i = 0; i < n; i++) {
      dst[offset + i] = this.#storage[at] ?? 0;
      at = at + 1 === size ? 0 : at + 1;
    }
    return n;
  }

  /**
   * Drop up to `count` of the oldest samples without reading them. Not counted as
   * {@link RingBuffer.droppedSamples}: the consumer chose to skip them.
   * @returns how many samples were skipped.
   */
  discard(count: number): number {
    const n = Math.min(count, this.availableRead);
    this.#read = (this.#read + n) % this.#storage.length;
    return n;
  }

  /** Empty the ring (the drop count is kept). */
  clear(): void {
    this.#read = this.#write;
  }
}
