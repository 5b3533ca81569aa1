/**
 * How long a logged-in phone may stay: until its token would no longer be accepted at login. The
 * session keeps its token (in memory, never logged) so a reload can verify it again against the
 * new keys and checks; a `gag.v1` session may swap in a fresh one (`token`, the `token_refresh`
 * feature). When the token expires, or a reload refuses it, the phone is told once: it stops
 * ringing and is closed with `TOKEN_EXPIRED` (docs/protocol.md#token-lifetime).
 * @packageDocumentation
 */
import { CLOCK_TOLERANCE_S, type TokenClaims, type TokenVerifier } from '../access/token.js';
import { TokenError, type TokenRefusal } from '../errors.js';

/**
 * The longest a timer can wait: Node fires a longer `setTimeout` at once (2^31 − 1 ms, about
 * 24.8 days), so a year-long token is watched in steps of this.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a session's token stopped being good: it expired (`expired`), or a reload refused it for this reason. */
export type TokenLapse = TokenRefusal;

/**
 * A session's token and the timer that watches its expiry.
 * @example
 * const lifetime = new TokenLifetime(token, claims, (why) => session.lapse(why));
 * await lifetime.recheck(newVerifier); // on reload
 * lifetime.dispose();                   // when the session closes
 */
export class TokenLifetime {
  #token: string;
  #expiresAtMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** Set once the lapse was reported; a renewal clears it. */
  #lapsed = false;
  #disposed = false;
  readonly #onLapse: (why: TokenLapse) => void;

  constructor(token: string, claims: TokenClaims, onLapse: (why: TokenLapse) => void) {
    this.#token = token;
    this.#expiresAtMs = claims.expiresAtMs;
    this.#onLapse = onLapse;
    this.#arm();
  }

  /** The token's `exp`, ms since the epoch (what `welcome` and `token_accepted` tell the client). */
  get expiresAtMs(): number {
    return this.#expiresAtMs;
  }

  /** Whether the token expired or was refused by a reload, and no fresh one came since. */
  get lapsed(): boolean {
    return this.#lapsed;
  }

  /** A fresh token was verified for the same extension: the session lives until its expiry. */
  renew(token: string, claims: TokenClaims): void {
    if (this.#disposed) return;
    this.#token = token;
    this.#expiresAtMs = claims.expiresAtMs;
    this.#lapsed = false;
    this.#arm();
  }

  /**
   * Verify the token again with `verify` (a reload's keys and checks). A refusal lapses the
   * token; a token that still verifies keeps its timer. Rejects only when `verify` crashed
   * (not a {@link TokenError}: our bug), and the session then stays.
   */
  async recheck(verify: TokenVerifier): Promise<void> {
    if (this.#disposed || this.#lapsed) return;
    const token = this.#token;
    try {
      await verify(token);
    } catch (e) {
      // A renewal while this was checked replaced the token: the verdict is about the old one.
      if (!(e instanceof TokenError)) throw e;
      if (this.#token !== token) return;
      this.#lapse(e.reason);
    }
  }

  /** Stop watching (the session closed). */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
  }

  /**
   * Fire when login would refuse the token: past `exp` by more than the clock skew jose tolerates
   * (`CLOCK_TOLERANCE_S`), so a session and a new login agree on whether a token is good.
   */
  #arm(): void {
    clearTimeout(this.#timer);
    const dueAtMs = this.#expiresAtMs + CLOCK_TOLERANCE_S * 1000;
    const waitMs = dueAtMs - Date.now();
    // Already due (a login that stalled past the token's last second): still through the timer,
    // so the lapse reaches a session that holds this object, never one still constructing it.
    this.#timer = setTimeout(() => (waitMs > MAX_TIMER_MS ? this.#arm() : this.#lapse('expired')), Math.min(Math.max(waitMs, 0), MAX_TIMER_MS));
  }

  #lapse(why: TokenLapse): void {
    if (this.#disposed || this.#lapsed) return;
    this.#lapsed = true;
    clearTimeout(this.#timer);
    this.#onLapse(why);
  }
}
