/**
 * What failed, as `<gag-phone>` shows it (a message in its language that says what to do) and
 * tells the page (`gag-error`): once per error until it is over, not at every retry.
 * @packageDocumentation
 */
import type { ReactiveControllerHost } from 'lit';
import { GagError, TokenRefusedError } from '@gag/sdk';
import { errorKind, type ErrorKind } from './error-kind.js';
import { gagEvent } from './events.js';
import type { Labels } from './labels/en.js';

/**
 * The error on screen. `gag-error` fires when a message appears that is not on screen already:
 * a gateway that stays unreachable is one error however often the phone tries again. The error
 * is over when the phone recovers (online again, a new call, an action tried again); the same
 * failure after that fires again. The phone updated on the server (`outdated`) stays until the
 * page is reloaded: every call would fail the same way.
 * @example
 * readonly #error = new PhoneError(this);
 * this.#error.fail(e, labels); // shows labels.errors[errorKind(e)], fires gag-error if it is new
 * this.#error.clear();
 */
export class PhoneError {
  readonly #host: ReactiveControllerHost & EventTarget;
  #message = '';
  #kind: ErrorKind | undefined;

  constructor(host: ReactiveControllerHost & EventTarget) {
    this.#host = host;
  }

  /** The message on screen ('' for none). */
  get message(): string {
    return this.#message;
  }

  /** Which message it is (undefined for a refused click-to-call, or none). */
  get kind(): ErrorKind | undefined {
    return this.#kind;
  }

  /** Show what `e` means, in `t`'s language (a refused page's message names its origin). */
  fail(e: unknown, t: Labels): void {
    const kind = errorKind(e);
    const refusal = e instanceof TokenRefusedError && e.reason !== undefined ? { tokenRefusal: e.reason } : {};
    const reason = e instanceof Error ? [e.message, e.cause instanceof Error ? e.cause.message : ''].filter(Boolean).join(': ') : '';
    this.show(e instanceof GagError ? e.code : 'other', t.errors[kind].replaceAll('{origin}', location.origin), kind, { reason, ...refusal });
  }

  /**
   * Show `message`; unless it is on screen already, fire `gag-error` with `code` and tell the
   * console once (the phone's only console line: an administrator setting it up looks there first).
   */
  show(code: string, message: string, kind?: ErrorKind, cause: { reason: string; tokenRefusal?: string } = { reason: '' }): void {
    this.#kind = kind;
    if (message === this.#message) return;
    this.#message = message;
    this.#host.requestUpdate();
    console.warn(`<gag-phone> ${code}: ${cause.reason || message}`);
    this.#host.dispatchEvent(gagEvent('gag-error', { code, message, ...cause }));
  }

  /** The error is over; except `outdated`, which only a reload of the page ends. */
  clear(): void {
    if (this.#message === '' || this.#kind === 'outdated') return;
    this.#message = '';
    this.#kind = undefined;
    this.#host.requestUpdate();
  }
}
