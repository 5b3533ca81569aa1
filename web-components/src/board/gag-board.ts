/**
 * `<gag-board>`: a supervisor's board (issue 21).
 * @packageDocumentation
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { ConnectionState, GagClient } from '@gag/sdk';
import { SupervisorBoard, SupervisorRefusedError, type Supervision, type SupervisionEndReason, type SuperviseMode } from '@gag/sdk/supervisor';
import { fill } from '../call-view.js';
import { PhoneConnection } from '../connection.js';
import { boardEn, type BoardLabels } from '../labels/board-en.js';
import { boardJa } from '../labels/board-ja.js';
import type { Labels } from '../labels/en.js';
import type { Lang } from '../labels/load.js';
import { formatNumber, type NumberFormat } from '../number-format.js';
import { PhoneError } from '../phone-error.js';
import { renderFooter } from '../phone-footer.js';
import { PhoneWords } from '../phone-words.js';
import { styles } from '../styles.js';
import { hasTokenSource, tokenGetter, type TokenProvider } from '../token-source.js';
import { boardEvent } from './board-events.js';
import { boardStyles } from './board-styles.js';
import { renderBoard, whoOf, type BoardActions } from './board-view.js';

/** How often the times on the board move on. */
const TICK_MS = 1_000;

/**
 * A supervisor's board: the agents in the supervisor's scope with their presence (offline,
 * available, ringing, talking, with the time in it), the groups' queues (ringing calls and how long
 * each waits), and the calls in progress, each with Listen, Whisper and Barge (the mode in use
 * pressed) and Leave. It logs in like `<gag-phone>` (the same `server`, `token-url`, `token`,
 * `tokenProvider`), with a supervisor's token (`gag_role: "supervisor"`); the gateway's
 * `supervisors` config says which extensions and groups it shows.
 *
 * Keyboard: Tab between the buttons, Enter or Space presses; after joining or switching, the focus
 * stays on the mode pressed; after Leave it goes to that call's Listen. Screen readers: each
 * section is a region with a heading, the agents, queues and calls are tables with row and column
 * headers, the mode buttons say whether they are pressed, and joining, switching and leaving are
 * announced (politely; the ticking times are not).
 *
 * @example
 * <script src="https://gw.example.com:8766/gag-board.js"></script>
 * <gag-board server="wss://gw.example.com:8766" token-url="/gag-supervisor-token" lang="ja"></gag-board>
 *
 * @fires gag-supervise - the supervisor joined a call, switched mode or left (detail: callId, mode: `listen` | `whisper` | `barge` | null when out, reason when out)
 * @fires gag-error - something failed (detail: code, message in the board's language, reason)
 * @csspart board - the board's box
 * @csspart status - the title and connection line
 * @csspart now - what the supervisor does now (listening to…, whispering to…)
 * @csspart calls - the calls in progress; `calls-table` its table
 * @csspart queues - the groups' ringing calls; `queue` each group's table
 * @csspart agents - the agents; `agents-table` its table
 * @csspart button - every button; `mode` and `listen` / `whisper` / `barge` the mode buttons (`aria-pressed`), `leave` Leave
 * @csspart error - what failed and what to do
 * @cssprop --gag-bg - background (and every other `--gag-*` property of `<gag-phone>`: the same theme)
 * @cssprop --gag-board-width - the board's width (default: its container's)
 */
export class GagBoard extends LitElement {
  /** @internal The board's styles: `<gag-phone>`'s sheet (the same theme) and its own. */
  static override styles = [styles, boardStyles];
  /** @internal lit's reactive properties: the fields below. */
  static override properties = {
    server: { type: String },
    token: { type: String },
    tokenUrl: { type: String, attribute: 'token-url' },
    tokenProvider: { attribute: false },
    lang: { type: String },
    theme: { type: String, reflect: true },
    formatNumber: { attribute: 'format-number' },
    _view: { state: true },
  };

  /** The gateway, e.g. `wss://gw.example.com:8766`. */
  declare server: string;
  /** A supervisor's JWT, as a property (never reflected). Read at each (re)connect. */
  declare token: string;
  /** `token-url`: GET with the page's cookies before each (re)connect; answers JSON `{ "token": "…" }` or the token as text. */
  declare tokenUrl: string;
  /** Returns a fresh token before each (re)connect; wins over `token-url` and `token`. */
  declare tokenProvider: TokenProvider | undefined;
  /** `ja` or `en`; defaults to the nearest `lang` attribute, then the browser's language. */
  declare lang: string;
  /** `light` (default), `dark`, or `auto` (follows `prefers-color-scheme`). */
  declare theme: 'light' | 'dark' | 'auto' | undefined;
  /** `format-number`: how numbers are written, as `<gag-phone>`'s. */
  declare formatNumber: NumberFormat | undefined;
  /** @internal The connection's state. */
  declare _view: ConnectionState;

  #connection: PhoneConnection | undefined;
  #board: SupervisorBoard | undefined;
  readonly #words = new PhoneWords(this, () => this.#maybeConnect());
  readonly #error = new PhoneError(this);
  /** What the supervisor does now, or did last ('' for nothing): shown, and announced politely. */
  #now = '';
  /** A supervise or leave is on its way. */
  #busy = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Whether the focus was in the board when the update began. */
  #focusWasHere = false;

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this.tokenUrl = '';
    this._view = 'offline';
  }

  /** The SDK client behind the board. */
  get client(): GagClient | undefined {
    return this.#connection?.client;
  }

  /** The SDK board behind the element (`@gag/sdk/supervisor`): agents, calls and the supervision. */
  get board(): SupervisorBoard | undefined {
    return this.#board;
  }

  get #lang(): Lang {
    const lang = this.lang || this.closest('[lang]')?.getAttribute('lang') || navigator.language;
    return lang.slice(0, 2).toLowerCase() === 'ja' ? 'ja' : 'en';
  }

  get #t(): BoardLabels {
    return this.#lang === 'ja' ? boardJa : boardEn;
  }

  readonly #format = (number: string): string => formatNumber(number, this.formatNumber);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#maybeConnect();
    // The times on the board move on; nothing is announced for it (they are not in a live region).
    this.#timer = setInterval(() => {
      if ((this.#board?.calls.size ?? 0) > 0) this.requestUpdate();
    }, TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    queueMicrotask(() => this.isConnected || this.#stop());
  }

  protected override willUpdate(): void {
    this.#focusWasHere = this.matches(':focus-within');
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A call's row that went (the call ended) took the focus on its buttons with it: it goes to the calls' heading.
    if (this.#focusWasHere && (this.renderRoot as ShadowRoot).activeElement === null) this.renderRoot.querySelector<HTMLElement>('#calls-heading')?.focus();
    if (changed.has('server') && changed.get('server')) this.#stop();
    if (changed.has('server') || changed.has('token') || changed.has('tokenUrl') || changed.has('tokenProvider')) this.#maybeConnect();
  }

  override render() {
    const words = this.#words.get(this.#lang);
    if (words === undefined) return this.#words.failed ? html`<slot></slot>` : html`<div class="phone board" part="board"></div>`;
    const t = this.#t;
    const board = this.#board;
    const mine = board?.supervision;
    const view = this._view;
    const error = this.#error.message || (view === 'reconnecting' ? words.errors.unreachable : '');
    return html`<div class="phone board ${view}" part="board" role="region" aria-label=${t.board} lang=${this.#lang}>
      <div class="status" part="status">
        <span class="dot" aria-hidden="true"></span>
        <h2 class="title">${t.board}</h2>
        <span class="state" role="status">${words[view]}</span>
      </div>
      <p class="now" part="now" aria-live="polite">${this.#now}</p>
      ${board?.synced === true || (board?.agents.size ?? 0) > 0
        ? renderBoard(
            t,
            {
              agents: [...board!.agents.values()],
              calls: [...board!.calls.values()],
              elapsedMs: (since) => board!.elapsedMs(since),
              format: this.#format,
              mine: mine === undefined ? undefined : { callId: mine.callId, mode: mine.mode },
              busy: this.#busy,
            },
            this.#actions,
          )
        : nothing}
      ${renderFooter(
        words,
        { note: '', error, blocked: false, offerNotify: false, outdated: this.#error.kind === 'outdated', retry: error && view === 'offline' ? 'again' : view === 'reconnecting' ? 'now' : undefined },
        { unlock: () => undefined, notify: () => undefined, retry: this.#retry },
      )}
    </div>`;
  }

  #maybeConnect(): void {
    if (!this.isConnected || this.#words.get(this.#lang) === undefined || this.#connection !== undefined || !this.server || !hasTokenSource(this)) return;
    let connection: PhoneConnection;
    try {
      connection = new PhoneConnection({ url: this.server, getToken: tokenGetter(this) }, {
        state: (state) => {
          this._view = state;
          if (state === 'online') this.#error.clear();
        },
        incoming: () => undefined, // a supervisor's board takes no calls: a phone of the same extension does
        audioBlocked: () => undefined,
        failed: (e, retrying) => {
          this.#fail(e);
          if (!retrying) this.#stop();
        },
      });
    } catch (e) {
      this.#fail(e);
      return;
    }
    const board = new SupervisorBoard(connection.client);
    const update = (): void => this.requestUpdate();
    board.on('synced', update).on('agent', update).on('call', update);
    board.on('refused', (e) => this.#refused(e));
    board.on('supervising', (s) => this.#follow(s));
    // The first watch; the SDK board watches again after each reconnect.
    connection.client.once('connected', () => void board.watch().catch((e: unknown) => (e instanceof SupervisorRefusedError ? this.#refused(e) : undefined)));
    this.#connection = connection;
    this.#board = board;
    connection.start();
  }

  #stop(): void {
    this.#board?.dispose();
    this.#board = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    this._view = 'offline';
  }

  readonly #retry = (): void => {
    this.#error.clear();
    this.#stop();
    this.#maybeConnect();
  };

  readonly #actions: BoardActions = {
    supervise: (callId, mode) => void this.#run(callId, async (board) => void (await board.supervise(callId, mode)), mode),
    leave: (callId) => void this.#run(callId, async (board) => board.supervision?.leave(), 'listen'),
  };

  /** One request at a time; then the focus goes to `focusMode` of the call's buttons, if the focus was in the board. */
  async #run(callId: string, request: (board: SupervisorBoard) => Promise<void>, focusMode: SuperviseMode): Promise<void> {
    const board = this.#board;
    if (board === undefined || this.#busy) return;
    // Asked now: a button pressed (Leave) may be gone once the request is done, and the focus with it.
    const focusHere = this.matches(':focus-within');
    this.#busy = true;
    this.#error.clear();
    this.requestUpdate();
    try {
      await request(board);
    } catch (e) {
      if (e instanceof SupervisorRefusedError) this.#refused(e);
      else if (e instanceof Error && 'code' in e && e.code === 'GAG_MEDIA') this.#error.show('GAG_MEDIA', this.#t.micNeeded, 'audio', { reason: e.message });
      else this.#fail(e);
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
    await this.updateComplete;
    if (!focusHere) return;
    const row = this.renderRoot.querySelector(`tr[data-call="${CSS.escape(callId)}"]`);
    const mode = board.supervision?.callId === callId ? board.supervision.mode : focusMode;
    (row?.querySelector<HTMLElement>(`button[data-mode="${mode}"]`) ?? this.renderRoot.querySelector<HTMLElement>('#calls-heading'))?.focus();
  }

  /** A supervision this board joined: its mode changes and its end are shown, announced and fired. */
  #follow(s: Supervision): void {
    const call = this.#board?.calls.get(s.callId);
    const who = call === undefined ? s.callId : whoOf(this.#t, call, this.#format);
    const tell = (mode: SuperviseMode | null, text: string, reason?: SupervisionEndReason): void => {
      this.#now = text;
      this.requestUpdate();
      this.dispatchEvent(boardEvent('gag-supervise', { callId: s.callId, mode, ...(reason === undefined ? {} : { reason }) }));
    };
    tell(s.mode, fill(this.#t.now[s.mode], who));
    s.on('mode', (mode) => tell(mode, fill(this.#t.now[mode], who)));
    s.once('ended', (reason) => tell(null, fill(reason === 'left' ? this.#t.now.left : this.#t.now.ended, who), reason));
  }

  #refused(e: SupervisorRefusedError): void {
    this.#error.show(e.code, this.#t.refused[e.reason], undefined, { reason: e.message });
  }

  readonly #fail = (e: unknown): void => this.#error.fail(e, this.#words.get(this.#lang) as Labels);
}

declare global {
  interface HTMLElementTagNameMap {
    'gag-board': GagBoard;
  }
}
