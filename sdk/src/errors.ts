/**
 * Errors GAG throws. Every error is a {@link GagError} with a stable `code`; callers branch on
 * `code`, never on the message. Codes are public API: never renamed, never reused.
 * @packageDocumentation
 */

/**
 * Every error code GAG can raise, with what it means.
 * - `GAG_PROTOCOL` — a peer sent a message that does not parse or is not allowed now.
 * - `GAG_ILLEGAL_TRANSITION` — a state machine (a call's, the SDK connection's, a `<gag-phone>` tab's role) was
 *   driven through a move its table does not have (our bug): an {@link IllegalTransitionError}.
 * - `GAG_OPTIONS_INVALID` — an options object passed to a constructor is wrong; the message names the option.
 * - `GAG_CONFIG_INVALID` — a gateway config file is wrong; `file`, `key` and `fix` say where and how to fix it.
 * - `GAG_TOKEN_INVALID` — a token failed verification (signature, algorithm, expiry, claims); when the
 *   gateway refused it, a {@link TokenRefusedError} whose `reason` says why.
 * - `GAG_NOT_CONNECTED` — an action needs the gateway connection, which is not open (or the gateway
 *   cannot be reached).
 * - `GAG_REFUSED` — the gateway answered but refused the connection before it opened (HTTP 403):
 *   the page's origin is not in `allowed_origins`, or the browser's address not in `allowed_browser_ips`.
 * - `GAG_CALL_STATE` — a call action (answer, hangup…) is not possible in the call's state.
 * - `GAG_DIAL_FAILED` — a click-to-call was refused or failed; the error's `reason` is the gateway's `dial_failed` code.
 * - `GAG_MEDIA` — the microphone or the audio output could not be started or chosen (also: this
 *   browser cannot choose the output device, or media devices need an https page). With a
 *   `TypeError` as `cause`: the call's audio code could not be downloaded (try again).
 * - `GAG_SUPERVISOR_REFUSED` — the gateway refused a supervisor's request (`@gag/sdk/supervisor`): a
 *   `SupervisorRefusedError` whose `reason` is the gateway's `supervisor_refused` code (`not_supervisor`,
 *   `not_allowed`, `no_such_call`, `not_talking`, `busy`).
 * - `GAG_OUTDATED` — a file of GAG's code that loads when needed (next to the drop-in
 *   `gag-phone.js`) is no longer on the server: the gateway was upgraded after the page loaded.
 *   Reload the page.
 * @example try { await call.answer(); } catch (e) { const code: GagErrorCode | undefined = e instanceof GagError ? e.code : undefined; if (code === 'GAG_MEDIA') showMicHelp(); }
 */
export type GagErrorCode =
  | 'GAG_PROTOCOL'
  | 'GAG_ILLEGAL_TRANSITION'
  | 'GAG_OPTIONS_INVALID'
  | 'GAG_CONFIG_INVALID'
  | 'GAG_TOKEN_INVALID'
  | 'GAG_NOT_CONNECTED'
  | 'GAG_CALL_STATE'
  | 'GAG_DIAL_FAILED'
  | 'GAG_MEDIA'
  | 'GAG_OUTDATED'
  | 'GAG_REFUSED'
  | 'GAG_SUPERVISOR_REFUSED';

/**
 * Base of every error GAG throws.
 * @example
 * try { await call.answer(); } catch (e) { if (e instanceof GagError && e.code === 'GAG_MEDIA') showMicHelp(); }
 */
export class GagError extends Error {
  // A literal name: `this.constructor.name` is mangled in a minified bundle.
  /** The class's name, `'GagError'` (each subclass sets its own). */
  override name = 'GagError';
  /** What went wrong, stable: branch on it, never on the message. */
  readonly code: GagErrorCode;
  constructor(code: GagErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A peer's message that does not parse or is not allowed (code `GAG_PROTOCOL`).
 * @example
 * try { handle(parseClientMessage(text)); } catch (e) { if (e instanceof ProtocolError) ws.close(CLOSE.BAD_MESSAGE.code, e.message); }
 */
export class ProtocolError extends GagError {
  /** `'ProtocolError'`. */
  override name = 'ProtocolError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('GAG_PROTOCOL', message, options);
  }
}

/**
 * A move a state machine's table does not have (a call's, the SDK connection's, a `<gag-phone>`
 * tab's role): always a bug in GAG (code `GAG_ILLEGAL_TRANSITION`); `from` and `event` name the move.
 * @example
 * window.addEventListener('error', ({ error }) => { if (error instanceof IllegalTransitionError) reportBug(`${error.from} --${error.event}`); });
 */
export class IllegalTransitionError extends GagError {
  /** `'IllegalTransitionError'`. */
  override name = 'IllegalTransitionError';
  /** The state the machine was in. */
  readonly from: string;
  /** The event the table has no move for in that state. */
  readonly event: string;
  constructor(from: string, event: string) {
    super('GAG_ILLEGAL_TRANSITION', `no transition from '${from}' on '${event}'`);
    this.from = from;
    this.event = event;
  }
}

/**
 * Why the gateway refused a token (`reason` of a {@link TokenRefusedError}): `missing`, `malformed`;
 * `signature` (no key of the gateway signed it: another `jwt_secret`), `algorithm` (not in
 * `jwt_algorithms`); `expired`, `not_yet_valid` (its `nbf`/`iat` is ahead: the clocks differ);
 * `claims` (`ext` missing, or `iss`/`aud` not the gateway's `jwt_issuer`/`jwt_audience`).
 * @example if (e instanceof TokenRefusedError && e.reason === 'expired') await refreshSession();
 */
export type TokenRefusal = 'missing' | 'malformed' | 'signature' | 'algorithm' | 'expired' | 'not_yet_valid' | 'claims';

/**
 * The gateway refused the token (code `GAG_TOKEN_INVALID`); `reason` says why, when the gateway
 * said (gateways before this field close without it).
 * @example
 * try { await client.connect(); } catch (e) { if (e instanceof TokenRefusedError) console.warn('token refused:', e.reason); }
 */
export class TokenRefusedError extends GagError {
  /** `'TokenRefusedError'`. */
  override name = 'TokenRefusedError';
  /** Why the token was refused; undefined when the gateway did not say. */
  readonly reason: TokenRefusal | undefined;
  constructor(reason: TokenRefusal | undefined, message: string) {
    super('GAG_TOKEN_INVALID', message);
    this.reason = reason;
  }
}
