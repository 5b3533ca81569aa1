import { GagPhone } from './gag-phone.js';

/** Register `<gag-phone>` unless the page already has it (CRM pages load scripts twice). */
export function defineGagPhone(): void {
  if (customElements.get('gag-phone') === undefined) customElements.define('gag-phone', GagPhone);
}
