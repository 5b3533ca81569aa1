/**
 * `<gag-phone>`: a drop-in phone for CRM pages.
 * @packageDocumentation
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Call, ConnectionState, GagClient } from '@gag/sdk';
import { CallScreen } from './call-screen.js';
import { clock, renderCaller } from './call-view.js';
import { PhoneConnection } from './connection.js';
import { Dialer } from './dialer.js';
import { gagEvent, type PhoneView } from './events.js';
import type { Labels } from './labels/en.js';
import type { Lang } from './labels/load.js';
import { askToNotify, canAskToNotify } from './notifications.js';
import { formatNumber, type NumberFormat } from './number-format.js';
import { PhoneError } from './phone-error.js';
import { renderFooter } from './phone-footer.js';
import { PhoneWords } from './phone-words.js';
import { PhoneKeys } from './phone-keys.js';
import { styles } from './styles.js';
import { PhoneTabs, phoneLockName, type TabsHost } from './tabs/phone-tabs.js';
import { RemoteEvents } from './tabs/remote-events.js';
import { remoteCall, type RemotePhone } from './tabs/remote-phone.js';
import { renderRemoteActions } from './tabs/remote-view.js';
import { watchTelLinks } from './tel-links.js';
import { hasTokenSource, tokenGetter, type TokenProvider } from './token-source.js';

/**
 * A phone for one extension: shows its connection, rings with the caller's number, name and
 * group (ringtone, desktop notification when the tab is hidden), answers, rejects, mutes, sends
 * keypad digits, chooses the microphone, speaker and volume, hangs up, and dials out by
 * click-to-call (also from the page's `tel:` links with `tel-links`).
 *
 * Keyboard: Tab between the controls, Enter or Space presses; when a call rings the focus moves to
 * Answer only if it was in the phone or nowhere (an agent typing in the page keeps it: the ring is
 * announced, and a click or Alt+Shift+Y answers); Escape rejects it (or closes the open panel);
 * 0–9, `*`, `#` in the keypad. With `shortcuts`, page-wide Alt+Shift+Y answers and Alt+Shift+H
 * rejects or hangs up.
 *
 * What is inside `<gag-phone>` shows until the phone is ready, and stays if its script or words
 * cannot load (the gateway is down): put a line there for that case (README, "When the script
 * cannot load").
 *
 * @example
 * <script src="https://gw.example.com:8766/gag-phone.js"></script>
 * <gag-phone server="wss://gw.example.com:8766" token-url="/gag-token" tel-links></gag-phone>
 *
 * Many tabs of one browser share one phone: the tab holding it connects and rings; the others
 * show it ("Answer here", "Use this tab") and fire the call events too, with `detail.here` false.
 * Their dialer and `tel-links` dial through the tab holding the phone (the call back answers
 * itself there).
 *
 * @fires gag-incoming - a call rings (detail: callId, callerNumber, callerName, group; outbound and
 *   dialedNumber for the call back of the user's own click-to-call; `here`: in this tab, false when
 *   another tab of the browser holds the phone)
 * @fires gag-answered - the call was answered (the same detail)
 * @fires gag-ended - the call is over (detail adds `reason`)
 * @fires gag-dtmf - the caller pressed a key (detail: callId, digit)
 * @fires gag-state - what the phone shows changed (detail: state, here)
 * @fires gag-error - something failed (detail: code, message in the phone's language that says what
 *   to do, reason: the exact cause, also once on the console; tokenRefusal for a refused token);
 *   once per error until it is over, not at every retry
 * @csspart phone - the phone's box
 * @csspart status - the state line (dot, state, call timer)
 * @csspart caller - who is calling (number, name, group)
 * @csspart button - every button (each also has its own part below)
 * @csspart answer - the Answer button
 * @csspart reject - the Reject button
 * @csspart hangup - the Hang up button
 * @csspart mute - the Mute button (`aria-pressed`)
 * @csspart toggle-keypad - the button that opens the keypad (`aria-expanded`)
 * @csspart toggle-audio - the button that opens the audio panel (`aria-expanded`)
 * @csspart recording - the recording badge of a recorded call ("● Recording", "Recording paused"; in a polite live region)
 * @csspart supervised - the supervisor's notice (listening, whispering, joined; in the same live region)
 * @csspart keypad - the keypad
 * @csspart key - each keypad key
 * @csspart audio - the microphone, speaker and volume panel
 * @csspart dialer - the click-to-call form
 * @csspart number - the dialer's number field
 * @csspart call - the dialer's Call button
 * @csspart note - why the last call ended
 * @csspart error - what failed and what to do
 * @csspart unlock - the "Enable sound" button (the browser blocked the ringtone)
 * @csspart notify - the "Turn on desktop notifications" button after a missed call (asks for the notification permission)
 * @csspart reconnect - the "Reconnect now" button while the phone waits to try again
 * @csspart retry - the "Try again" button after an error that stopped the phone
 * @csspart reload - the "Reload the page" button after the phone was updated on the server
 * @csspart answer-here - "Answer here" while the call rings in another tab of the browser (that tab holds the phone)
 * @csspart take-over - "Use this tab": bring the phone from the tab that holds it
 * @cssprop --gag-bg - background
 * @cssprop --gag-fg - text colour
 * @cssprop --gag-muted - secondary text (name, group, notes, labels)
 * @cssprop --gag-border - borders of the box and the fields
 * @cssprop --gag-button-bg - background of the plain buttons
 * @cssprop --gag-accent - focus ring and slider
 * @cssprop --gag-answer - Answer and Call buttons (white text)
 * @cssprop --gag-danger - Reject and Hang up buttons (white text)
 * @cssprop --gag-error - error text
 * @cssprop --gag-radius - corner radius of the box
 * @cssprop --gag-font - font family
 * @cssprop --gag-shadow - the box's shadow
 * @cssprop --gag-online - the state dot when ready
 * @cssprop --gag-ringing - the state dot while ringing
 * @cssprop --gag-talking - the state dot in a call
 * @cssprop --gag-offline - the state dot when offline or connecting
 * @cssprop --gag-focus - the focus ring (default: `--gag-accent`)
 * @cssprop --gag-width - the phone's width, the same in every state (default `20rem`, `15rem` compact; at most its container's)
 * @cssprop --gag-muted-bg - the Mute button while muted (default amber, with dark text)
 */
export class GagPhone extends LitElement {
  /** @internal The phone's styles; restyle it with the parts and custom properties above. */
  static override styles = styles;
  /** @internal lit's reactive properties: the fields below. */
  static override properties = {
    server: { type: String },
    token: { type: String },
    tokenUrl: { type: String, attribute: 'token-url' },
    tokenProvider: { attribute: false },
    lang: { type: String },
    theme: { type: String, reflect: true },
    compact: { type: Boolean, reflect: true },
    telLinks: { type: Boolean, attribute: 'tel-links' },
    shortcuts: { type: Boolean },
    formatNumber: { attribute: 'format-number' },
    _view: { state: true },
    _canDial: { state: true },
    _blocked: { state: true },
    _remote: { state: true },
  };

  /** The gateway, e.g. `wss://gw.example.com:8766`. */
  declare server: string;
  /** The JWT for this extension, as a property from your backend's answer (never reflected). Read at each (re)connect. */
  declare token: string;
  /** `token-url`: GET with the page's cookies before each (re)connect; answers JSON `{ "token": "…" }` or the token as text. */
  declare tokenUrl: string;
  /** Returns a fresh token before each (re)connect; wins over `token-url` and `token`. */
  declare tokenProvider: TokenProvider | undefined;
  /** `ja` or `en`; defaults to the nearest `lang` attribute (the page's `<html lang>`), then the browser's language. */
  declare lang: string;
  /** `light` (default), `dark`, or `auto` (follows `prefers-color-scheme`). */
  declare theme: 'light' | 'dark' | 'auto' | undefined;
  /** A smaller phone for a corner or a toolbar. */
  declare compact: boolean;
  /** `tel-links`: clicks on the page's `tel:` links dial through this phone (when it can dial now). */
  declare telLinks: boolean;
  /** Page-wide shortcuts: Alt+Shift+Y answers, Alt+Shift+H rejects or hangs up. */
  declare shortcuts: boolean;
  /**
   * `format-number`: how numbers are written: `auto` (default: `03-5555-0100`, `090-1234-5678`,
   * `+81 3-5555-0100`, `+1 415-555-0100`; other numbers as they arrive), `none`, or (as a property)
   * a function from the number as it arrives to the text to show.
   * @example phone.formatNumber = (n) => myCrm.formatPhone(n);
   */
  declare formatNumber: NumberFormat | undefined;
  /** @internal What the phone shows. */
  declare _view: PhoneView;
  /** @internal Whether the dialer is offered now. */
  declare _canDial: boolean;
  /** @internal Whether the browser blocked the ringtone (the "Enable sound" button shows). */
  declare _blocked: boolean;
  /** @internal The phone of the tab that holds it, while another tab does (tabs/); undefined while this tab does. */
  declare _remote: RemotePhone | null | undefined;

  #connection: PhoneConnection | undefined;
  #tabs: PhoneTabs | undefined;
  #connectionState: ConnectionState = 'offline';
  #unwatchTelLinks: (() => void) | undefined;
  readonly #error = new PhoneError(this);
  readonly #words = new PhoneWords(this, () => this.#maybeConnect());
  readonly #screen = new CallScreen(this, {
    labels: () => this.#labels,
    view: (view) => (this._view = view ?? this.#connectionState),
    answersHere: (call) => this.#tabs?.answersHere(call) === true,
    fail: (e) => this.#fail(e),
    clearError: () => this.#error.clear(),
    focus: (selector) => this.#focusSoon(selector),
    formatNumber: (number) => this.#format(number),
  });
  readonly #keys = new PhoneKeys(this, this.#screen, () => this.shortcuts);
  readonly #mirror = new RemoteEvents(this);
  #stateSent = '';
  readonly #dialer = new Dialer(this, {
    // Can dial: online without a call (here, or in the tab holding the phone: it dials for this one).
    readyClient: () => (this._canDial && this._view === 'online' ? (this.#connection?.client ?? this.#tabs) : undefined),
    labels: () => this.#labels,
    started: () => {
      this.#error.clear();
      this.#screen.clearNote();
    },
    failed: (message) => this.#error.show('GAG_DIAL_FAILED', message),
  });

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this.tokenUrl = '';
    this.compact = false;
    this.telLinks = false;
    this.shortcuts = false;
    this._view = 'offline';
    this._canDial = false;
    this._blocked = false;
  }

  /** The SDK client behind the element (for diagnostics and advanced use). */
  get client(): GagClient | undefined {
    return this.#connection?.client;
  }

  /** The call ringing or in progress. */
  get activeCall(): Call | undefined {
    return this.#screen.call;
  }

  get #lang(): Lang {
    const lang = this.lang || this.closest('[lang]')?.getAttribute('lang') || navigator.language;
    return lang.slice(0, 2).toLowerCase() === 'ja' ? 'ja' : 'en';
  }

  /** The words of the phone: the phone connects (and so calls, errors and dials happen) only once they are here. */
  get #labels(): Labels {
    return this.#words.get(this.#lang)!;
  }

  readonly #format = (number: string): string => formatNumber(number, this.formatNumber);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#maybeConnect();
    this.#unwatchTelLinks = watchTelLinks((number) => this.telLinks && this.#dialer.dialLink(number));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unwatchTelLinks?.();
    // Moved in the page (a CRM re-rendering its layout takes the element out and puts it back at
    // once): the connection and the call stay. Removed for good: this tab lets go of the phone.
    queueMicrotask(() => this.isConnected || this.#stop());
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new server means a new connection; a new token is only read at the next (re)connect
    // (`getToken`), so refreshing it mid-call does not drop the call.
    if (changed.has('server') && changed.get('server')) this.#stop();
    if (changed.has('server') || changed.has('token') || changed.has('tokenUrl') || changed.has('tokenProvider')) this.#maybeConnect();
    const here = this._remote === undefined;
    if (this.#stateSent !== (this.#stateSent = this._view + here)) this.dispatchEvent(gagEvent('gag-state', { state: this._view, here }));
  }

  override render() {
    const t = this.#words.get(this.#lang);
    // Until the words are here: an empty box; if they cannot come, the page's own content.
    if (t === undefined) return this.#words.failed ? html`<slot></slot>` : html`<div class="phone" part="phone"></div>`;
    const { call, endedNote } = this.#screen;
    const view = this._view;
    // Another tab holds the phone: this tab shows that tab's call, and only its own dial's errors
    // (kind undefined), not what failed while it held the phone itself.
    const remote = this._remote;
    const here = remote === undefined;
    // The call on screen as the tabs tell it (the one here, or the leading tab's).
    const shown = here ? call && remoteCall(call) : remote?.call;
    // While the SDK reconnects by itself, say why and that it is on it.
    const error = here ? this.#error.message || (view === 'reconnecting' ? t.errors.unreachable : '') : this.#error.kind ? '' : this.#error.message;
    const dialer = view === 'online' && this._canDial ? this.#dialer.render(t) : nothing;
    return html`<div class="phone ${view}" part="phone" role="group" aria-label=${t.phone} lang=${this.#lang} tabindex="-1" @keydown=${this.#keys.inPhone}>
      <div class="status" part="status">
        <span class="dot" aria-hidden="true"></span>
        <span class="state" role="status">${(here ? t : t.tabs)[view]}</span>
        ${here && call?.muted ? html`<span class="muted-badge">${t.muted}</span>` : nothing}
        ${shown?.answeredAtMs == null ? nothing : html`<span class="timer" role="timer">${clock(Date.now() - shown.answeredAtMs)}</span>`}
      </div>
      <div class="caller" part="caller" aria-live="assertive">${shown ? renderCaller(t, shown, this.#format) : nothing}</div>
      ${!here
        ? [renderRemoteActions(remote, t, this.#takeOver), dialer]
        : call
          ? this.#screen.controls.render(t, call, this.shortcuts)
          : view === 'online'
            ? dialer
            : nothing}
      ${renderFooter(
        t,
        {
          note: here ? endedNote : shown?.state === 'talking' ? t.tabs.callStays : '',
          error,
          blocked: this._blocked,
          offerNotify: here && this.#screen.endedReason === 'timeout' && canAskToNotify(),
          outdated: this.#error.kind === 'outdated',
          retry: !here ? undefined : error && view === 'offline' ? 'again' : view === 'reconnecting' ? 'now' : undefined,
        },
        this.#footerActions,
      )}
    </div>`;
  }

  #maybeConnect(): void {
    if (!this.isConnected || this.#words.get(this.#lang) === undefined || this.#tabs !== undefined || !this.server || !hasTokenSource(this)) return;
    // One phone per browser: the tab holding the lock connects, the others show it (tabs/).
    const server = this.server;
    const name = tokenGetter(this)().then((token) => phoneLockName(server, token));
    this.#tabs = new PhoneTabs({ name, host: this.#tabHost, locks: navigator.locks });
  }

  readonly #tabHost: TabsHost = {
    lead: () => this.#connect(),
    follow: (remote) => this.#letGo(remote),
  };

  readonly #takeOver = (): void => this.#tabs?.takeOver();

  #connect(): GagClient | undefined {
    this._remote = undefined;
    this.#mirror.lead();
    let connection: PhoneConnection;
    try {
      connection = new PhoneConnection({ url: this.server, getToken: tokenGetter(this) }, {
        state: (state) => {
          this.#connectionState = state;
          this._canDial = connection.client.canDial;
          if (state === 'online') this.#error.clear();
          if (this.#screen.call === undefined) this._view = state;
        },
        incoming: (call) => this.#screen.show(call),
        audioBlocked: () => (this._blocked = true),
        failed: (e, retrying) => {
          this.#fail(e);
          if (!retrying) this.#stop(); // a new token (or Try again) connects afresh
        },
      });
    } catch (e) {
      this.#fail(e);
      return undefined;
    }
    this.#connection = connection;
    this.#error.clear();
    connection.start();
    return connection.client;
  }

  #stop(): void {
    this.#tabs?.close();
    this.#tabs = undefined;
    this.#letGo(undefined);
  }

  /** Drop this tab's connection without rejecting its call (it may ring on in another tab), and show `remote`. */
  #letGo(remote: RemotePhone | null | undefined): void {
    const mine = this.#screen.call;
    if (this._remote === undefined) this.#mirror.seed(mine === undefined ? null : remoteCall(mine));
    if (remote === undefined) this.#mirror.stop();
    else this.#mirror.show(remote);
    this._remote = remote;
    this._canDial = remote?.canDial === true;
    this.#screen.drop();
    this.#connection?.close();
    this.#connection = undefined;
    this.#connectionState = 'offline';
    this._view = remote?.call?.state ?? remote?.connection ?? (remote === null ? 'connecting' : 'offline');
  }

  #focusSoon(selector: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  readonly #footerActions = {
    unlock: async (): Promise<void> => {
      if ((await this.#connection?.client.unlockAudio()) === true) this._blocked = false;
    },
    notify: async (): Promise<void> => {
      await askToNotify().catch(() => false);
      this.requestUpdate();
    },
    retry: (): void => {
      this.#error.clear();
      this.#stop();
      this.#maybeConnect();
    },
  };

  readonly #fail = (e: unknown): void => this.#error.fail(e, this.#labels);
}

declare global {
  interface HTMLElementTagNameMap {
    'gag-phone': GagPhone;
  }
}
