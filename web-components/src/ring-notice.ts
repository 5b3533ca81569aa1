/**
 * The desktop notification of the call ringing on `<gag-phone>` while its tab is hidden. What
 * shows it (notifications.ts) comes with the call panels' code, loaded when the call rings.
 * @packageDocumentation
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallNotice } from './notifications.js';

/** Shows a notice if the page is hidden (`notifyIfHidden`); returns what closes it. */
export type Notifier = (notice: CallNotice) => (() => void) | undefined;

/**
 * The notification of the call ringing on a phone: shown if the tab is hidden when the call starts
 * ringing, or is hidden later while it rings; closed when it stops ringing (`close()`) or clicked.
 * @example
 * readonly #ringNotice = new RingNotice(this, () => (ringing ? { title, body, tag: call.id, onClick } : undefined), () => panels?.notifyIfHidden);
 * this.#ringNotice.show(); // a call rings
 * this.#ringNotice.close(); // it was answered or ended
 */
export class RingNotice implements ReactiveController {
  readonly #notice: () => CallNotice | undefined;
  readonly #notifier: () => Notifier | undefined;
  #close: (() => void) | undefined;

  /** `notice`: what to show now, or undefined when nothing rings; `notifier`: what shows it, once loaded. */
  constructor(host: ReactiveControllerHost, notice: () => CallNotice | undefined, notifier: () => Notifier | undefined) {
    this.#notice = notice;
    this.#notifier = notifier;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.show);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.show);
    this.close();
  }

  /** Show the notice, once per ring, if the page is hidden now (and the code that shows it is here). */
  readonly show = (): void => {
    const notify = this.#notifier();
    const notice = this.#close === undefined && notify !== undefined ? this.#notice() : undefined;
    if (notice !== undefined) this.#close = notify?.(notice);
  };

  close(): void {
    this.#close?.();
    this.#close = undefined;
  }
}
