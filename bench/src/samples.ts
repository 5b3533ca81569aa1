/**
 * Latency samples kept in one preallocated Float64Array (no allocation per sample), summarised
 * as exact percentiles by sorting a copy once at the end.
 * @packageDocumentation
 */

/** Percentiles of a set of samples, in the samples' unit (ms throughout the bench). */
export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export const EMPTY_SUMMARY: Summary = { count: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };

export class Samples {
  readonly #values: Float64Array;
  #count = 0;
  /** Samples that did not fit (the summary then covers the first `capacity`). */
  overflow = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(Math.max(1, Math.ceil(capacity)));
  }

  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    if (this.#count < this.#values.length) this.#values[this.#count++] = value;
    else this.overflow++;
  }

  summary(): Summary {
    return summarise(this.#values.subarray(0, this.#count));
  }
}

/** Nearest-rank percentile of sorted values. */
function rank(sorted: Float64Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(values: Float64Array | readonly number[]): Summary {
  if (values.length === 0) return EMPTY_SUMMARY;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, p50: rank(sorted, 50), p99: rank(sorted, 99), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}
