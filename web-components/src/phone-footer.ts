/**
 * The lines under `<gag-phone>`'s call: how the last call ended, what failed, and the buttons that
 * help (Enable sound, desktop notifications after a missed call, Reconnect now, Try again, Reload).
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Labels } from './labels/en.js';

/** What the footer shows. */
export interface Footer {
  /** `again`: "Try again" (the phone stopped); `now`: "Reconnect now" (it waits to try again). */
  readonly retry: 'again' | 'now' | undefined;
  /** How the last call ended, or what the other tab's call does ('' for nothing). */
  readonly note: string;
  /** What failed and what to do ('' for nothing). */
  readonly error: string;
  /** The browser blocked the ringtone. */
  readonly blocked: boolean;
  /** Offer the desktop notifications (a call was just missed, and nobody decided yet). */
  readonly offerNotify: boolean;
  /** The phone on the server was updated: only a reload helps. */
  readonly outdated: boolean;
}

/** What the footer's buttons do. */
export interface FooterActions {
  unlock(): void;
  notify(): void;
  /** Connect afresh now (Try again, Reconnect now). */
  retry(): void;
}

/** The footer's lines and buttons. */
export function renderFooter(t: Labels, f: Footer, on: FooterActions): TemplateResult {
  const button = (name: string, label: string, click: () => void) => html`<button class="${name} more" part="button ${name}" @click=${click}>${label}</button>`;
  return html`${f.blocked ? button('unlock', t.enableSound, on.unlock) : nothing}
    <p class="note" part="note" aria-live="polite">${f.note}</p>
    ${f.offerNotify ? button('notify', t.notify, on.notify) : nothing}
    ${f.error ? html`<p class="error" part="error" role="alert">${f.error}</p>` : nothing}
    ${f.retry === 'again' ? button('retry', t.retry, on.retry) : f.retry === 'now' ? button('reconnect', t.reconnectNow, on.retry) : nothing}
    ${f.outdated ? button('reload', t.reload, () => location.reload()) : nothing}`;
}
