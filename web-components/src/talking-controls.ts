/**
 * The controls of an answered call on `<gag-phone>`: who else hears it (call-notices.ts), Mute, the
 * keypad and the audio panel (one panel open at a time) and what the keypad sent. In the call panels' file (call-panels.ts),
 * loaded when the call rings; Hang up is the phone's own (call-view.ts), so it works without them.
 * @packageDocumentation
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Call } from '@gag/sdk';
import { CallNotices } from './call-notices.js';
import { DeviceChoices, type DeviceSource } from './devices.js';
import { renderKeypad } from './keypad.js';
import type { Labels } from './labels/en.js';

/** Digits of the keypad shown at most (the latest). */
const MAX_SHOWN_DIGITS = 32;

/** The panel open under an answered call. */
export type Panel = 'keypad' | 'audio';

/** What the controls need from the phone. */
export interface TalkingHooks {
  /** The call on screen, if any. */
  call(): Call | undefined;
  /** Show what failed (a key the call refused, a device that could not be chosen). */
  fail(e: unknown): void;
  /** Focus the element `selector` names in the phone, once it is rendered. */
  focus(selector: string): void;
}

/**
 * The microphone, 24 × 24, in the text colour, hidden from screen readers; struck through when
 * muted. Only Mute has an icon: its state must read at a glance.
 */
const MIC = 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z';
const STRUCK = 'M3.3 4.7l1.4-1.4 16 16-1.4 1.4z';

/**
 * @example
 * const controls = new TalkingControls(this, { call, fail, focus }, { loadCallMedia, canChooseAudioOutput });
 * html`${controls.render(t, call, hangupButton)}`
 */
export class TalkingControls implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #hooks: TalkingHooks;
  readonly #devices: DeviceChoices;
  readonly #notices = new CallNotices();
  #panel: Panel | undefined;
  #digits = '';

  constructor(host: ReactiveControllerHost, hooks: TalkingHooks, devices: DeviceSource) {
    this.#host = host;
    this.#hooks = hooks;
    this.#devices = new DeviceChoices(host, devices);
    host.addController(this);
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** A new call, or none: panels closed, no digits. */
  reset(): void {
    this.#panel = undefined;
    this.#digits = '';
    this.#notices.reset();
    this.#devices.close();
    this.#host.requestUpdate();
  }

  /** Escape in the phone: closes the open panel, its button gets the focus back. Whether there was one. */
  escape(): boolean {
    const panel = this.#panel;
    if (panel === undefined) return false;
    this.#toggle(panel);
    this.#hooks.focus(`.toggle-${panel}`);
    return true;
  }

  /**
   * The notices of the answered `call`, its buttons (then `hangup`), and the open panel below them. Muted is a
   * state of the call, shown by the struck microphone and the colour (and "Microphone off" in the
   * status line); the label stays "Mute", as a toggle button's must, and `aria-pressed` says it.
   */
  render(t: Labels, call: Call, hangup: TemplateResult): TemplateResult {
    const panel = this.#panel;
    const toggle = (which: Panel, label: string) =>
      html`<button class="toggle-${which}" part="button toggle-${which}" aria-expanded=${panel === which ? 'true' : 'false'} aria-controls=${panel === which ? which : nothing} @click=${() => this.#toggle(which)}>${label}</button>`;
    return html`${this.#notices.render(t, call)}<div class="actions talking">
        <button class="mute" part="button mute" aria-pressed=${call.muted ? 'true' : 'false'} @click=${this.#toggleMute}>
          <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d=${call.muted ? MIC + STRUCK : MIC}></path></svg>${t.mute}
        </button>
        ${toggle('keypad', t.keypad)} ${toggle('audio', t.audio)} ${hangup}
      </div>
      ${panel === 'keypad' ? renderKeypad(t, this.#digits, this.#press) : panel === 'audio' ? this.#devices.render(t, call, this.#hooks.fail) : nothing}`;
  }

  readonly #toggleMute = (): void => {
    const call = this.#hooks.call();
    if (call?.muted) call.unmute();
    else call?.mute();
    this.#host.requestUpdate();
  };

  #toggle(panel: Panel): void {
    this.#panel = this.#panel === panel ? undefined : panel;
    if (this.#panel === 'audio') void this.#devices.open();
    else this.#devices.close();
    this.#host.requestUpdate(); // before the focus, which waits for this update
    if (this.#panel === 'keypad') this.#hooks.focus('.keypad button');
  }

  readonly #press = (digit: string): void => {
    try {
      this.#hooks.call()?.sendDtmf(digit);
      this.#digits = (this.#digits + digit).slice(-MAX_SHOWN_DIGITS);
      this.#host.requestUpdate();
    } catch (e) {
      this.#hooks.fail(e);
    }
  };
}
