/**
 * One call's WebSocket from Asterisk (chan_websocket, one connection per call). It waits for
 * MEDIA_START, then carries ANSWER/HANGUP out and audio and DTMF in. It knows nothing of browsers.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { WebSocket, RawData } from 'ws';
import { FRAME_MS, ProtocolError, WIRE_FORMATS, frameBytesOf, isWireFormat, type WireFormat } from '@gag/sdk/protocol';
import { closeSocket } from '../http/ws-close.js';
import type { Logger } from '../log.js';
import { encodeAsteriskCommand, parseAsteriskMessage, type AsteriskCommand, type AsteriskEvent, type ControlFormat } from './control.js';

/** MEDIA_START must arrive this soon after the upgrade (Asterisk sends it at once). */
export const MEDIA_START_TIMEOUT_MS = 5_000;
/** After HANGUP, Asterisk closes within milliseconds; past this we close the socket ourselves. */
export const HANGUP_CLOSE_TIMEOUT_MS = 2_000;
/** Audio Asterisk has not read yet, past which new frames are dropped (Asterisk reads at once; its own queue holds ~18 s). */
export const MAX_ASTERISK_BACKLOG_MS = 1_000;
/** MEDIA_START as Asterisk sent it. */
type RawMediaStart = Extract<AsteriskEvent, { event: 'MEDIA_START' }>;

/** MEDIA_START, as the rest of the gateway sees it: its codec is one the browsers speak. */
export type MediaStart = RawMediaStart & { readonly codec: WireFormat };

/** Events of an {@link AsteriskLeg}. */
export interface AsteriskLegEvents {
  /** MEDIA_START arrived and is usable; fires once. */
  start: (start: MediaStart) => void;
  /** A binary frame from Asterisk (only after ANSWER, with the `n` dial option). */
  audio: (frame: Buffer) => void;
  /** The caller pressed a key. */
  dtmf: (digit: string) => void;
  /** The socket is closed; fires once, last. */
  closed: (code: number, reason: string) => void;
}

/** Counters a leg keeps (no logging per frame). */
export interface LegStats {
  framesIn: number;
  framesOut: number;
  /** Frames not sent while Asterisk had said MEDIA_XOFF. */
  framesDroppedXoff: number;
  /** Frames not sent because Asterisk had not read the last {@link MAX_ASTERISK_BACKLOG_MS} (a stuck TCP peer sends no XOFF). */
  framesDroppedBacklog: number;
  /** Messages from Asterisk that were not whole frames, not relayed (browsers get whole frames only). */
  messagesDroppedOdd: number;
}

/**
 * One call's socket from Asterisk. Emits `start` once MEDIA_START is usable, then `audio` and
 * `dtmf`; `answer()`/`hangup()`/`sendAudio()` go the other way. Any protocol violation closes
 * this one socket with 1008 and a reason.
 * @example
 * leg.once('start', (start) => router.route(leg, start));
 */
export class AsteriskLeg extends EventEmitter<AsteriskLegEvents> {
  readonly #ws: WebSocket;
  readonly #log: Logger;
  #format: ControlFormat = 'text';
  #start: MediaStart | undefined;
  /** Bytes in one 20 ms frame of the call's codec: 0 before MEDIA_START, −1 after one with a codec we cannot carry. */
  #frameBytes = 0;
  #xoff = false;
  #closed = false;
  #startTimer: NodeJS.Timeout | undefined;
  #hangupTimer: NodeJS.Timeout | undefined;
  readonly stats: LegStats = { framesIn: 0, framesOut: 0, framesDroppedXoff: 0, framesDroppedBacklog: 0, messagesDroppedOdd: 0 };
  /** Query parameters of the upgrade (`v()` in the dial string). */
  readonly params: URLSearchParams;

  constructor(ws: WebSocket, params: URLSearchParams, log: Logger) {
    super();
    this.#ws = ws;
    this.params = params;
    this.#log = log;
    this.#startTimer = setTimeout(() => this.#violation('no MEDIA_START'), MEDIA_START_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    ws.on('error', (err) => this.#log.warn({ err: err.message }, 'asterisk socket error'));
  }

  /** MEDIA_START, once it arrived. */
  get mediaStart(): MediaStart | undefined {
    return this.#start;
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Let Asterisk answer the channel; audio starts flowing both ways. */
  answer(): void {
    this.#command('ANSWER');
  }

  /** End the call. Before answer, Dial() returns and the dialplan continues. */
  hangup(): void {
    if (this.#closed || this.#hangupTimer !== undefined) return;
    this.#command('HANGUP');
    this.#hangupTimer = setTimeout(() => this.#ws.terminate(), HANGUP_CLOSE_TIMEOUT_MS);
  }

  /**
   * Send audio towards Asterisk. The caller passes whole frames only: Asterisk re-times frames of
   * `optimal_frame_size` and drops odd-sized leftovers (docs/chan-websocket.md#media).
   * Returns false when the audio was dropped (after MEDIA_XOFF, or when Asterisk stopped reading).
   */
  sendAudio(frame: Buffer): boolean {
    if (this.#closed || this.#hangupTimer !== undefined) return false;
    // MEDIA_XOFF: Asterisk's queue is past ~900 frames; late audio is worse than lost audio.
    if (this.#xoff) {
      this.stats.framesDroppedXoff++;
      return false;
    }
    // A peer that stopped reading (stuck TCP) never says XOFF: bound what waits for it here.
    if (this.#ws.bufferedAmount > (MAX_ASTERISK_BACKLOG_MS / FRAME_MS) * this.#frameBytes) {
      this.stats.framesDroppedBacklog++;
      return false;
    }
    this.stats.framesOut++;
    this.#ws.send(frame, { binary: true });
    return true;
  }

  #command(command: AsteriskCommand): void {
    if (this.#closed) return;
    this.#log.debug({ command }, 'to asterisk');
    this.#ws.send(encodeAsteriskCommand(command, this.#format));
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#closed) return;
    const bytes = data as Buffer; // binaryType is 'nodebuffer' and frames are never fragmented into arrays
    if (isBinary) {
      if (this.#frameBytes === 0) return this.#violation('audio before MEDIA_START');
      if (this.#frameBytes < 0 || bytes.length === 0 || bytes.length % this.#frameBytes !== 0) {
        this.stats.messagesDroppedOdd++;
        return;
      }
      this.stats.framesIn++;
      this.emit('audio', bytes);
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
      if (this.#frameBytes !== 0) return this.#violation('second MEDIA_START');
      clearTimeout(this.#startTimer);
      this.#format = event.format;
      this.#log.debug({ connectionId: event.connectionId, codec: event.codec, format: event.format }, 'media start');
      // The gateway never transcodes: the browser speaks the call's codec, in whole 20 ms frames
      // of it, so only codecs the SDK knows, with a frame size of whole 20 ms frames, can be relayed.
      const { codec } = event;
      if (!isWireFormat(codec) || event.optimalFrameBytes % frameBytesOf(codec) !== 0) {
        this.#frameBytes = -1; // a second MEDIA_START is still a violation
        this.#log.warn(
          { codec, optimalFrameBytes: event.optimalFrameBytes, supported: WIRE_FORMATS },
          'codec not supported; dial with c(slin16), c(slin), c(ulaw) or c(alaw)',
        );
        this.hangup();
        return;
      }
      this.#frameBytes = frameBytesOf(codec);
      this.#start = { ...event, codec };
      this.emit('start', this.#start);
      return;
    }
    if (this.#frameBytes === 0) return this.#violation(`${event.event} before MEDIA_START`);
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
      case 'OTHER':
        this.#log.debug({ name: event.name }, 'asterisk event ignored');
    }
  }

  /** Asterisk broke the protocol: close this one socket with a reason; Asterisk hangs the channel up. */
  #violation(reason: string): void {
    this.#log.warn({ reason }, 'asterisk protocol violation');
    closeSocket(this.#ws, 1008, reason);
    // A peer that never completes the closing handshake is dropped.
    this.#hangupTimer ??= setTimeout(() => this.#ws.terminate(), HANGUP_CLOSE_TIMEOUT_MS);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#startTimer);
    clearTimeout(this.#hangupTimer);
    this.emit('closed', code, reason);
    this.removeAllListeners();
  }
}
