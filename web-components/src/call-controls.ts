/**
 * The controls of the call on screen: its buttons, the keypad and the audio panel (one of them
 * open at a time), and what the keypad sent, for `<gag-phone>`.
 * @packageDocumentation
 */
import type { ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import type { Call } from '@gag/sdk';
import { renderCallActions, type CallActions, type Panel } from './call-view.js';
import { DeviceChoices } from './devices.js';
import { renderKeypad } from './keypad.js';
import type { Labels } from './labels/en.js';

/** Digits of the keypad shown at most (the latest). */
const MAX_SHOWN_DIGITS = 32;

/** What the controls need from the phone. */
export interface CallControlsHooks {
  /** The call on screen, if any. */
  call(): Call | undefined;
  /** Answer it (from a click or a key). */
  answer(): void;
  /** Show what failed (a key the call refused, a device that could not be chosen). */
  fail(e: unknown): void;
  /** Focus the element `selector` names in the phone, once it is rendered. */
  focus(selector: string): void;
}

/**
 * @example
 * readonly #controls = new CallControls(this, { call: () => this._call, answer, fail, focus });
 * html`${this.#controls.render(t, call, this.shortcuts)}`
 */
export class CallControls implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #hooks: CallControlsHooks;
  readonly #devices: DeviceChoices;
  #panel: Panel | undefined;
  #digits = '';

  constructor(host: ReactiveControllerHost, hooks: CallControlsHooks) {
    this.#host = host;
    this.#hooks = hooks;
    this.#devices = new DeviceChoices(host);
    host.addController(this);
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** A new call, or none: panels closed, no digits. */
  reset(): void {
    this.#panel = undefined;
    this.#digits = '';
    this.#devices.close();
    this.#host.requestUpdate();
  }

  /** The call's buttons, and the open panel. `shortcuts`: the page-wide shortcuts are on. */
  render(t: Labels, call: Call, shortcuts: boolean): TemplateResult {
    return renderCallActions(t, call, shortcuts, this.#panel, this.#actions, (panel) =>
      panel === 'keypad' ? renderKeypad(t, this.#digits, this.#press) : this.#devices.render(t, call, this.#hooks.fail),
    );
  }

  /** Escape in the phone: closes the open panel, its button gets the focus back. Whether there was one. */
  escape(): boolean {
    const panel = this.#panel;
    if (panel === undefined) return false;
    this.#actions.toggle(panel);
    this.#hooks.focus(`.toggle-${panel}`);
    return true;
  }

  readonly #actions: CallActions = {
    answer: () => this.#hooks.answer(),
    reject: () => this.#hooks.call()?.reject(),
    hangup: () => this.#hooks.call()?.hangup(),
    toggleMute: () => {
      const call = this.#hooks.call();
      if (call?.muted) call.unmute();
      else call?.mute();
      this.#host.requestUpdate();
    },
    toggle: (panel) => {
      this.#panel = this.#panel === panel ? undefined : panel;
      if (this.#panel === 'audio') void this.#devices.open();
      else this.#devices.close();
      this.#host.requestUpdate(); // before the focus, which waits for this update
      if (this.#panel === 'keypad') this.#hooks.focus('.keypad button');
    },
  };

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
