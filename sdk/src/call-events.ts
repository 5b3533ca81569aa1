/**
 * What a {@link Call} tells its listeners, and what it needs from the connection that carries it.
 * @packageDocumentation
 */
import type { DeviceLost } from './audio/devices.js';
import type { CallState } from './call-machine.js';
import type { CallQuality } from './call-quality.js';
import type { EndReason, RecordingState, SuperviseMode } from './protocol.js';
import type { PacketMs } from './wire-units.js';

/**
 * Events of a {@link Call}. Every listener runs after the call's state is updated.
 * @example
 * call.on('state', (state) => (status.textContent = state));
 * call.on('ended', (reason) => log.info({ callId: call.id, reason }, 'call ended'));
 */
export interface CallEvents {
  /** The state changed; fires once per transition. @example call.on('state', (state, previous) => {}) */
  state: (state: CallState, previous: CallState) => void;
  /** The gateway confirmed the answer (its `answered` message): audio flows both ways. Fires at most once. */
  accepted: () => void;
  /** The caller pressed a key (Asterisk `DTMF_END`). @example call.on('dtmf', (digit) => {}) */
  dtmf: (digit: string) => void;
  /**
   * Playout health, microphone level, frames sent and round-trip time, every
   * `QUALITY_INTERVAL_MS` (2 s) while talking. @example call.on('quality', (q) => meter.value = q.inputLevelDbfs)
   */
  quality: (quality: CallQuality) => void;
  /**
   * A microphone or output in use went away (unplugged); the call goes on with the default one
   * (`deviceId`), or with silence when no microphone is left (`deviceId: null`).
   * @example call.on('deviceLost', (lost) => toast(`${lost.kind} unplugged`))
   */
  deviceLost: (lost: DeviceLost) => void;
  /**
   * The gateway started, paused or stopped recording this call (`call.recording` holds the latest).
   * @example call.on('recording', (state) => (badge.hidden = state === 'off'))
   */
  recording: (state: RecordingState) => void;
  /**
   * A supervisor joined this call, switched mode, or left (`null`); listening is told only where
   * the gateway's config says so (`call.supervisor` holds the latest).
   * @example call.on('supervised', (mode) => (notice.textContent = mode ?? ''))
   */
  supervised: (mode: SuperviseMode | null) => void;
  /** The call is over. Always the last event, fired exactly once. @example call.on('ended', (reason) => {}) */
  ended: (reason: EndReason) => void;
}

/** What a call needs from the connection that carries it (internal). */
export interface CallTransport {
  sendControl(message: { type: 'answer' | 'reject' | 'hangup'; callId: string }): void;
  /**
   * Keys out of band: sends a `dtmf` message and returns true when the gateway listed the `dtmf`
   * feature; returns false, sending nothing, when it did not (the call plays them in-band).
   */
  sendDtmf(callId: string, digits: string): boolean;
  /**
   * Returns false when the frame was dropped (connection closed, or more than `maxBacklogBytes`
   * already waiting: 200 ms of the call's format).
   */
  sendAudio(frame: ArrayBuffer, maxBacklogBytes: number): boolean;
  /** Audio per message on this connection (`welcome.packetMs`): the call sends packets of it. */
  packetMs(): PacketMs;
  forget(callId: string): void;
  /** One ping to the gateway: the round trip in ms, or null (no support, no answer in time, aborted). */
  measureRtt(timeoutMs: number, signal: AbortSignal): Promise<number | null>;
}
