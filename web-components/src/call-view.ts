/**
 * What `<gag-phone>` shows of a call: who it is, and the buttons for its state (Answer and Reject
 * while it rings; Hang up, and in the call Mute, Keypad and Audio from talking-controls.ts).
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Call } from '@gag/sdk';
import type { Labels } from './labels/en.js';
import { SHORTCUTS } from './shortcuts.js';

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

/** Who is calling, or whom the user's own click-to-call dials (also of a call in another tab: tabs/remote-view.ts); `format` writes the numbers. */
export function renderCaller(t: Labels, call: Pick<Call, 'outbound' | 'dialedNumber' | 'state' | 'callerNumber' | 'callerName' | 'group'>, format: (number: string) => string): TemplateResult {
  if (call.outbound) {
    const number = format(call.dialedNumber ?? '');
    return html`<div class="number">${call.state === 'talking' ? number : fill(t.calling, number)}</div>`;
  }
  // A caller without a number but with a name (an echo test, a service) is shown by the name.
  const number = call.callerNumber == null ? undefined : format(call.callerNumber);
  return html`<div class="number">${number ?? call.callerName ?? t.unknownCaller}</div>
    ${call.callerName && number !== undefined ? html`<div class="name">${call.callerName}</div>` : nothing}
    ${call.group ? html`<div class="group">${fill(t.group, call.group)}</div>` : nothing}`;
}

/** What the buttons do. */
export interface CallActions {
  answer(): void;
  reject(): void;
  hangup(): void;
}

/**
 * The buttons for the call's state: Answer and Reject while it rings, Hang up otherwise; once
 * answered, `talking` adds the rest around Hang up (talking-controls.ts), when loaded. `shortcuts`:
 * the page-wide shortcuts are on (announced with `aria-keyshortcuts`).
 */
export function renderCallActions(t: Labels, call: Call, shortcuts: boolean, on: CallActions, talking: ((hangup: TemplateResult) => TemplateResult) | undefined): TemplateResult {
  const hangup = html`<button class="hangup" part="button hangup" aria-keyshortcuts=${shortcuts ? SHORTCUTS.hangup : nothing} @click=${on.hangup}>${t.hangup}</button>`;
  if (call.state === 'ringing' && !call.dialedHere) {
    return html`<div class="actions">
      <button class="answer" part="button answer" aria-keyshortcuts=${shortcuts ? SHORTCUTS.answer : nothing} @click=${on.answer}>${t.answer}</button>
      <button class="reject" part="button reject" aria-keyshortcuts=${shortcuts ? `Escape ${SHORTCUTS.hangup}` : 'Escape'} @click=${on.reject}>${t.reject}</button>
    </div>`;
  }
  return call.state === 'talking' && talking !== undefined ? talking(hangup) : html`<div class="actions">${hangup}</div>`;
}
