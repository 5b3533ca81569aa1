/**
 * `@gag/gateway/testing`: internals GAG's own bench measures, outside the gateway package. Not part
 * of the public API: no semver promise, not in the README, stripped from the API docs.
 * @internal
 * @packageDocumentation
 */
export { parseAsteriskMessage, type AsteriskEvent } from './asterisk/control.js';
