/**
 * The keys `<gag-phone>` acts on (shortcuts.ts lists them): Escape in the phone, and with
 * `shortcuts` the page-wide Alt+Shift+Y and Alt+Shift+H, heard on `window` while the phone is in
 * the page.
 * @packageDocumentation
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallScreen } from './call-screen.js';
import { shortcutOf } from './shortcuts.js';

/**
 * @example
 * readonly #keys = new PhoneKeys(this, this.#screen, () => this.shortcuts);
 * html`<div class="phone" @keydown=${this.#keys.inPhone}>…</div>`
 */
export class PhoneKeys implements ReactiveController {
  readonly #screen: CallScreen;
  readonly #pageWide: () => boolean;

  /** `pageWide`: whether the page-wide shortcuts are on now. */
  constructor(host: ReactiveControllerHost, screen: CallScreen, pageWide: () => boolean) {
    this.#screen = screen;
    this.#pageWide = pageWide;
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.#onPageKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.#onPageKey);
  }

  /** Escape in the phone rejects a ringing call, or closes the open panel (the focus goes back to its button). */
  readonly inPhone = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    const call = this.#screen.call;
    if (call?.state === 'ringing' && !call.outbound) call.reject();
    else if (!this.#screen.controls.escape()) return;
    e.preventDefault();
  };

  readonly #onPageKey = (e: KeyboardEvent): void => {
    const call = this.#screen.call;
    const action = this.#pageWide() && call !== undefined ? shortcutOf(e) : undefined;
    if (action === undefined) return;
    e.preventDefault();
    if (action === 'hangup') call?.hangup();
    else void this.#screen.answer();
  };
}
