/**
 * Keeping a session's token fresh over the open connection (docs/protocol.md#token-lifetime): a
 * while before the token expires the client fetches a new one from `getToken` and sends it as
 * `token`; the gateway answers `token_accepted` with the new expiry and the next refresh is
 * planned from it. `tokenWillExpire` tells the app at that moment (a client with a fixed `token`
 * answers it with `updateToken`). Nothing else changes: calls go on, the state stays `online`.
 * @packageDocumentation
 * @internal
 */
import type { GagLogger } from './logger.js';

/** How long before the expiry a long-lived token is refreshed. */
export const TOKEN_REFRESH_LEAD_MS = 60_000;
/** A short token is refreshed at 90 % of its remaining lifetime, but never less than this ahead. */
export const MIN_TOKEN_REFRESH_LEAD_MS = 3_000;
/** The shortest wait before a refresh or a retry: a gateway handing out very short tokens cannot make the client spin. */
const MIN_REFRESH_DELAY_MS = 1_000;
/** Failed `getToken` calls retried before the expiry; after that the gateway's 4101 close reconnects with a fresh token. */
export const TOKEN_REFRESH_RETRIES = 3;
/** The longest delay `setTimeout` keeps (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * When to refresh a token that expires at `expiresAtMs`, as a delay from `nowMs`: 60 s ahead, or
 * at 90 % of the remaining lifetime when that is shorter, never less than 3 s ahead (and never
 * sooner than 1 s from now).
 * @example refreshDelayMs(Date.now() + 3_600_000, Date.now()); // 3_540_000
 */
export function refreshDelayMs(expiresAtMs: number, nowMs: number): number {
  const remainingMs = expiresAtMs - nowMs;
  const leadMs = Math.max(Math.min(TOKEN_REFRESH_LEAD_MS, remainingMs * 0.1), MIN_TOKEN_REFRESH_LEAD_MS);
  return Math.max(remainingMs - leadMs, MIN_REFRESH_DELAY_MS);
}

/** What the refresher needs from the client. */
export interface TokenRefreshHooks {
  /** The app's token source; undefined for a client with a fixed `token` (it only warns). */
  readonly getToken: (() => Promise<string>) | undefined;
  /** Send `token` on the current connection; false when it cannot (offline, or an older gateway). */
  readonly send: (token: string) => boolean;
  /** The token expires soon: the client emits `tokenWillExpire`. */
  readonly willExpire: (expiresAtMs: number) => void;
  readonly log: GagLogger;
}

/**
 * Plans the refreshes of one connection's token.
 * @example
 * const refresher = new TokenRefresher({ getToken, send, willExpire, log });
 * refresher.start(welcome.tokenExpiresAt); // after `welcome`
 * refresher.accepted(msg.tokenExpiresAt);  // after `token_accepted`
 * refresher.stop();                        // when the connection closes
 */
export class TokenRefresher {
  readonly #hooks: TokenRefreshHooks;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiresAtMs: number | undefined;
  /** Failed `getToken` calls for the current token. */
  #failures = 0;
  /** Bumped by every start/accept/stop: a `getToken` that resolves for an older plan is dropped. */
  #plan = 0;

  constructor(hooks: TokenRefreshHooks) {
    this.#hooks = hooks;
  }

  /** The session's token expires at `expiresAtMs` (`welcome.tokenExpiresAt`; undefined from an older gateway: nothing to plan). */
  start(expiresAtMs: number | undefined): void {
    this.stop();
    if (expiresAtMs === undefined) return;
    this.#expiresAtMs = expiresAtMs;
    this.#schedule(refreshDelayMs(expiresAtMs, Date.now()));
  }

  /** The gateway accepted a fresh token that expires at `expiresAtMs`. */
  accepted(expiresAtMs: number): void {
    this.start(expiresAtMs);
  }

  /** The connection closed: no refresh is planned any more. */
  stop(): void {
    this.#plan++;
    this.#failures = 0;
    this.#expiresAtMs = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    // A timer longer than 2^31 - 1 ms (24.8 days) fires at once in browsers and Node: a long
    // token is watched in steps, the refresh due only when the whole wait is over.
    if (delayMs > MAX_TIMER_MS) {
      const dueAtMs = Date.now() + delayMs;
      this.#timer = setTimeout(() => this.#schedule(dueAtMs - Date.now()), MAX_TIMER_MS);
      return;
    }
    this.#timer = setTimeout(() => void this.#refresh(), delayMs);
  }

  async #refresh(): Promise<void> {
    const expiresAtMs = this.#expiresAtMs;
    if (expiresAtMs === undefined) return;
    const plan = this.#plan;
    if (this.#failures === 0) this.#hooks.willExpire(expiresAtMs);
    const { getToken } = this.#hooks;
    if (getToken === undefined || plan !== this.#plan) return; // the app answers with updateToken()
    let token: string;
    try {
      token = await getToken();
    } catch (err) {
      if (plan !== this.#plan) return;
      this.#failures++;
      const leftMs = expiresAtMs - Date.now();
      // Retry a few times while the token is still good; after that the gateway closes with 4101
      // and the reconnect asks getToken() again.
      if (this.#failures > TOKEN_REFRESH_RETRIES || leftMs <= MIN_REFRESH_DELAY_MS) {
        this.#hooks.log.warn({ err, failures: this.#failures }, 'token refresh failed: the session ends at expiry and reconnects');
        return;
      }
      this.#hooks.log.debug({ err, failures: this.#failures }, 'token refresh failed: retrying');
      this.#schedule(Math.max(leftMs / (TOKEN_REFRESH_RETRIES + 2 - this.#failures), MIN_REFRESH_DELAY_MS));
      return;
    }
    if (plan !== this.#plan) return; // the connection closed (or another token was accepted) meanwhile
    if (!this.#hooks.send(token)) this.#hooks.log.debug({}, 'token refresh not sent: not connected');
  }
}
