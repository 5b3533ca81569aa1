/**
 * When the gateway tries Asterisk's AMI again after losing it: a policy object, as the SDK's
 * reconnect (livekit's `nextRetryDelayInMs`), so it can be tested without timers.
 * @packageDocumentation
 */

/**
 * Why the connection is being retried.
 * @example const delayMs = policy.nextRetryDelayMs({ retryCount: 0, reason: 'login_failed' satisfies RetryReason });
 */
export type RetryReason = 'connect_failed' | 'connection_lost' | 'login_failed';

/**
 * What a policy decides from.
 * @example new BackoffPolicy().nextRetryDelayMs({ retryCount: 0, reason: 'connect_failed' } satisfies RetryContext); // 0
 */
export interface RetryContext {
  /** Retries since the last successful login: 0 for the first. */
  readonly retryCount: number;
  /** Why the last attempt ended: the connection failed, was lost, or the login was refused. */
  readonly reason: RetryReason;
}

/**
 * Decides the delay before the next attempt; `null` stops retrying.
 * @example await startGateway(config, { amiReconnectPolicy: { nextRetryDelayMs: ({ retryCount }) => (retryCount < 3 ? 1_000 : null) } });
 */
export interface ReconnectPolicy {
  /** The delay in ms before the next attempt, or `null` to stop retrying. */
  nextRetryDelayMs(context: RetryContext): number | null;
}

/**
 * Delays of the default policy, by retry count; the last one repeats.
 * @example new BackoffPolicy({ delaysMs: DEFAULT_RETRY_DELAYS_MS.slice(0, 3) }); // retry every 2 s at most
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [0, 1_000, 2_000, 5_000, 10_000, 30_000];
/**
 * Refused credentials do not fix themselves: try again this rarely (a reload of manager.conf may).
 * @example new BackoffPolicy({ loginFailedMs: LOGIN_FAILED_RETRY_MS * 5 }); // every 5 minutes
 */
export const LOGIN_FAILED_RETRY_MS = 60_000;
/**
 * Up to this fraction of a delay is added at random, so gateways restarted together do not retry in step.
 * @example new BackoffPolicy({ jitter: RETRY_JITTER / 2 });
 */
export const RETRY_JITTER = 0.2;

/**
 * Options of {@link BackoffPolicy}.
 * @example new BackoffPolicy({ delaysMs: [0, 100], jitter: 0, random: () => 0 }); // a test's quick, exact policy
 */
export interface BackoffOptions {
  /** Delays by retry count, in ms; the last one repeats (default {@link DEFAULT_RETRY_DELAYS_MS}). */
  readonly delaysMs?: readonly number[];
  /** The least delay after a refused login, in ms (default {@link LOGIN_FAILED_RETRY_MS}). */
  readonly loginFailedMs?: number;
  /** Up to this fraction of a delay is added at random (default {@link RETRY_JITTER}). */
  readonly jitter?: number;
  /** A number in [0, 1); `Math.random` by default (tests pass a constant). */
  readonly random?: () => number;
}

/**
 * The table plus jitter; never gives up (Asterisk may come back at any time).
 * @example
 * new BackoffPolicy().nextRetryDelayMs({ retryCount: 2, reason: 'connection_lost' }); // 2000–2400
 */
export class BackoffPolicy implements ReconnectPolicy {
  readonly #delaysMs: readonly number[];
  readonly #loginFailedMs: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#delaysMs = options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#loginFailedMs = options.loginFailedMs ?? LOGIN_FAILED_RETRY_MS;
    this.#jitter = options.jitter ?? RETRY_JITTER;
    this.#random = options.random ?? Math.random;
  }

  /** The table's delay for `retryCount` (at least `loginFailedMs` after a refused login), plus jitter; never `null`. */
  nextRetryDelayMs({ retryCount, reason }: RetryContext): number {
    const last = this.#delaysMs[this.#delaysMs.length - 1] ?? 0;
    const base = reason === 'login_failed' ? Math.max(this.#loginFailedMs, last) : (this.#delaysMs[retryCount] ?? last);
    return Math.round(base * (1 + this.#jitter * this.#random()));
  }
}
