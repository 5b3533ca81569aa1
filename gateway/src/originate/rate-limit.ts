/**
 * Per-extension rate limit of click-to-call (`dial_rate_limit_per_min`): a sliding window of the
 * last minute's requests (the dialer counts refused numbers too). Memory stays bounded: an extension keeps at most `limit`
 * timestamps, and extensions quiet for a minute are forgotten.
 * @packageDocumentation
 */

/** The window the limit counts in. */
export const RATE_WINDOW_MS = 60_000;

/** The outcome of {@link RateLimiter.take}. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * A sliding-window limiter keyed by extension.
 * @example
 * const limiter = new RateLimiter();
 * limiter.take('2001', 6); // { ok: true } six times a minute, then { ok: false, retryAfterMs }
 */
export class RateLimiter {
  readonly #recent = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Count one request for `key` if fewer than `limitPerWindow` were counted in the last minute. */
  take(key: string, limitPerWindow: number): RateDecision {
    const now = this.#now();
    this.#forgetQuiet(now);
    const times = (this.#recent.get(key) ?? []).filter((t) => now - t < RATE_WINDOW_MS);
    if (times.length >= limitPerWindow) {
      this.#recent.set(key, times);
      return { ok: false, retryAfterMs: RATE_WINDOW_MS - (now - times[0]!) };
    }
    times.push(now);
    this.#recent.set(key, times);
    return { ok: true };
  }

  #forgetQuiet(now: number): void {
    for (const [key, times] of this.#recent) {
      const last = times[times.length - 1];
      if (last === undefined || now - last >= RATE_WINDOW_MS) this.#recent.delete(key);
    }
  }
}
