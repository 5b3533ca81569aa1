/**
 * The call on `<gag-phone>`'s screen, from its ring to the note that says how it ended: focus on
 * Answer (unless the user is busy elsewhere on the page), the desktop notification while the tab
 * is hidden, the timer, the controls, and the
 * `gag-incoming`, `gag-answered`, `gag-dtmf` and `gag-ended` events.
 * @packageDocumentation
 */
import type { ReactiveControllerHost } from 'lit';
import type { Call, EndReason } from '@gag/sdk';
import { CallControls } from './call-controls.js';
import { fill } from './call-view.js';
import { callDetail, gagEvent, type CallDetail } from './events.js';
import type { Labels } from './labels/en.js';
import type { CallNotice } from './notifications.js';
import type { RingNotice } from './ring-notice.js';

/** How long the reason of the last call stays on screen. */
const ENDED_NOTE_MS = 5_000;

/** What the call screen needs from the phone. */
export interface CallScreenHooks {
  labels(): Labels;
  /** Show `view` while the call is on; undefined after it: the connection's state again. */
  view(view: 'ringing' | 'talking' | undefined): void;
  /** Whether `call` is answered at once: the call this tab took over from another (tabs/). */
  answersHere(call: Call): boolean;
  /** Show what failed (the microphone, a key, a device). */
  fail(e: unknown): void;
  /** What failed before is over (a new call, an answer tried again, the call ended). */
  clearError(): void;
  /** Focus the element `selector` names in the phone, once it is rendered. */
  focus(selector: string): void;
  /** A phone number as the page wants it written (`format-number`). */
  formatNumber(number: string): string;
}

/**
 * Whether a ring may move the focus to Answer: only when the focus is in the phone or nowhere in
 * particular (the page's body). An agent typing in the CRM page keeps the focus, so the next
 * space or Enter is still typed, not an answer; the ring is announced (the caller's live region,
 * the notification) and Alt+Shift+Y, a click, or Tab into the phone answers.
 */
function mayTakeFocus(host: HTMLElement): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active === document.documentElement || active === host;
}

/**
 * One call at a time: a second one that rings meanwhile is rejected (TODO(#6): call waiting).
 * @example
 * readonly #screen = new CallScreen(this, { labels, view, answersHere, fail, clearError, focus });
 * client.on('incoming', (call) => this.#screen.show(call));
 */
export class CallScreen {
  /** The call's buttons, keypad and audio panel. */
  readonly controls: CallControls;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #hooks: CallScreenHooks;
  /** Once the call panels' code is here (it carries the notification). */
  #ringNotice: RingNotice | undefined;
  #call: Call | undefined;
  #endedNote = '';
  #endedReason: EndReason | undefined;
  #tick: ReturnType<typeof setInterval> | undefined;
  #endedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, hooks: CallScreenHooks) {
    this.#host = host;
    this.#hooks = hooks;
    this.controls = new CallControls(host, { call: () => this.#call, answer: () => void this.answer(), fail: hooks.fail, focus: hooks.focus });
  }

  /** The call ringing or in progress. */
  get call(): Call | undefined {
    return this.#call;
  }

  /** How the last call ended, for a few seconds after it ('' otherwise). */
  get endedNote(): string {
    return this.#endedNote;
  }

  /** Why the last call ended, while its note is on screen. */
  get endedReason(): EndReason | undefined {
    return this.#endedNote === '' ? undefined : this.#endedReason;
  }

  /** The note of the last call goes (something new happens: a dial, a new error). */
  clearNote(): void {
    clearTimeout(this.#endedTimer);
    this.#endedNote = '';
    this.#host.requestUpdate();
  }

  /** A call rings here, or the call back of the user's own click-to-call (it answers itself). */
  show(call: Call): void {
    if (this.#call !== undefined) return call.reject();
    const detail = callDetail(call, true);
    this.#hooks.clearError();
    this.#endedNote = '';
    this.controls.reset();
    this.#call = call;
    void this.controls.load().then(() => {
      const panels = this.controls.panels;
      this.#ringNotice ??= panels && new panels.RingNotice(this.#host, () => this.#notice());
      this.#ringNotice?.show();
    });
    this.#hooks.view('ringing');
    call.on('accepted', () => {
      this.#ringNotice?.close();
      const focused = this.#host.shadowRoot?.activeElement != null;
      this.#hooks.view('talking');
      this.#tick = setInterval(() => this.#host.requestUpdate(), 1000);
      if (focused) this.#hooks.focus('.hangup');
      this.#host.dispatchEvent(gagEvent('gag-answered', detail));
    });
    // A lost device, and who else hears the call (its recording, a supervisor: call-notices.ts), show at once.
    const update = (): void => this.#host.requestUpdate();
    call.on('deviceLost', update).on('recording', update).on('supervised', update);
    call.on('dtmf', (digit) => this.#host.dispatchEvent(gagEvent('gag-dtmf', { callId: call.id, digit })));
    call.on('ended', (reason) => this.#onEnded(detail, reason));
    this.#host.dispatchEvent(gagEvent('gag-incoming', detail));
    // Only the call back of this page's own dial answers by itself; one started elsewhere rings.
    if (call.dialedHere || this.#hooks.answersHere(call)) return void this.answer();
    if (mayTakeFocus(this.#host)) this.#hooks.focus('.answer');
    this.#ringNotice?.show();
  }

  /** Answer the ringing call (from a click, a key, or by itself); a failure shows what to do. */
  async answer(): Promise<void> {
    const call = this.#call;
    if (call?.state !== 'ringing') return;
    this.#hooks.clearError();
    try {
      await call.answer();
    } catch (e) {
      // Ended while the microphone was starting (the caller left, or Reject): the note says why.
      if (call.endReason === undefined) this.#hooks.fail(e);
    }
  }

  /**
   * Forget the call without a word and without rejecting it: this tab lets go of its connection
   * and the call may ring on in another tab (its `ended` must not reach the page).
   */
  drop(): void {
    this.#call?.removeAllListeners();
    this.#clear();
    this.#endedNote = ''; // about a connection that is gone: it must not stay under "Offline"
  }

  #onEnded(detail: CallDetail, reason: EndReason): void {
    const focused = this.#host.shadowRoot?.activeElement != null;
    this.#clear();
    this.#hooks.view(undefined);
    this.#endedNote = this.#hooks.labels().ended[reason];
    this.#endedReason = reason;
    this.#hooks.clearError(); // about this call (its microphone, its keys): over with it
    this.#endedTimer = setTimeout(() => {
      this.#endedNote = '';
      this.#host.requestUpdate();
    }, ENDED_NOTE_MS);
    if (focused) this.#hooks.focus('.phone');
    this.#host.dispatchEvent(gagEvent('gag-ended', { ...detail, reason }));
  }

  #clear(): void {
    clearInterval(this.#tick);
    clearTimeout(this.#endedTimer);
    this.#ringNotice?.close();
    this.controls.reset();
    this.#call = undefined;
    this.#host.requestUpdate();
  }

  /** The desktop notification while the call rings and the tab is hidden. */
  #notice(): CallNotice | undefined {
    const call = this.#call;
    if (call?.state !== 'ringing' || call.dialedHere) return undefined;
    const t = this.#hooks.labels();
    const body = [call.callerNumber == null ? t.unknownCaller : this.#hooks.formatNumber(call.callerNumber), call.callerName, call.group && fill(t.group, call.group)];
    return { title: t.ringing, body: body.filter(Boolean).join('\n'), tag: call.id, onClick: () => this.#hooks.focus('.answer') };
  }
}
