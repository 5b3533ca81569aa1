/**
 * The in-call keypad: twelve keys that send DTMF (`call.sendDtmf`), and the digits sent so far.
 * With the focus in the keypad, typing 0–9, `*` or `#` presses the key too.
 * @packageDocumentation
 */
import { html, type TemplateResult } from 'lit';
import type { Labels } from './labels/en.js';
import { KEYPAD_KEYS } from './shortcuts.js';

/**
 * The keypad, with `sent` (the digits pressed in this call) above the keys.
 * @example html`${renderKeypad(t, this._digits, (digit) => this.#press(digit))}`
 */
export function renderKeypad(t: Labels, sent: string, onKey: (digit: string) => void): TemplateResult {
  const typed = (e: KeyboardEvent): void => {
    if (e.key.length !== 1 || !KEYPAD_KEYS.includes(e.key) || e.ctrlKey || e.altKey || e.metaKey) return;
    e.preventDefault();
    onKey(e.key);
  };
  return html`<div class="keypad" id="keypad" part="keypad" role="group" aria-label=${t.keypad} @keydown=${typed}>
    <output>${sent}</output>
    ${[...KEYPAD_KEYS].map((key) => html`<button type="button" part="button key" @click=${() => onKey(key)}>${key}</button>`)}
  </div>`;
}
