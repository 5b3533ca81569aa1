/**
 * A call as the browser sees it. The SDK's `Call` uses the same state machine as the gateway
 * (`call-machine.ts`); the browser enters at `ringing`.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { CallAudio } from './audio/call-audio.js';
import { DTMF_QUEUE_DIGITS, isDtmfDigits } from './audio/dtmf.js';
import { canTransition, transition, type CallEvent, type CallState } from './call-machine.js';
import { GagError } from './errors.js';
import type { EndReason, ServerMessage } from './protocol.js';

/** Events of a {@link Call}. Every listener runs after the call's state is updated. */
export interface CallEvents {
  /** The state changed; fires once per transition. @example call.on('state', (state, previous) => {}) */
  state: (state: CallState, previous: CallState) => void;
  /** The gateway connected the call: audio flows both ways. Fires at most once. */
  accepted: () => void;
  /** The caller pressed a key (Asterisk `DTMF_END`). @example call.on('dtmf', (digit) => {}) */
  dtmf: (digit: string) => void;
  /** The call is over. Always the last event, fired exactly once. @example call.on('ended', (reason) => {}) */
  ended: (reason: EndReason) => void;
}

/** What a call needs from the connection that carries it (internal). */
export interface CallTransport {
  sendControl(message: { type: 'answer' | 'reject' | 'hangup'; callId: string }): void;
  sendAudio(frame: ArrayBuffer): void;
  forget(callId: string): void;
}

type Incoming = Extract<ServerMessage, { type: 'incoming' }>;

function eventFor(state: CallState, reason: EndReason): CallEvent {
  if (reason === 'rejected' && canTransition(state, 'reject')) return 'reject';
  if (reason === 'timeout' && canTransition(state, 'timeout')) return 'timeout';
  if (reason === 'connection_lost' || reason === 'failed') return 'fail';
  return 'hangup';
}

/**
 * An incoming call. Answer it, reject it, hang it up, mute it, press keys.
 * @example
 * client.on('incoming', async (call) => {
 *   console.log(call.callerNumber, call.callerName);
 *   call.on('ended', (reason) => console.log('ended', reason));
 *   await call.answer();
 * });
 */
export class Call extends EventEmitter<CallEvents> {
  readonly id: string;
  readonly direction = 'inbound' as const;
  /** The extension that was called. */
  readonly extension: string;
  readonly callerNumber: string | null;
  readonly callerName: string | null;
  /** The group (gag_groups.json) the call came through, or null. */
  readonly group: string | null;
  /** When the call started ringing here, ms since the epoch. */
  readonly ringingSinceMs = Date.now();
  #answeredAtMs: number | undefined;
  #state: CallState = 'ringing';
  #endReason: EndReason | undefined;
  #audio: CallAudio | undefined;
  #audioStarting: Promise<CallAudio> | undefined;
  #muted = false;
  readonly #transport: CallTransport;
  readonly #microphone: MediaTrackConstraints | undefined;

  /** @internal Calls are created by the client on `incoming`. */
  constructor(incoming: Incoming, transport: CallTransport, microphone?: MediaTrackConstraints) {
    super();
    this.id = incoming.callId;
    this.extension = incoming.extension;
    this.callerNumber = incoming.callerNumber;
    this.callerName = incoming.callerName;
    this.group = incoming.group;
    this.#transport = transport;
    this.#microphone = microphone;
  }

  get state(): CallState {
    return this.#state;
  }

  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** Talking time so far (0 before answer). */
  get durationMs(): number {
    return this.#answeredAtMs === undefined ? 0 : Date.now() - this.#answeredAtMs;
  }

  /** The call's audio graph once answering started: diagnostics taps for tests and meters. */
  get audio(): CallAudio | undefined {
    return this.#audio;
  }

  /**
   * Take the call: starts the microphone and audio output (call it from a click, so the browser
   * lets audio play), then asks the gateway to connect. Resolves when audio flows.
   * @throws GagError `GAG_MEDIA` (microphone or audio output), `GAG_CALL_STATE` (not ringing).
   */
  async answer(): Promise<void> {
    if (this.#state !== 'ringing') throw new GagError('GAG_CALL_STATE', `cannot answer a call that is ${this.#state}`);
    const accepted = new Promise<void>((resolve, reject) => {
      this.once('accepted', resolve);
      this.once('ended', (reason) => reject(new GagError('GAG_CALL_STATE', `call ended before it was connected (${reason})`)));
    });
    accepted.catch(() => undefined); // observed below; avoid an unhandled rejection if start() throws first
    await this.#startAudio();
    if (this.#state !== 'ringing') return accepted; // ended while the microphone was starting
    this.#transport.sendControl({ type: 'answer', callId: this.id });
    return accepted;
  }

  /** Decline the call while it rings; Asterisk's dialplan continues (e.g. to voicemail). */
  reject(): void {
    if (this.#state !== 'ringing') return;
    this.#transport.sendControl({ type: 'reject', callId: this.id });
    this.end('rejected');
  }

  /** End the call (or decline it while it rings). */
  hangup(): void {
    if (this.#state === 'ended') return;
    if (this.#state === 'ringing') return this.reject();
    this.#transport.sendControl({ type: 'hangup', callId: this.id });
    this.end('hangup');
  }

  /** Send silence instead of the microphone. */
  mute(): void {
    this.#setMuted(true);
  }

  unmute(): void {
    this.#setMuted(false);
  }

  /**
   * Press keys towards the caller's side: the digits travel in-band, as standard DTMF tone pairs
   * in the outgoing audio (chan_websocket has no DTMF command), 100 ms each with 60 ms between
   * them. They replace the microphone meanwhile, also while muted, and queue behind digits still
   * playing. Returns at once.
   * @param digits 1–64 of `0`–`9`, `*`, `#`, `A`–`D` (upper case).
   * @throws GagError `GAG_OPTIONS_INVALID` (not DTMF digits), `GAG_CALL_STATE` (the call is not talking).
   * @example call.sendDtmf('1234#');
   */
  sendDtmf(digits: string): void {
    if (typeof digits !== 'string' || !isDtmfDigits(digits)) {
      throw new GagError('GAG_OPTIONS_INVALID', `sendDtmf: digits must be 1–${DTMF_QUEUE_DIGITS} of 0-9 * # A-D. Got ${JSON.stringify(digits)}`);
    }
    if (this.#state !== 'talking') throw new GagError('GAG_CALL_STATE', `cannot send DTMF on a call that is ${this.#state}`);
    this.#audio?.sendDtmf(digits);
  }

  #setMuted(muted: boolean): void {
    this.#muted = muted;
    this.#audio?.setMuted(muted);
  }

  /** @internal The gateway connected the call. */
  connected(): void {
    if (!canTransition(this.#state, 'answer')) return;
    this.#answeredAtMs = Date.now();
    this.#go('answer');
    this.emit('accepted');
  }

  /** @internal A key pressed by the caller. */
  keyPressed(digit: string): void {
    if (this.#state === 'talking') this.emit('dtmf', digit);
  }

  /** @internal Audio from the gateway. */
  play(frame: ArrayBuffer): void {
    if (this.#state === 'talking') this.#audio?.play(frame);
  }

  /** @internal The call is over, for `reason`. */
  end(reason: EndReason): void {
    if (this.#state === 'ended') return;
    this.#endReason = reason;
    this.#go(eventFor(this.#state, reason));
  }

  async #startAudio(): Promise<void> {
    this.#audioStarting ??= CallAudio.start({
      onFrame: (frame) => {
        if (this.#state === 'talking') this.#transport.sendAudio(frame);
      },
      ...(this.#microphone === undefined ? {} : { microphone: this.#microphone }),
    });
    let audio: CallAudio;
    try {
      audio = await this.#audioStarting;
    } catch (e) {
      this.#audioStarting = undefined; // let the user fix the permission and try again
      throw e;
    }
    if (this.#state === 'ended') return void (await audio.stop());
    this.#audio = audio;
    audio.setMuted(this.#muted);
  }

  /** The only place the state changes; side effects follow, then the events. */
  #go(event: CallEvent): void {
    const previous = this.#state;
    this.#state = transition(previous, event);
    if (this.#state === 'ended') {
      void this.#audio?.stop();
      this.#audio = undefined;
      this.#transport.forget(this.id);
    }
    this.emit('state', this.#state, previous);
    if (this.#state === 'ended') this.emit('ended', this.#endReason ?? 'failed');
  }
}
