/**
 * `@gag/sdk`: a browser phone for Asterisk over one WebSocket.
 * @module @gag/sdk
 */
export { GagClient, type GagClientOptions, type GagClientEvents, type ConnectionState, type Disconnect } from './client.js';
export { Call } from './call.js';
export type { CallEvents } from './call-events.js';
export { QUALITY_INTERVAL_MS, MIN_LEVEL_DBFS, type CallQuality } from './call-quality.js';
export type { PlayoutStats } from './audio/playout.js';
export type { CallAudio } from './audio/call-audio.js';
export { MAX_VOLUME } from './audio/volume.js';
export {
  listAudioDevices,
  watchAudioDevices,
  canChooseAudioOutput,
  type AudioDevice,
  type AudioDevices,
  type DeviceLost,
  type ListAudioDevicesOptions,
} from './audio/devices.js';
export type { MicrophoneInfo } from './audio/microphone.js';
export { Ringer, RING_PATTERNS, type RingKind, type RingPattern } from './audio/ringer.js';
export { GagError, IllegalTransitionError, TokenRefusedError, type GagErrorCode, type TokenRefusal } from './errors.js';
export type { CallState } from './call-machine.js';
export type { EndReason } from './protocol.js';
export type { WireFormat } from './wire-units.js';
export type { GagLogger } from './logger.js';
export {
  DefaultReconnectPolicy,
  DEFAULT_RECONNECT_DELAYS_MS,
  type DefaultReconnectPolicyOptions,
  type ReconnectPolicy,
  type ReconnectContext,
} from './reconnect-policy.js';
export { DialError, DIAL_TIMEOUT_MS, type Dialing } from './dialer.js';
