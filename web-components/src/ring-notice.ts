/**
 * The desktop notification of the call ringing on `<gag-phone>` while its tab is hidden. In the
 * call panels' file (call-panels.ts), loaded when the call rings.
 * @packageDocumentation
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { notifyIfHidden, type CallNotice } from './notifications.js';

/**
 * The notification of the call ringing on a phone: shown if the tab is hidden when the call starts
 * ringing, or is hidden later while it rings; closed when it stops ringing (`close()`) or clicked.
 * @example
 * const ringNotice = new panels.RingNotice(this, () => (ringing ? { title, body, tag: call.id, onClick } : undefined));
 * this.#ringNotice.show(); // a call rings
 * this.#ringNotice.close(); // it was answered or ended
 */
export class RingNotice implements ReactiveController {
  readonly #notice: () => CallNotice | undefined;
  #close: (() => void) | undefined;

  /** `notice`: what to show now, or undefined when nothing rings. */
  constructor(host: ReactiveControllerHost, notice: () => CallNotice | undefined) {
    this.#notice = notice;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.show);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.show);
    this.close();
  }

  /** Show the notice, once per ring, if the page is hidden now. */
  readonly show = (): void => {
    const notice = this.#close === undefined ? this.#notice() : undefined;
    if (notice !== undefined) this.#close = notifyIfHidden(notice);
  };

  close(): void {
    this.#close?.();
    this.#close = undefined;
  }
}
