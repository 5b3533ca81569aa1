/**
 * `@gag/e2e`: a faithful fake Asterisk (a chan_websocket client, byte for byte, in both control
 * formats) with fake AMI and ARI servers, and tone tools (generate, detect, decode DTMF, read and
 * write WAV) to check a call's audio. The Playwright fixtures are in `@gag/e2e/playwright`.
 *
 * @example
 * import { FakeAsterisk, tone } from '@gag/e2e';
 *
 * const asterisk = new FakeAsterisk({ url: 'ws://127.0.0.1:8765' }); // the gateway's Asterisk port
 * const call = await asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
 * call.play(tone(440));
 * await call.answered; // a phone of extension 2001 answered
 * await call.hangup();
 * await asterisk.close();
 * @module @gag/e2e
 */
export * from './tones.js';
export { DTMF_KEYS, decodeDtmf } from './dtmf.js';
export type { DecodedTone, DtmfDecoding } from './dtmf.js';
export { readWav, wavFile } from './wav.js';
export type { WavAudio } from './wav.js';
export { FakeAsterisk, FakeCall, MEDIA_SUBPROTOCOL } from './fake-asterisk/client.js';
export type { CallEnd, DialOptions, FakeAsteriskOptions, FakeCallEvents } from './fake-asterisk/client.js';
export { echo, sequence, silence, tone } from './fake-asterisk/sources.js';
export type { AudioSource, EchoedCall, EchoSource } from './fake-asterisk/sources.js';
export { wavSource } from './fake-asterisk/wav-source.js';
export type { WavSourceOptions } from './fake-asterisk/wav-source.js';
export { speechLike, speechLikeSignal } from './fake-asterisk/speech.js';
export type { SpeechLikeOptions } from './fake-asterisk/speech.js';
export { dialExtension } from './fake-asterisk/dial-extension.js';
export type { ExtensionDialOptions } from './fake-asterisk/dial-extension.js';
export { STEP_KINDS, loadScript, parseScript } from './fake-asterisk/script.js';
export type { ScriptStep, StepKind } from './fake-asterisk/script.js';
export { describeReceived, runScript } from './fake-asterisk/script-runner.js';
export type { RunScriptOptions, ScriptResult, StepFailure } from './fake-asterisk/script-runner.js';
export { Recorder } from './fake-asterisk/recorder.js';
export { decodeSamples, encodeSamples } from './fake-asterisk/codec.js';
export type { StreamRange } from './fake-asterisk/recorder.js';
export { QUEUE_LENGTH_MAX } from './fake-asterisk/playout-queue.js';
export * as asteriskControl from './fake-asterisk/control.js';
export type { AppCommand, AppMessage, ControlFormat, DriverStatus, MediaStartInfo } from './fake-asterisk/control.js';
export { FakeAmi } from './fake-ami/server.js';
export type { AmiAction, FakeAmiEvents, FakeAmiOptions, SeenOriginate } from './fake-ami/server.js';
export type { DialIdVia } from './fake-ami/dialplan.js';
export { FakeAri } from './fake-ari/server.js';
export { FakeForkReceiver, ForkStream } from './fake-fork/receiver.js';
export type { FakeForkReceiverEvents, ForkEvent, ForkTrack } from './fake-fork/receiver.js';
export type { AriRequest, FakeAriEvents, FakeAriOptions, SeenAriOriginate } from './fake-ari/server.js';
