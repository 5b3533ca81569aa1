export * from './tones.js';
export { FakeAsterisk, FakeCall, MEDIA_SUBPROTOCOL } from './fake-asterisk/client.js';
export type { CallEnd, DialOptions, FakeAsteriskOptions, FakeCallEvents } from './fake-asterisk/client.js';
export { echo, sequence, silence, tone } from './fake-asterisk/sources.js';
export type { AudioSource, EchoSource } from './fake-asterisk/sources.js';
export { Recorder } from './fake-asterisk/recorder.js';
export type { StreamRange } from './fake-asterisk/recorder.js';
export * as asteriskControl from './fake-asterisk/control.js';
export type { AppCommand, AppMessage, ControlFormat, DriverStatus, MediaStartInfo } from './fake-asterisk/control.js';
