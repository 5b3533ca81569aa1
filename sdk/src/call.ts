/**
 * A call as the browser sees it. The SDK's `Call` uses the same state machine as the gateway
 * (`call-machine.ts`); the browser enters at `ringing`.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { PacketGatherer } from './audio-packets.js';
import type { CallAudio } from './audio/call-audio.js';
import { canChooseAudioOutput } from './audio/devices.js';
import { DTMF_QUEUE_DIGITS, isDtmfDigits } from './audio/dtmf.js';
import { checkVolume } from './audio/volume.js';
import { canTransition, transition, type CallEvent, type CallState } from './call-machine.js';
import type { CallEvents, CallTransport } from './call-events.js';
export type { CallEvents, CallTransport } from './call-events.js';
import { loadCallMedia, type CallMedia } from './call-media-loader.js';
import { QUALITY_INTERVAL_MS } from './call-quality.js';
import { GagError } from './errors.js';
import type { EndReason, RecordingState, ServerMessage, SuperviseMode } from './protocol.js';
import { DEFAULT_WIRE_FORMAT, FRAME_MS, frameBytesOf, type WireFormat } from './wire-units.js';

/** Audio queued towards a slow connection before frames are dropped: late audio is worse than lost audio. */
const MAX_SEND_BACKLOG_MS = 200;

type Incoming = Extract<ServerMessage, { type: 'incoming' }>;

/**
 * A GagError from the call media module as this module's own: the drop-in bundle loads that module
 * from a file of its own, with its own copy of `GagError`, and callers check `instanceof GagError`.
 */
function ownError(e: unknown): unknown {
  if (e instanceof GagError || !(e instanceof Error) || e.name !== 'GagError') return e;
  return new GagError((e as GagError).code, e.message, { cause: e.cause });
}

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
  /** The call's id, as the gateway named it (the same in its logs and `/api/calls`). */
  readonly id: string;
  /**
   * `outbound` for the call back of this extension's own click-to-call (`client.dial()`, with
   * {@link Call.outbound} true), `inbound` for a call from someone else.
   */
  readonly direction: 'inbound' | 'outbound';
  /** The extension that was called. */
  readonly extension: string;
  /** The caller's number, or null when Asterisk did not say. */
  readonly callerNumber: string | null;
  /** The caller's name, or null when Asterisk did not say. */
  readonly callerName: string | null;
  /** The group (gag_groups.json) the call came through, or null. */
  readonly group: string | null;
  /**
   * The codec of the call's audio on the wire, both ways (`incoming.format`; slin16 from a gateway
   * that does not say). The SDK encodes and decodes it; nothing to do for the caller.
   */
  readonly format: WireFormat;
  /** True for the call back of this extension's own click-to-call: answering it dials `dialedNumber`. */
  readonly outbound: boolean;
  /**
   * True for the call back of a `dial()` made by this client (its dial id is one the gateway gave
   * this client): the one kind of call to answer without a click. An `outbound` call back started
   * elsewhere (the operations API, another device of the extension) is false and rings.
   */
  readonly dialedHere: boolean;
  /** The number a click-to-call dials once this call back is answered (with `outbound`). */
  readonly dialedNumber: string | null;
  /** Matches the `dialId` that `client.dial()` resolved with (with `outbound`). */
  readonly dialId: string | null;
  /** When the call started ringing here, ms since the epoch. */
  readonly ringingSinceMs = Date.now();
  #answeredAtMs: number | undefined;
  #state: CallState = 'ringing';
  #endReason: EndReason | undefined;
  #audio: CallAudio | undefined;
  #audioStarting: Promise<CallAudio> | undefined;
  /** The call's audio and quality code (call-media.ts), once loaded; loading starts when the call rings. */
  #media: CallMedia | undefined;
  #mediaLoading: Promise<CallMedia> | undefined;
  #muted = false;
  #recording: RecordingState = 'off';
  #supervisor: SuperviseMode | null = null;
  #microphoneId: string | undefined;
  #outputId: string | undefined;
  #volume = 1;
  #framesSent = 0;
  #framesRefused = 0;
  #stopQuality: (() => void) | undefined;
  readonly #transport: CallTransport;
  /** {@link MAX_SEND_BACKLOG_MS} of the call's format, in bytes. */
  readonly #maxBacklogBytes: number;
  /** The microphone's frames, gathered into packets of the connection's packet time. */
  readonly #packets: PacketGatherer;
  readonly #microphone: MediaTrackConstraints | undefined;

  /** @internal Calls are created by the client on `incoming`. */
  constructor(incoming: Incoming, transport: CallTransport, microphone?: MediaTrackConstraints, dialedHere = false) {
    super();
    this.id = incoming.callId;
    this.extension = incoming.extension;
    this.callerNumber = incoming.callerNumber;
    this.callerName = incoming.callerName;
    this.outbound = incoming.outbound === true;
    this.dialedHere = this.outbound && dialedHere;
    this.direction = this.outbound ? 'outbound' : 'inbound';
    this.dialedNumber = incoming.dialedNumber ?? null;
    this.dialId = incoming.dialId ?? null;
    this.group = incoming.group;
    this.format = incoming.format ?? DEFAULT_WIRE_FORMAT;
    this.#maxBacklogBytes = (MAX_SEND_BACKLOG_MS / FRAME_MS) * frameBytesOf(this.format);
    this.#transport = transport;
    this.#packets = new PacketGatherer(frameBytesOf(this.format), transport.packetMs());
    this.#microphone = microphone;
    this.#loadMedia().catch(() => undefined); // now, so that answer() need not wait; it reports a failure
  }

  /** Where the call is: `ringing`, `talking` or `ended` (the `state` event tells each change). */
  get state(): CallState {
    return this.#state;
  }

  /** Why the call ended, once `ended`; undefined before. */
  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  /** Whether the microphone is muted (silence is sent instead). */
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
   * lets audio play), then tells the gateway it answers. Resolves when the gateway confirms and audio flows.
   * @throws GagError `GAG_MEDIA` (microphone or audio output), `GAG_CALL_STATE` (not ringing).
   */
  async answer(): Promise<void> {
    if (this.#state !== 'ringing') throw new GagError('GAG_CALL_STATE', `cannot answer a call that is ${this.#state}`);
    const accepted = new Promise<void>((resolve, reject) => {
      this.once('accepted', resolve);
      this.once('ended', (reason) => reject(new GagError('GAG_CALL_STATE', `call ended before the answer went through (${reason})`)));
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

  /** Send the microphone again after {@link Call.mute}. */
  unmute(): void {
    this.#setMuted(false);
  }

  /**
   * Press keys towards the caller's side. Which way they travel depends on the gateway:
   * - **Out of band**, when the gateway lists the `dtmf` feature (it has AMI, `"originate": "ami"`):
   *   one `dtmf` message, and the gateway presses the keys on Asterisk's side of the call (AMI
   *   `PlayDTMF`), so the dialplan's `Read()`, an IVR or a SIP trunk gets them as real DTMF. No
   *   tones go into the audio then: Asterisk would otherwise get each key twice.
   * - **In-band** otherwise: standard DTMF tone pairs in the outgoing audio (chan_websocket has no
   *   DTMF command), 100 ms each with 60 ms between them. They replace the microphone meanwhile,
   *   also while muted, and queue behind digits still playing. Asterisk does not turn them into
   *   DTMF (chan_websocket has no tone detector): only a far end that listens to the audio does.
   *
   * Returns at once either way.
   * @param digits 1–64 of `0`–`9`, `*`, `#`, `A`–`D` (upper case).
   * @throws GagError `GAG_OPTIONS_INVALID` (not DTMF digits), `GAG_CALL_STATE` (the call is not talking).
   * @example call.sendDtmf('1234#');
   */
  sendDtmf(digits: string): void {
    if (typeof digits !== 'string' || !isDtmfDigits(digits)) {
      throw new GagError('GAG_OPTIONS_INVALID', `sendDtmf: digits must be 1–${DTMF_QUEUE_DIGITS} of 0-9 * # A-D. Got ${JSON.stringify(digits)}`);
    }
    if (this.#state !== 'talking') throw new GagError('GAG_CALL_STATE', `cannot send DTMF on a call that is ${this.#state}`);
    if (this.#transport.sendDtmf(this.id, digits)) return;
    this.#audio?.sendDtmf(digits);
  }

  /** The output volume, 0–1 (1: as received). */
  get volume(): number {
    return this.#volume;
  }

  /** The microphone chosen with {@link Call.setMicrophone} (undefined: the default). See `audio.microphone` for the one in use. */
  get microphoneId(): string | undefined {
    return this.#microphoneId;
  }

  /** The output chosen with {@link Call.setOutput} (undefined: the default). */
  get outputId(): string | undefined {
    return this.#outputId;
  }

  /**
   * Use the microphone `deviceId` (from `listAudioDevices()`; undefined: the system's default).
   * While ringing, it is the one `answer()` opens; while talking, the device is switched with no
   * gap in the outgoing audio. On failure the previous microphone stays.
   * @throws GagError `GAG_MEDIA` (cannot be opened), `GAG_CALL_STATE` (the call is over).
   * @example await call.setMicrophone(headset.deviceId);
   */
  async setMicrophone(deviceId: string | undefined): Promise<void> {
    if (this.#state === 'ended') throw new GagError('GAG_CALL_STATE', 'cannot choose a microphone for a call that is ended');
    if (this.#audio !== undefined) await this.#audio.setMicrophone(deviceId).catch((e: unknown) => Promise.reject(ownError(e)));
    this.#microphoneId = deviceId;
  }

  /**
   * Play the call on the output `deviceId` (undefined or `''`: the system's default), where the
   * browser can choose outputs (`canChooseAudioOutput()`, Chromium). Works while ringing too.
   * @throws GagError `GAG_MEDIA` (the browser cannot choose outputs, or the device is not there), `GAG_CALL_STATE` (the call is over).
   * @example if (canChooseAudioOutput()) await call.setOutput(speakers.deviceId);
   */
  async setOutput(deviceId: string | undefined): Promise<void> {
    if (this.#state === 'ended') throw new GagError('GAG_CALL_STATE', 'cannot choose an output for a call that is ended');
    if (this.#audio !== undefined) await this.#audio.setOutput(deviceId).catch((e: unknown) => Promise.reject(ownError(e)));
    else if (!canChooseAudioOutput()) {
      throw new GagError('GAG_MEDIA', 'this browser cannot choose the audio output (no AudioContext.setSinkId) — choose it in the system sound settings');
    }
    this.#outputId = deviceId;
  }

  /**
   * Set the output volume: 0 silent, 1 as received (the default). Works while ringing too.
   * @throws GagError `GAG_OPTIONS_INVALID` for anything but a number from 0 to 1.
   * @example call.setVolume(0.5); // −6 dB
   */
  setVolume(volume: number): void {
    this.#volume = checkVolume(volume);
    this.#audio?.setVolume(volume);
  }

  #setMuted(muted: boolean): void {
    this.#muted = muted;
    this.#audio?.setMuted(muted);
  }

  /** @internal The gateway says the call was answered here (`answered`): audio flows both ways. */
  answered(): void {
    if (!canTransition(this.#state, 'answer')) return;
    this.#answeredAtMs = Date.now();
    this.#go('answer');
    this.emit('accepted');
  }

  /**
   * @internal
   * @deprecated Use {@link Call.answered}: "connected" is the client's connection to the gateway.
   */
  connected(): void {
    this.answered();
  }

  /** Whether the gateway records this call now: `on`, `paused` or `off` (the `recording` event tells each change). */
  get recording(): RecordingState {
    return this.#recording;
  }

  /** The most audible supervisor in this call (`barge` over `whisper` over a shown `listen`), or null. */
  get supervisor(): SuperviseMode | null {
    return this.#supervisor;
  }

  /** @internal The gateway's `recording` or `supervised` notice about this call. */
  notice(message: { type: 'recording'; state: RecordingState } | { type: 'supervised'; mode: SuperviseMode | null }): void {
    if (this.#state === 'ended') return;
    if (message.type === 'recording') {
      this.#recording = message.state;
      this.emit('recording', message.state);
    } else {
      this.#supervisor = message.mode;
      this.emit('supervised', message.mode);
    }
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

  /**
   * Load call-media.ts once; the next answer() tries again after a failure: `GAG_MEDIA` with the
   * import's `TypeError` as cause, or the loader's own `GagError` (`GAG_OUTDATED`: the file is gone).
   */
  #loadMedia(): Promise<CallMedia> {
    this.#mediaLoading ??= loadCallMedia().then(
      (media) => (this.#media = media),
      (cause: unknown) => {
        this.#mediaLoading = undefined;
        if (cause instanceof GagError) throw cause;
        throw new GagError('GAG_MEDIA', 'the call audio code could not be loaded — check the network connection and answer again', { cause });
      },
    );
    return this.#mediaLoading;
  }

  async #startAudio(): Promise<void> {
    // The AudioContext is created in CallAudio.start(): after this await, which resolves at once
    // when the module loaded while the call rang, well within the click's activation.
    this.#audioStarting ??= this.#loadMedia().then(({ CallAudio }) => CallAudio.start({
      format: this.format,
      onFrame: (frame) => {
        if (this.#state !== 'talking') return;
        const packet = this.#packets.add(frame);
        if (packet === undefined) return;
        if (this.#transport.sendAudio(packet, this.#maxBacklogBytes)) this.#framesSent += this.#packets.framesPerPacket;
        else this.#framesRefused += this.#packets.framesPerPacket;
      },
      microphone: this.#microphone,
      microphoneId: this.#microphoneId,
      outputId: this.#outputId,
      volume: this.#volume,
      onDeviceLost: (lost) => {
        if (lost.kind === 'microphone') this.#microphoneId = undefined;
        else this.#outputId = undefined;
        if (this.#state !== 'ended') this.emit('deviceLost', lost);
      },
    }));
    let audio: CallAudio;
    try {
      audio = await this.#audioStarting;
    } catch (e) {
      this.#audioStarting = undefined; // let the user fix the permission and try again
      throw ownError(e);
    }
    if (this.#state === 'ended') return void (await audio.stop());
    this.#audio = audio;
    audio.setMuted(this.#muted);
    if (audio.volume !== this.#volume) audio.setVolume(this.#volume); // changed while the audio started
  }

  #startQuality(): void {
    const audio = this.#audio;
    const media = this.#media;
    if (audio === undefined || media === undefined) return; // cannot happen: answer() starts the audio before it tells the gateway
    this.#stopQuality = media.startQualityReports({
      stats: () => audio.stats(),
      sendCounts: () => ({ sent: this.#framesSent, refused: this.#framesRefused }),
      measureRtt: (timeoutMs, signal) => this.#transport.measureRtt(timeoutMs, signal),
      report: (quality) => {
        if (this.#state === 'talking') this.emit('quality', quality);
      },
    }, QUALITY_INTERVAL_MS);
  }

  /** The only place the state changes; side effects follow, then the events. */
  #go(event: CallEvent): void {
    const previous = this.#state;
    this.#state = transition(previous, event);
    if (this.#state === 'talking') this.#startQuality();
    if (this.#state === 'ended') {
      this.#stopQuality?.();
      this.#stopQuality = undefined;
      void this.#audio?.stop();
      this.#audio = undefined;
      this.#transport.forget(this.id);
    }
    this.emit('state', this.#state, previous);
    if (this.#state === 'ended') this.emit('ended', this.#endReason ?? 'failed');
  }
}
