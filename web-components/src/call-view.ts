/**
 * What `<gag-phone>` shows of a call: who it is, and the buttons for its state (Answer and Reject
 * while it rings; Mute, Keypad, Audio and Hang up in the call).
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Call } from '@gag/sdk';
import type { Labels } from './labels/en.js';
import { SHORTCUTS } from './shortcuts.js';

/** The panel open under an answered call. */
export type Panel = 'keypad' | 'audio';

/** What the buttons do. */
export interface CallActions {
  answer(): void;
  reject(): void;
  hangup(): void;
  toggleMute(): void;
  toggle(panel: Panel): void;
}

/**
 * `template` with its `{placeholder}` replaced by `value` as it is (a replacer function: a plain
 * string would read `$&`, `$'`… in a caller's name or group as patterns).
 * @example fill(t.group, call.group) // 'via Sales'
 */
export const fill = (template: string, value: string): string => template.replace(/\{\w+\}/, () => value);

/** A call's duration as the timer shows it: `m:ss`. */
export const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Who is calling, or whom the user's own click-to-call dials (also of a call in another tab: tabs/remote-view.ts). */
export function renderCaller(t: Labels, call: Pick<Call, 'outbound' | 'dialedNumber' | 'state' | 'callerNumber' | 'callerName' | 'group'>): TemplateResult {
  if (call.outbound) {
    const number = call.dialedNumber ?? '';
    return html`<div class="number">${call.state === 'talking' ? number : fill(t.calling, number)}</div>`;
  }
  return html`<div class="number">${call.callerNumber ?? t.unknownCaller}</div>
    ${call.callerName ? html`<div class="name">${call.callerName}</div>` : nothing}
    ${call.group ? html`<div class="group">${fill(t.group, call.group)}</div>` : nothing}`;
}

/**
 * The buttons for the call's state. `shortcuts`: the page-wide shortcuts are on (announced with
 * `aria-keyshortcuts`). `panel` is the open panel, rendered by `renderPanel` below the buttons.
 */
export function renderCallActions(t: Labels, call: Call, shortcuts: boolean, panel: Panel | undefined, on: CallActions, renderPanel: (panel: Panel) => TemplateResult): TemplateResult {
  const hangup = html`<button class="hangup" part="button hangup" aria-keyshortcuts=${shortcuts ? SHORTCUTS.hangup : nothing} @click=${on.hangup}>${t.hangup}</button>`;
  if (call.state === 'ringing' && !call.dialedHere) {
    return html`<div class="actions">
      <button class="answer" part="button answer" aria-keyshortcuts=${shortcuts ? SHORTCUTS.answer : nothing} @click=${on.answer}>${t.answer}</button>
      <button class="reject" part="button reject" aria-keyshortcuts=${shortcuts ? `Escape ${SHORTCUTS.hangup}` : 'Escape'} @click=${on.reject}>${t.reject}</button>
    </div>`;
  }
  if (call.state !== 'talking') return html`<div class="actions">${hangup}</div>`;
  const toggle = (which: Panel, label: string) =>
    html`<button class="toggle-${which}" part="button toggle-${which}" aria-expanded=${panel === which ? 'true' : 'false'} aria-controls=${panel === which ? which : nothing} @click=${() => on.toggle(which)}>${label}</button>`;
  return html`<div class="actions">
      <button class="mute" part="button mute" aria-pressed=${call.muted ? 'true' : 'false'} @click=${on.toggleMute}>${t.mute}</button>
      ${toggle('keypad', t.keypad)} ${toggle('audio', t.audio)} ${hangup}
    </div>
    ${panel === undefined ? nothing : renderPanel(panel)}`;
}
