/**
 * The panels under an answered call, loaded when a call rings (src/call-panels-loader.ts; in the
 * drop-in bundle a file of its own next to gag-phone.js, like the SDK's call media): the keypad
 * and the audio panel, and the desktop notification of a ringing call. An idle phone does not
 * carry them.
 * @packageDocumentation
 */
export { TalkingControls } from './talking-controls.js';
export { RingNotice } from './ring-notice.js';
