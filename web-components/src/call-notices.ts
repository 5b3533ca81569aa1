/**
 * Who else hears the answered call, on `<gag-phone>` (issues 20, 21): the recording badge
 * ("● Recording", "Recording paused") and the supervisor's notice (listening, whispering, joined),
 * from the gateway's `recording` and `supervised` notices (the SDK's `call.recording` and
 * `call.supervisor`). In the call panels' file (call-panels.ts), with the other controls of a
 * talking call.
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Call } from '@gag/sdk';
import type { Labels } from './labels/en.js';

/**
 * The notices are one polite live region (`aria-live="polite"`, not atomic), there from the
 * answer on and empty until the gateway says something: a notice that appears or changes is
 * announced once, alone, without interrupting. Once shown, a notice that ends says so ("Recording
 * stopped", "Supervisor left") instead of vanishing, so a screen reader user hears the end too.
 * (No `role="status"`: the phone's state line is the one status a page's tests and tools find.)
 * @example
 * readonly #notices = new CallNotices();
 * html`${this.#notices.render(t, call)}`
 */
export class CallNotices {
  /** Whether this call's recording or a supervisor was shown (then their end is shown too). */
  #recorded = false;
  #supervised = false;

  /** A new call, or none: nothing shown before. */
  reset(): void {
    this.#recorded = this.#supervised = false;
  }

  /** The notices of the answered `call`. */
  render(t: Labels, call: Pick<Call, 'recording' | 'supervisor'>): TemplateResult {
    const { recording, supervisor } = call;
    this.#recorded ||= recording !== 'off';
    this.#supervised ||= supervisor !== null;
    const n = t.notices;
    const badge =
      recording !== 'off'
        ? html`<span class="recording ${recording}" part="recording"><span aria-hidden="true">●</span> ${recording === 'on' ? n.recording : n.recordingPaused}</span>`
        : this.#recorded
          ? html`<span class="recording" part="recording">${n.recordingStopped}</span>`
          : nothing;
    const supervised =
      supervisor !== null
        ? html`<span class="supervised on" part="supervised">${n[supervisor]}</span>`
        : this.#supervised
          ? html`<span class="supervised" part="supervised">${n.supervisorLeft}</span>`
          : nothing;
    return html`<div class="notices" aria-live="polite">${badge}${supervised}</div>`;
  }
}
