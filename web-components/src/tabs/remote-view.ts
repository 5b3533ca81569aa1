/**
 * `<gag-phone>` in a tab that does not hold the phone: the buttons that bring the phone here. The
 * rest of the view is the element's own, from the leading tab's phone (labels `tabs.*`).
 * @packageDocumentation
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Labels } from '../labels/en.js';
import type { RemotePhone } from './remote-phone.js';

/**
 * What a tab that follows can do about the other tab's phone: a ringing call offers "Answer here"
 * (part `answer-here`), an idle phone "Use this tab" (part `take-over`); a call in progress stays
 * where it is (nothing). Nothing heard yet (null): nothing either.
 * @example html`${renderRemoteActions(tabs.remote, labels, () => tabs.takeOver())}`
 */
export function renderRemoteActions(remote: RemotePhone | null, t: Labels, onTakeOver: () => void): TemplateResult | typeof nothing {
  const call = remote?.call;
  return call === null
    ? html`<div class="actions"><button class="take-over" part="button take-over" @click=${onTakeOver}>${t.tabs.useThisTab}</button></div>`
    : call?.state === 'ringing' && !call.outbound
      ? html`<div class="actions"><button class="answer" part="button answer-here" @click=${onTakeOver}>${t.tabs.answerHere}</button></div>`
      : nothing;
}
