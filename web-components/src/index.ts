/**
 * `@gag/web-components`: `<gag-phone>` for bundlers. Importing it registers the element.
 * @module @gag/web-components
 */
import { defineGagPhone } from './define.js';

export { GagPhone } from './gag-phone.js';
export type { GagPhoneEventDetails, CallDetail, PhoneView } from './events.js';
export type { TokenProvider } from './token-source.js';
export type { NumberFormat } from './number-format.js';
export { SHORTCUTS } from './shortcuts.js';
export { defineGagPhone };
defineGagPhone();
