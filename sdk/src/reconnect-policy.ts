/**
 * When the SDK tries to reconnect after the connection to the gateway dropped: a policy object,
 * testable without timers. `null` means stop trying.
 * @packageDocumentation
 */

/**
 * What the policy knows when it decides.
 * @example const giveUpAfterTokenErrors: ReconnectPolicy = { nextRetryDelayMs: (ctx) => (ctx.closeCode === 4100 ? null : 2_000) };
 */
export interface ReconnectContext {
  /** Attempts already made since the connection dropped (0 before the first). */
  readonly retryCount: number;
  /** Time since the connection dropped. */
  readonly elapsedMs: number;
  /** The close code that ended the last connection or attempt (1006: no close frame). */
  readonly closeCode: number;
}

/**
 * Decides the delay before the next attempt, or `null` to give up.
 * @example new GagClient({ url, getToken, reconnectPolicy: { nextRetryDelayMs: ({ retryCount }) => (retryCount < 5 ? 1_000 : null) } });
 */
export interface ReconnectPolicy {
  /** The delay in ms before the next attempt, or `null` to stop reconnecting. */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

/**
 * Options of {@link DefaultReconnectPolicy}.
 * @example new DefaultReconnectPolicy({ delaysMs: [0, 1_000, 5_000], maxElapsedMs: 600_000 });
 */
export interface DefaultReconnectPolicyOptions {
  /** Base delays by attempt; the last one repeats. */
  readonly delaysMs?: readonly number[];
  /** ± share of each delay drawn at random, so many phones do not reconnect in step. */
  readonly jitter?: number;
  /** Give up after this long (default: never). */
  readonly maxElapsedMs?: number;
  /** Random numbers in [0, 1) (tests pass a fixed one). */
  readonly random?: () => number;
}

/**
 * Back-off table of the default policy: quick first tries (a gateway restart), then every 15 s.
 * @example new DefaultReconnectPolicy({ delaysMs: DEFAULT_RECONNECT_DELAYS_MS.slice(0, 4) }); // at most 2 s apart
 */
export const DEFAULT_RECONNECT_DELAYS_MS: readonly number[] = [0, 500, 1_000, 2_000, 4_000, 8_000, 15_000];

/**
 * Exponential-ish back-off from a table, with jitter.
 * @example
 * new GagClient({ url, getToken, reconnectPolicy: new DefaultReconnectPolicy({ maxElapsedMs: 300_000 }) });
 */
export class DefaultReconnectPolicy implements ReconnectPolicy {
  readonly #delaysMs: readonly number[];
  readonly #jitter: number;
  readonly #maxElapsedMs: number;
  readonly #random: () => number;

  constructor(options: DefaultReconnectPolicyOptions = {}) {
    this.#delaysMs = options.delaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
    this.#jitter = options.jitter ?? 0.2;
    this.#maxElapsedMs = options.maxElapsedMs ?? Number.POSITIVE_INFINITY;
    this.#random = options.random ?? Math.random;
  }

  /** The table's delay for `retryCount` (the last one repeats) ± jitter; `null` once `maxElapsedMs` has passed. */
  nextRetryDelayMs(context: ReconnectContext): number | null {
    if (context.elapsedMs >= this.#maxElapsedMs || this.#delaysMs.length === 0) return null;
    const base = this.#delaysMs[Math.min(context.retryCount, this.#delaysMs.length - 1)] ?? 0;
    const spread = base * this.#jitter * (2 * this.#random() - 1);
    return Math.max(0, Math.round(base + spread));
  }
}
