/**
 * What a round's latency tail is made of (issue 17): each frame's send time and latency kept in
 * one preallocated array, then how many 100 ms stretches of send time hold most of the frames
 * above the p99. A few stretches mean stalls (a process that did not run for tens of ms: its GC,
 * or no free core), which no per-frame cost makes; frames spread over the whole window mean a
 * cost every frame pays.
 * @packageDocumentation
 */

/** The stretch of send time the frames are grouped by, ms. */
export const TAIL_STRETCH_MS = 100;
/** The share of the frames above the p99 that the worst stretches are counted up to. */
const TAIL_SHARE = 0.8;

/** Where the frames above a p99 were sent. */
export interface TailShape {
  /** The fewest 100 ms stretches of send time that hold 80 % of the frames above the p99. */
  readonly stretches: number;
  /** Stretches in the window. */
  readonly of: number;
}

export class TailTrace {
  readonly #sentAt: Float64Array;
  readonly #latency: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#sentAt = new Float64Array(Math.ceil(capacity));
    this.#latency = new Float64Array(Math.ceil(capacity));
  }

  /** A frame sent at `sentAtMs` (ms into the window) arrived `latencyMs` later. */
  add(sentAtMs: number, latencyMs: number): void {
    if (this.#count === this.#sentAt.length) return;
    this.#sentAt[this.#count] = sentAtMs;
    this.#latency[this.#count++] = latencyMs;
  }

  /** Where the frames slower than `p99Ms` were sent, over a window of `windowMs`. */
  shape(p99Ms: number, windowMs: number): TailShape {
    const perStretch = new Uint32Array(Math.ceil(windowMs / TAIL_STRETCH_MS));
    let above = 0;
    for (let i = 0; i < this.#count; i++) {
      if (this.#latency[i]! <= p99Ms) continue;
      const stretch = Math.min(perStretch.length - 1, Math.floor(this.#sentAt[i]! / TAIL_STRETCH_MS));
      perStretch[stretch]!++;
      above++;
    }
    const worstFirst = [...perStretch].sort((a, b) => b - a);
    let held = 0;
    let stretches = 0;
    while (held < above * TAIL_SHARE && stretches < worstFirst.length) held += worstFirst[stretches++]!;
    return { stretches, of: perStretch.length };
  }
}
