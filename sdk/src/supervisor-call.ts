/**
 * One call a supervisor is in (`@gag/sdk/supervisor`): listening, whispering to the agent or
 * barging in. Its audio runs through the SDK's own call media (`CallAudio`, loaded like a call's):
 * what the gateway sends (caller and agent mixed) plays out, and the microphone goes to the
 * gateway while whispering or barging. While listening nothing is sent.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { PacketGatherer } from './audio-packets.js';
import type { CallAudio } from './audio/call-audio.js';
import type { CallMedia } from './call-media-loader.js';
import { GagError } from './errors.js';
import type { SuperviseMode } from './protocol.js';
import type { SupervisorLink } from './supervisor-link.js';
import { FRAME_MS, frameBytesOf, type WireFormat } from './wire-units.js';

/** The voice queued towards a slow connection before frames are dropped, as for a call's microphone. */
const MAX_VOICE_BACKLOG_MS = 200;

/**
 * Why a supervisor is out of a call: it left (`left`), the call ended (`call_ended`), a config
 * reload took the call out of its scope (`not_allowed`), or the connection closed (`connection_lost`).
 * @example supervision.on('ended', (reason: SupervisionEndReason) => toast(reason));
 */
export type SupervisionEndReason = 'left' | 'call_ended' | 'not_allowed' | 'connection_lost';

/**
 * Events of a {@link Supervision}. Every listener runs after its state is updated.
 * @example supervision.on('mode', (mode) => (badge.textContent = mode));
 */
export interface SupervisionEvents {
  /** The gateway confirmed a new mode. @example supervision.on('mode', (mode, previous) => {}) */
  mode: (mode: SuperviseMode, previous: SuperviseMode) => void;
  /** The supervisor is out of the call; always the last event, fired once. @example supervision.on('ended', (reason) => {}) */
  ended: (reason: SupervisionEndReason) => void;
}

/** What a supervision asks of its board (internal). */
export interface SupervisionHost {
  readonly link: SupervisorLink;
  /** Ask the gateway for `mode`; resolves once it confirmed (`supervising`). */
  switchMode(callId: string, mode: SuperviseMode): Promise<void>;
  /** Leave the call; resolves once the gateway confirmed (`supervise_ended`). */
  leave(callId: string): Promise<void>;
}

/** A GagError of the separately loaded call media (the drop-in bundles' own copy of the class) as this module's. */
function ownError(e: unknown): unknown {
  if (e instanceof GagError || !(e instanceof Error) || e.name !== 'GagError') return e;
  return new GagError((e as GagError).code, e.message, { cause: e.cause });
}

/**
 * A supervisor in one call, from `board.supervise()`: switch the mode, leave, and the audio.
 * @example
 * const supervision = await board.supervise(call.callId, 'listen');
 * await supervision.setMode('whisper'); // the agent hears you, the caller does not
 * supervision.on('ended', (reason) => console.log('out of the call:', reason));
 * await supervision.leave();
 */
export class Supervision extends EventEmitter<SupervisionEvents> {
  /** The call's id (as on the board). */
  readonly callId: string;
  /** The call's codec on the wire, both ways. */
  readonly format: WireFormat;
  #mode: SuperviseMode;
  #endReason: SupervisionEndReason | undefined;
  #audio: CallAudio | undefined;
  readonly #host: SupervisionHost;
  readonly #maxBacklogBytes: number;
  #packets: PacketGatherer;

  /** @internal Made by the board when the gateway confirms a `supervise`. */
  constructor(callId: string, format: WireFormat, mode: SuperviseMode, host: SupervisionHost) {
    super();
    this.callId = callId;
    this.format = format;
    this.#mode = mode;
    this.#host = host;
    this.#maxBacklogBytes = (MAX_VOICE_BACKLOG_MS / FRAME_MS) * frameBytesOf(format);
    this.#packets = new PacketGatherer(frameBytesOf(format), host.link.packetMs());
  }

  /** `listen`, `whisper` or `barge`, as the gateway last confirmed. */
  get mode(): SuperviseMode {
    return this.#mode;
  }

  /** Why it ended, once over; undefined while in the call. */
  get endReason(): SupervisionEndReason | undefined {
    return this.#endReason;
  }

  /** The audio graph (playback and microphone taps for meters and tests), once started; undefined after the end. */
  get audio(): CallAudio | undefined {
    return this.#audio;
  }

  /**
   * Switch to `mode` without leaving: the call's audio goes on throughout. Resolves once the
   * gateway confirmed it (at once when already in `mode`).
   * @throws SupervisorRefusedError `GAG_SUPERVISOR_REFUSED`, GagError `GAG_CALL_STATE` (over), `GAG_NOT_CONNECTED`.
   * @example await supervision.setMode('barge');
   */
  async setMode(mode: SuperviseMode): Promise<void> {
    if (this.#endReason !== undefined) throw new GagError('GAG_CALL_STATE', `cannot switch mode: the supervision ended (${this.#endReason})`);
    if (mode === this.#mode) return;
    await this.#host.switchMode(this.callId, mode);
  }

  /**
   * Leave the call (it goes on between the caller and the agent). Resolves once out; at once when already out.
   * @throws GagError `GAG_NOT_CONNECTED` when the gateway did not answer (the supervision ends here anyway).
   * @example await supervision.leave();
   */
  async leave(): Promise<void> {
    if (this.#endReason !== undefined) return;
    try {
      await this.#host.leave(this.callId);
    } finally {
      this.end('left');
    }
  }

  /** @internal Start the audio: `media` is the loaded call media. Ends the supervision's audio again if it ended meanwhile. */
  async start(media: CallMedia): Promise<void> {
    let audio: CallAudio;
    try {
      audio = await media.CallAudio.start({ format: this.format, onFrame: (frame) => this.#voice(frame) });
    } catch (e) {
      throw ownError(e);
    }
    if (this.#endReason !== undefined) return void (await audio.stop());
    this.#audio = audio;
  }

  /** @internal The gateway confirmed `mode` (`supervising` again). */
  switched(mode: SuperviseMode): void {
    if (this.#endReason !== undefined || mode === this.#mode) return;
    const previous = this.#mode;
    this.#mode = mode;
    this.#packets = new PacketGatherer(frameBytesOf(this.format), this.#host.link.packetMs()); // no stale half packet from before
    this.emit('mode', mode, previous);
  }

  /** @internal The call's audio (caller and agent mixed). */
  play(frame: ArrayBuffer): void {
    if (this.#endReason === undefined) this.#audio?.play(frame);
  }

  /** @internal Out of the call: the audio stops; `ended` fires once. */
  end(reason: SupervisionEndReason): void {
    if (this.#endReason !== undefined) return;
    this.#endReason = reason;
    void this.#audio?.stop();
    this.#audio = undefined;
    this.emit('ended', reason);
  }

  /** The microphone's 20 ms frame: sent while whispering or barging, in packets of the connection's packet time. */
  #voice(frame: ArrayBuffer): void {
    if (this.#endReason !== undefined || this.#mode === 'listen') return;
    const packet = this.#packets.add(frame);
    if (packet !== undefined) this.#host.link.sendAudio(packet, this.#maxBacklogBytes);
  }
}
