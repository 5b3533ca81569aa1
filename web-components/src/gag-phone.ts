/**
 * `<gag-phone>`: a drop-in phone for CRM pages.
 * @packageDocumentation
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { GagClient, GagError, type Call, type EndReason } from '@gag/sdk';
import { dial, renderDialer } from './dialer.js';
import { gagEvent, type CallDetail, type PhoneView } from './events.js';
import { en, type Labels } from './labels/en.js';
import { ja } from './labels/ja.js';
import { styles } from './styles.js';

const LABELS: Readonly<Record<string, Labels>> = { en, ja };
/** How long the reason of the last call stays on screen. */
const ENDED_NOTE_MS = 5_000;

const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * A phone for one extension: shows online/offline, rings with the caller's number and name,
 * answers, rejects, mutes and hangs up.
 *
 * @example
 * <script src="https://gw.example.com:8766/gag-phone.js"></script>
 * <gag-phone server="wss://gw.example.com:8766" lang="ja"></gag-phone>
 * <script>document.querySelector('gag-phone').token = tokenFromYourBackend;</script>
 *
 * @fires gag-incoming - a call rings here (detail: callId, callerNumber, callerName)
 * @fires gag-answered - the call was answered here
 * @fires gag-ended - the call is over (detail adds `reason`)
 * @fires gag-state - what the phone shows changed (detail: state)
 * @fires gag-error - something failed (detail: code, message)
 * @csspart phone - the phone's box
 * @csspart answer - the Answer button
 * @csspart reject - the Reject button
 * @csspart hangup - the Hang up button
 * @csspart mute - the Mute button
 * @cssprop --gag-bg - background
 * @cssprop --gag-fg - text colour
 */
export class GagPhone extends LitElement {
  static override styles = styles;
  static override properties = {
    server: { type: String },
    token: { type: String, attribute: 'token' },
    lang: { type: String },
    _view: { state: true },
    _call: { state: true },
    _note: { state: true },
    _error: { state: true },
    _now: { state: true },
    _canDial: { state: true },
    _dialing: { state: true },
    _blocked: { state: true },
  };

  /** The gateway, e.g. `wss://gw.example.com:8766`. */
  declare server: string;
  /** The JWT for this extension. Set it as a property from your backend's answer; it is never reflected. */
  declare token: string;
  /** `ja` or `en`; defaults to the page's language. */
  declare lang: string;
  declare _view: PhoneView;
  declare _call: Call | undefined;
  declare _note: string;
  declare _error: string;
  declare _now: number;
  declare _canDial: boolean;
  declare _dialing: boolean;
  declare _blocked: boolean;

  #client: GagClient | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #noteTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this._view = 'offline';
    this._note = '';
    this._error = '';
    this._now = Date.now();
    this._canDial = false;
    this._dialing = false;
    this._blocked = false;
  }

  /** The SDK client behind the element (for diagnostics and advanced use). */
  get client(): GagClient | undefined {
    return this.#client;
  }

  /** The call ringing or in progress. */
  get activeCall(): Call | undefined {
    return this._call;
  }

  get #labels(): Labels {
    const lang = (this.lang || document.documentElement.lang || navigator.language || 'en').slice(0, 2);
    return LABELS[lang] ?? en;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#maybeConnect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A new server means a new connection; a new token is only read at the next (re)connect
    // (`getToken`), so refreshing it mid-call does not drop the call.
    if (changed.has('server') && changed.get('server') !== undefined && this.#client !== undefined) this.#stop();
    if (changed.has('server') || changed.has('token')) this.#maybeConnect();
    if (changed.has('_view')) this.dispatchEvent(gagEvent('gag-state', { state: this._view }));
  }

  override render() {
    const t = this.#labels;
    const call = this._call;
    const view = this._view;
    return html`<div class="phone ${view}" part="phone" role="group" aria-label="Phone">
      <div class="status" role="status">
        <span class="dot" aria-hidden="true"></span>
        <span class="state">${t[view]}</span>
        ${view === 'talking' && call ? html`<span class="timer">${clock(call.durationMs)}</span>` : nothing}
      </div>
      ${call ? this.#renderCall(call, t) : nothing}
      ${!call && view === 'online' && this._canDial ? renderDialer(t, this._dialing, this.#dial) : nothing}
      ${this._blocked ? html`<button class="unlock" part="unlock" @click=${this.#unlock}>${t.enableSound}</button>` : nothing}
      ${this._note ? html`<div class="note" aria-live="polite">${this._note}</div>` : nothing}
      ${this._error ? html`<div class="error" role="alert">${this._error}</div>` : nothing}
    </div>`;
  }

  #renderCall(call: Call, t: Labels) {
    if (call.outbound) {
      // The call back of the user's own click-to-call: it is answered by itself; show whom it dials.
      return html`<div class="caller" aria-live="polite"><div class="number">${t.calling.replace('{number}', call.dialedNumber ?? '')}</div></div>
        <div class="actions"><button class="hangup" part="hangup" @click=${() => call.hangup()}>${t.hangup}</button></div>`;
    }
    const caller = html`<div class="caller" aria-live="assertive">
      <div class="number">${call.callerNumber ?? t.unknownCaller}</div>
      ${call.callerName ? html`<div class="name">${call.callerName}</div>` : nothing}
      ${call.group ? html`<div class="group">${t.group.replace('{group}', call.group)}</div>` : nothing}
    </div>`;
    if (this._view === 'ringing') {
      return html`${caller}<div class="actions">
          <button class="answer" part="answer" @click=${this.#answer}>${t.answer}</button>
          <button class="reject" part="reject" @click=${() => call.reject()}>${t.reject}</button>
        </div>`;
    }
    return html`${caller}<div class="actions">
        <button class="mute" part="mute" aria-pressed=${call.muted ? 'true' : 'false'} @click=${this.#toggleMute}>
          ${call.muted ? t.unmute : t.mute}
        </button>
        <button class="hangup" part="hangup" @click=${() => call.hangup()}>${t.hangup}</button>
      </div>`;
  }

  #maybeConnect(): void {
    if (!this.isConnected || this.#client !== undefined || !this.server || !this.token) return;
    let client: GagClient;
    try {
      client = new GagClient({ url: this.server, getToken: () => Promise.resolve(this.token) });
    } catch (e) {
      return this.#fail(e);
    }
    this.#client = client;
    client.on('state', (state) => {
      this._canDial = client.canDial;
      if (this._call === undefined) this._view = state;
    });
    client.on('audioBlocked', () => (this._blocked = true));
    client.on('incoming', (call) => this.#onIncoming(call));
    this._error = '';
    client.connect().catch((e: unknown) => {
      if (this.#client === client) this.#fail(e);
    });
  }

  #stop(): void {
    this._call?.removeAllListeners(); // its `ended` after the socket closes must not touch a removed element
    this.#client?.removeAllListeners();
    this.#client?.disconnect();
    this.#client = undefined;
    this.#endCallView();
    this._view = 'offline';
  }

  #onIncoming(call: Call): void {
    if (this._call !== undefined) return call.reject(); // one call at a time on screen; TODO(#6): call waiting
    this._error = '';
    const detail: CallDetail = { callId: call.id, callerNumber: call.callerNumber, callerName: call.callerName };
    this._call = call;
    this._note = '';
    this._view = 'ringing';
    call.on('accepted', () => {
      this._view = 'talking';
      this.#tick = setInterval(() => (this._now = Date.now()), 1000);
      this.dispatchEvent(gagEvent('gag-answered', detail));
    });
    call.on('ended', (reason) => this.#onEnded(detail, reason));
    this.dispatchEvent(gagEvent('gag-incoming', detail));
    if (call.outbound) return void this.#answer();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('button.answer')?.focus());
  }

  #onEnded(detail: CallDetail, reason: EndReason): void {
    this.#endCallView();
    this._view = this.#client?.state ?? 'offline';
    this._note = this.#labels.ended[reason];
    this.#noteTimer = setTimeout(() => (this._note = ''), ENDED_NOTE_MS);
    this.dispatchEvent(gagEvent('gag-ended', { ...detail, reason }));
  }

  #endCallView(): void {
    clearInterval(this.#tick);
    clearTimeout(this.#noteTimer);
    this._call = undefined;
  }

  readonly #answer = async (): Promise<void> => {
    const call = this._call;
    try {
      await call?.answer();
    } catch (e) {
      // Ended while the microphone was starting (the caller left, or Reject): the note says why.
      if (call?.state !== 'ended') this.#fail(e);
    }
  };

  readonly #dial = async (number: string): Promise<void> => {
    const client = this.#client;
    if (client === undefined) return;
    this._dialing = true;
    this._error = '';
    const { error } = await dial(client, number, this.#labels);
    this._dialing = false;
    if (error !== '') {
      this._error = error;
      this.dispatchEvent(gagEvent('gag-error', { code: 'GAG_DIAL_FAILED', message: error }));
    }
  };

  readonly #unlock = async (): Promise<void> => {
    if ((await this.#client?.unlockAudio()) === true) this._blocked = false;
  };

  readonly #toggleMute = (): void => {
    const call = this._call;
    if (call === undefined) return;
    if (call.muted) call.unmute();
    else call.mute();
    this.requestUpdate();
  };

  #fail(e: unknown): void {
    const code = e instanceof GagError ? e.code : 'other';
    const messages = this.#labels.errors as Readonly<Record<string, string>>;
    this._error = messages[code] ?? messages['other'] ?? '';
    this.dispatchEvent(gagEvent('gag-error', { code, message: this._error }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gag-phone': GagPhone;
  }
}
