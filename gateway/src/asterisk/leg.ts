/**
 * One call's WebSocket from Asterisk (chan_websocket, one connection per call). It waits for
 * MEDIA_START, then carries ANSWER/HANGUP out and audio and DTMF in. It knows nothing of browsers.
 * Its life is the table in `leg-state.ts`; every change goes through `#go`.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { WebSocket } from 'ws';
import { FRAME_MS, ProtocolError, WIRE_FORMATS, frameBytesOf, isWireFormat, type WireFormat } from '@gag/sdk/protocol';
import type { Logger } from '../log.js';
import { BinaryOut, textFrameOf } from '../net/binary-frame.js';
import { onMessages } from '../net/binary-frames-in.js';
import { closeSocket } from '../net/ws-close.js';
import { encodeAsteriskCommand, parseAsteriskMessage, type AsteriskCommand, type AsteriskEvent, type ControlFormat } from './control.js';
import { hasStarted, isClosing, legTransition, type LegEvent, type LegState } from './leg-state.js';

/** MEDIA_START must arrive this soon after the upgrade (Asterisk sends it at once). */
export const MEDIA_START_TIMEOUT_MS = 5_000;
/** After HANGUP, Asterisk closes within milliseconds; past this we close the socket ourselves. */
export const HANGUP_CLOSE_TIMEOUT_MS = 2_000;
/** Audio Asterisk has not read yet, past which new frames are dropped (Asterisk reads at once; its own queue holds ~18 s). */
export const MAX_ASTERISK_BACKLOG_MS = 1_000;
/**
 * Each command's TEXT frame in each control format, built once: a command is one write of a
 * constant buffer (GET_STATUS goes out every second on every call: issue 22).
 */
const COMMAND_FRAMES: { readonly [F in ControlFormat]: { readonly [C in AsteriskCommand]: Buffer } } = {
  text: commandFrames('text'),
  json: commandFrames('json'),
};
function commandFrames(format: ControlFormat): { readonly [C in AsteriskCommand]: Buffer } {
  const frame = (command: AsteriskCommand): Buffer => textFrameOf(encodeAsteriskCommand(command, format));
  return { ANSWER: frame('ANSWER'), HANGUP: frame('HANGUP'), GET_STATUS: frame('GET_STATUS') };
}

/** MEDIA_START as Asterisk sent it. */
type RawMediaStart = Extract<AsteriskEvent, { event: 'MEDIA_START' }>;

/** MEDIA_START, as the rest of the gateway sees it: its codec is one the browsers speak. */
export type MediaStart = RawMediaStart & { readonly codec: WireFormat };

/** Events of an {@link AsteriskLeg}. */
export interface AsteriskLegEvents {
  /** MEDIA_START arrived and is usable; fires once. */
  start: (start: MediaStart) => void;
  /** The caller pressed a key. */
  dtmf: (digit: string) => void;
  /** Asterisk's answer to {@link AsteriskLeg.requestStatus}: its playout queue of our audio. */
  status: (queueLengthFrames: number, queueFull: boolean) => void;
  /** The socket is closed; fires once, last. */
  closed: (code: number, reason: string) => void;
}

/**
 * Where a leg's audio goes: binary frames from Asterisk (only after ANSWER, with the `n` dial
 * option), whole frames of the call's codec. A direct call on the audio path, not an event.
 */
export interface AsteriskAudioSink {
  audioFromAsterisk(frames: Buffer): unknown;
}

/**
 * Counters a leg keeps (no logging per frame). Audio towards Asterisk is counted here only, once
 * a frame, in 20 ms frames of the call's codec: sent or dropped for one reason.
 */
export interface LegStats {
  /** Audio messages received from Asterisk and relayed (each one or more whole frames). */
  framesIn: number;
  /** Frames sent to Asterisk, and their bytes. */
  framesOut: number;
  bytesOut: number;
  /** Frames not sent while Asterisk had said MEDIA_XOFF. */
  framesDroppedXoff: number;
  /** Frames not sent because Asterisk had not read the last {@link MAX_ASTERISK_BACKLOG_MS} (a stuck TCP peer sends no XOFF). */
  framesDroppedBacklog: number;
  /** Frames not sent because the leg was already ending (HANGUP sent, or closed for a violation). */
  framesDroppedEnding: number;
  /** Messages from Asterisk that were not whole frames, not relayed (browsers get whole frames only). */
  messagesDroppedOdd: number;
}

/**
 * One call's socket from Asterisk. Emits `start` once MEDIA_START is usable, then `dtmf`, and
 * hands audio to the sink given to `audioTo()`; `answer()`/`hangup()`/`sendAudio()` go the other
 * way. Any protocol violation closes this one socket with 1008 and a reason.
 * @example
 * leg.once('start', (start) => router.route(leg, start));
 */
export class AsteriskLeg extends EventEmitter<AsteriskLegEvents> {
  readonly #ws: WebSocket;
  /** Audio towards Asterisk, straight to the socket. */
  readonly #out: BinaryOut;
  readonly #log: Logger;
  #format: ControlFormat = 'text';
  #start: MediaStart | undefined;
  /** Changed only by {@link AsteriskLeg.#go}. */
  #state: LegState = 'awaiting_start';
  /** Bytes in one 20 ms frame of the call's codec; read in `media` and `ending` only, set on entering `media`. */
  #frameBytes = 0;
  #xoff = false;
  readonly #startTimer: NodeJS.Timeout;
  #closeTimer: NodeJS.Timeout | undefined;
  #audioSink: AsteriskAudioSink | undefined;
  readonly stats: LegStats = { framesIn: 0, framesOut: 0, bytesOut: 0, framesDroppedXoff: 0, framesDroppedBacklog: 0, framesDroppedEnding: 0, messagesDroppedOdd: 0 };
  /** Query parameters of the upgrade (`v()` in the dial string). */
  readonly params: URLSearchParams;

  constructor(ws: WebSocket, params: URLSearchParams, log: Logger) {
    super();
    this.#ws = ws;
    this.#out = new BinaryOut(ws);
    this.params = params;
    this.#log = log;
    this.#startTimer = setTimeout(() => this.#violation('no MEDIA_START'), MEDIA_START_TIMEOUT_MS);
    onMessages(ws, (data, isBinary) => this.#onMessage(data, isBinary)); // audio without ws's receiver (net/binary-frames-in.ts)
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    ws.on('error', (err) => this.#log.warn({ err: err.message }, 'asterisk socket error'));
  }

  /** MEDIA_START, once it arrived. */
  get mediaStart(): MediaStart | undefined {
    return this.#start;
  }

  get state(): LegState {
    return this.#state;
  }

  get isOpen(): boolean {
    return this.#state !== 'closed';
  }

  /** Where Asterisk's audio goes from now on (the call it belongs to); before this it is counted and dropped. */
  audioTo(sink: AsteriskAudioSink): void {
    this.#audioSink = sink;
  }

  /** Let Asterisk answer the channel; audio starts flowing both ways. */
  answer(): void {
    this.#command('ANSWER');
  }

  /** Ask Asterisk how many of our frames wait in its playout queue (GET_STATUS); `status` answers. */
  requestStatus(): void {
    if (this.#state === 'media') this.#command('GET_STATUS');
  }

  /** End the call. Before answer, Dial() returns and the dialplan continues. */
  hangup(): void {
    if (this.#state !== 'media' && this.#state !== 'awaiting_start') return; // already ending or closed
    this.#command('HANGUP');
    this.#go('hangup');
  }

  /**
   * Send audio towards Asterisk. The caller passes whole frames only: Asterisk re-times frames of
   * `optimal_frame_size` and drops odd-sized leftovers (docs/chan-websocket.md#media).
   * Counted in {@link AsteriskLeg.stats}; returns false when the audio was dropped (after
   * MEDIA_XOFF, when Asterisk stopped reading, or once the leg is ending), as `Phone.sendAudio`
   * reports it the other way.
   */
  sendAudio(frames: Buffer): boolean {
    const state = this.#state;
    if (state !== 'media' && state !== 'ending') return false; // no call relays audio here (closed: it has ended)
    const count = frames.length / this.#frameBytes;
    if (state === 'ending') {
      this.stats.framesDroppedEnding += count;
      return false;
    }
    // MEDIA_XOFF: Asterisk's queue is past ~900 frames; late audio is worse than lost audio.
    if (this.#xoff) {
      this.stats.framesDroppedXoff += count;
      return false;
    }
    // A peer that stopped reading (stuck TCP) never says XOFF: bound what waits for it here.
    if (this.#out.unsentBytes > (MAX_ASTERISK_BACKLOG_MS / FRAME_MS) * this.#frameBytes) {
      this.stats.framesDroppedBacklog += count;
      return false;
    }
    this.stats.framesOut += count;
    this.stats.bytesOut += frames.length;
    this.#out.send(frames); // header and audio in one write, in place when relayed as it came
    return true;
  }

  /**
   * The only place the state changes (the table in `leg-state.ts`); the side effects of the new
   * state follow, in one place.
   */
  #go(event: LegEvent): void {
    const from = this.#state;
    const to = legTransition(from, event);
    this.#state = to;
    if (from === 'awaiting_start') clearTimeout(this.#startTimer);
    // A peer that never completes the closing handshake is dropped (one timer, however we got here).
    if (isClosing(to)) this.#closeTimer ??= setTimeout(() => this.#ws.terminate(), HANGUP_CLOSE_TIMEOUT_MS);
    if (to === 'closed') clearTimeout(this.#closeTimer);
  }

  #command(command: AsteriskCommand): void {
    if (this.#state === 'closed') return;
    this.#log.debug({ command }, 'to asterisk');
    this.#out.write(COMMAND_FRAMES[this.#format][command]);
  }

  #onMessage(bytes: Buffer, isBinary: boolean): void {
    if (this.#state === 'closed') return;
    if (isBinary) {
      if (!hasStarted(this.#state)) return this.#violation('audio before MEDIA_START');
      if (this.#state === 'unsupported' || bytes.length === 0 || bytes.length % this.#frameBytes !== 0) {
        this.stats.messagesDroppedOdd++;
        return;
      }
      this.stats.framesIn++;
      this.#audioSink?.audioFromAsterisk(bytes);
      return;
    }
    let event: AsteriskEvent;
    try {
      event = parseAsteriskMessage(bytes.toString('utf8'));
    } catch (e) {
      return this.#violation(e instanceof ProtocolError ? e.message : 'unreadable control message');
    }
    this.#onEvent(event);
  }

  #onEvent(event: AsteriskEvent): void {
    if (event.event === 'MEDIA_START') {
      if (hasStarted(this.#state)) return this.#violation('second MEDIA_START');
      if (this.#state === 'aborted') return this.#log.debug('MEDIA_START after a violation ignored');
      this.#format = event.format;
      this.#log.debug({ connectionId: event.connectionId, codec: event.codec, format: event.format }, 'media start');
      // The gateway never transcodes: the browser speaks the call's codec, in whole 20 ms frames
      // of it, so only codecs the SDK knows, with a frame size of whole 20 ms frames, can be relayed.
      const { codec } = event;
      if (!isWireFormat(codec) || event.optimalFrameBytes % frameBytesOf(codec) !== 0) {
        this.#log.warn(
          { codec, optimalFrameBytes: event.optimalFrameBytes, supported: WIRE_FORMATS },
          'codec not supported; dial with c(slin16), c(slin), c(ulaw) or c(alaw)',
        );
        this.#command('HANGUP');
        this.#go('refuse'); // a second MEDIA_START is still a violation
        return;
      }
      this.#frameBytes = frameBytesOf(codec);
      this.#start = { ...event, codec };
      this.#go('start');
      this.emit('start', this.#start);
      return;
    }
    if (!hasStarted(this.#state)) return this.#violation(`${event.event} before MEDIA_START`);
    switch (event.event) {
      case 'DTMF_END':
        this.emit('dtmf', event.digit);
        return;
      case 'MEDIA_XOFF':
      case 'MEDIA_XON':
        this.#xoff = event.event === 'MEDIA_XOFF';
        this.#log.debug({ event: event.event }, 'asterisk flow control');
        return;
      case 'ERROR':
        this.#log.warn({ message: event.message }, 'asterisk reported an error');
        return;
      case 'STATUS':
        this.emit('status', event.queueLengthFrames, event.queueFull);
        return;
      case 'OTHER':
        this.#log.debug({ name: event.name }, 'asterisk event ignored');
    }
  }

  /** Asterisk broke the protocol: close this one socket with a reason; Asterisk hangs the channel up. */
  #violation(reason: string): void {
    this.#log.warn({ reason }, 'asterisk protocol violation');
    closeSocket(this.#ws, 1008, reason);
    this.#go('violation');
  }

  #onClose(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#go('close');
    this.#audioSink = undefined;
    this.emit('closed', code, reason);
    this.removeAllListeners();
  }
}
