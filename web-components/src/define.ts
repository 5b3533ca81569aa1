import { GagPhone } from './gag-phone.js';

/**
 * Register `<gag-phone>` unless the page already has it (CRM pages load scripts twice). Importing
 * `@gag/web-components` calls it already.
 * @example
 * import { defineGagPhone } from '@gag/web-components';
 * defineGagPhone(); // a second call, or a second copy of the script, changes nothing
 */
export function defineGagPhone(): void {
  if (customElements.get('gag-phone') === undefined) customElements.define('gag-phone', GagPhone);
}
