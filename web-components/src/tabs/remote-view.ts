/**
 * `<gag-phone>` in a tab that does not hold the phone: what the leading tab shows, and the button
 * that brings the phone here.
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import { clock, renderCaller } from '../call-view.js';
import type { Labels } from '../labels/en.js';
import type { RemotePhone } from './remote-phone.js';

/**
 * The view of another tab's phone. A ringing call offers "Answer here" (part `answer-here`), an
 * idle phone "Use this tab" (part `take-over`); a call in progress stays where it is (the view
 * says so, with its timer). The other parts are the element's own: `phone`, `status`, `caller`,
 * `button`, `note`.
 * @example html`${renderRemote(tabs.remote, labels, () => tabs.takeOver())}`
 */
export function renderRemote(remote: RemotePhone | null, t: Labels, onTakeOver: () => void): TemplateResult {
  const call = remote?.call ?? null;
  const view = call?.state ?? remote?.connection ?? 'connecting';
  let action: TemplateResult | typeof nothing = nothing;
  if (call === null && remote !== null) {
    action = html`<button class="take-over" part="button take-over" @click=${onTakeOver}>${t.tabs.useThisTab}</button>`;
  } else if (call?.state === 'ringing' && !call.outbound) {
    action = html`<button class="answer" part="button answer-here" @click=${onTakeOver}>${t.tabs.answerHere}</button>`;
  }
  return html`<div class="phone ${view} elsewhere" part="phone" role="group" aria-label=${t.phone}>
    <div class="status" part="status">
      <span class="dot" aria-hidden="true"></span>
      <span class="state" role="status">${t.tabs[view]}</span>
      ${call?.answeredAtMs == null ? nothing : html`<span class="timer" role="timer">${clock(Date.now() - call.answeredAtMs)}</span>`}
    </div>
    ${call === null
      ? nothing
      : html`<div class="caller" part="caller">${renderCaller(t, call)}</div>`}
    ${action === nothing ? nothing : html`<div class="actions">${action}</div>`}
    ${call?.state === 'talking' ? html`<p class="note" part="note">${t.tabs.callStays}</p>` : nothing}
  </div>`;
}
