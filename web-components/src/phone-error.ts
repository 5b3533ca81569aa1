/**
 * What failed, as `<gag-phone>` shows it (a message in its language that says what to do) and
 * tells the page (`gag-error`): once per error until it is over, not at every retry.
 * @packageDocumentation
 */
import type { ReactiveControllerHost } from 'lit';
import { GagError } from '@gag/sdk';
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

  /** Show what `e` means, in `t`'s language. */
  fail(e: unknown, t: Labels): void {
    const kind = errorKind(e);
    this.show(e instanceof GagError ? e.code : 'other', t.errors[kind], kind);
  }

  /** Show `message`; fire `gag-error` with `code` unless it is on screen already. */
  show(code: string, message: string, kind?: ErrorKind): void {
    this.#kind = kind;
    if (message === this.#message) return;
    this.#message = message;
    this.#host.requestUpdate();
    this.#host.dispatchEvent(gagEvent('gag-error', { code, message }));
  }

  /** The error is over; except `outdated`, which only a reload of the page ends. */
  clear(): void {
    if (this.#message === '' || this.#kind === 'outdated') return;
    this.#message = '';
    this.#kind = undefined;
    this.#host.requestUpdate();
  }
}
