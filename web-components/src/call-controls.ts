/**
 * The controls of the call on screen, for `<gag-phone>`: Answer and Reject while it rings, Hang up
 * always; once answered, Mute, the keypad and the audio panel from the call panels' file
 * (call-panels.ts), which loads when the call rings. Without it (it could not load) the call still
 * has Hang up.
 * @packageDocumentation
 */
import type { ReactiveControllerHost, TemplateResult } from 'lit';
import { canChooseAudioOutput, type Call } from '@gag/sdk';
import { loadCallMedia } from '@gag/sdk/call-media';
import { loadCallPanels, type CallPanels } from './call-panels-loader.js';
import { renderCallActions } from './call-view.js';
import type { Labels } from './labels/en.js';
import type { TalkingControls, TalkingHooks } from './talking-controls.js';

/** What the controls need from the phone. */
export interface CallControlsHooks extends TalkingHooks {
  /** Answer it (from a click or a key). */
  answer(): void;
}

/**
 * @example
 * readonly #controls = new CallControls(this, { call: () => this._call, answer, fail, focus });
 * html`${this.#controls.render(t, call, this.shortcuts)}`
 */
export class CallControls {
  readonly #host: ReactiveControllerHost;
  readonly #hooks: CallControlsHooks;
  #panels: CallPanels | undefined;
  #talking: TalkingControls | undefined;
  #loading: Promise<void> | undefined;

  constructor(host: ReactiveControllerHost, hooks: CallControlsHooks) {
    this.#host = host;
    this.#hooks = hooks;
  }

  /** The call panels' code, once loaded. */
  get panels(): CallPanels | undefined {
    return this.#panels;
  }

  /** Load the call panels' code (a call rings); a file that cannot load goes to `fail`, and the next call tries again. */
  load(): Promise<void> {
    return (this.#loading ??= loadCallPanels().then(
      (panels) => {
        this.#panels = panels;
        this.#talking = new panels.TalkingControls(this.#host, this.#hooks, { loadCallMedia, canChooseAudioOutput });
        this.#host.requestUpdate();
      },
      (e: unknown) => {
        this.#loading = undefined;
        this.#hooks.fail(e);
      },
    ));
  }

  /** A new call, or none: panels closed, no digits. */
  reset(): void {
    this.#talking?.reset();
  }

  /** The call's buttons, and the open panel. `shortcuts`: the page-wide shortcuts are on. */
  render(t: Labels, call: Call, shortcuts: boolean): TemplateResult {
    const on = { answer: this.#hooks.answer, reject: () => call.reject(), hangup: () => call.hangup() };
    return renderCallActions(t, call, shortcuts, on, this.#talking && ((hangup) => this.#talking!.render(t, call, hangup)));
  }

  /** Escape in the phone: closes the open panel, its button gets the focus back. Whether there was one. */
  escape(): boolean {
    return this.#talking?.escape() ?? false;
  }
}
