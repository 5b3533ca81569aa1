/**
 * One call of the fake Asterisk, from Asterisk's side of its WebSocket: ringing until the app
 * sends ANSWER, then media both ways at real time (with Asterisk's playout queue for what the app
 * sends), the app's commands answered as chan_websocket answers them, and the ways a call ends
 * (docs/chan-websocket.md).
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { WebSocket, type RawData } from 'ws';
import { DEFAULT_WIRE_FORMAT, FRAME_MS, GagError, type WireFormat } from '@gag/sdk/protocol';
import { addChannel, removeChannel } from './channels.js';
import * as control from './control.js';
import type { AppCommand, ControlFormat } from './control.js';
import { PlayoutQueue, type QueueNotice } from './playout-queue.js';
import { Recorder } from './recorder.js';
import { Player, type AudioSource } from './sources.js';

/**
 * How a call ended: who ended it and the WebSocket close code.
 * @example const { by, code } = await call.hangup(); // { by: 'caller', code: 1000, reason: '' }
 */
export interface CallEnd {
  /**
   * Who ended it: the app's HANGUP command (`app-hangup`), the app closing the socket
   * (`app-close`), the caller ({@link FakeCall.hangup}), or a socket error (`error`).
   */
  by: 'app-hangup' | 'app-close' | 'caller' | 'error';
  /** The WebSocket close code, e.g. 1000. */
  code: number;
  /** The close reason, `''` when none was given. */
  reason: string;
}

/**
 * Events of a {@link FakeCall}; listeners run after the call's state is updated.
 * @example call.on('ended', (end) => console.log(end.by, end.code));
 */
export interface FakeCallEvents {
  /** The app sent ANSWER: media starts. `call.on('answered', () => {})` */
  answered: [];
  /** The app sent a known command. `call.on('command', (name, args) => {})` */
  command: [name: AppCommand, args: readonly string[]];
  /** A whole frame Asterisk accepted from the app into its queue (after ANSWER). `call.on('audio', (frame) => {})` */
  audio: [frame: Buffer];
  /** Asterisk told the app to stop or resume sending (its queue passed 900 / fell under 800 frames). `call.on('flow', (event) => {})` */
  flow: [event: 'MEDIA_XOFF' | 'MEDIA_XON'];
  /**
   * A key arrived on the channel as if pressed on the app's side (AMI `PlayDTMF` with `Receive`):
   * what the bridged caller, or the dialplan's `Read()`, gets. `call.on('dtmf', (digit) => {})`
   */
  dtmf: [digit: string];
  /** The call is over: always the last event, exactly once. `call.on('ended', (end) => {})` */
  ended: [end: CallEnd];
}

/** Close codes for a peer's bad frames, as ws chooses them (it does not export the table). */
const WS_ERROR_CLOSE_CODES: Readonly<Record<string, number>> = { WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009, WS_ERR_INVALID_UTF8: 1007 };

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * One call from the fake Asterisk: a WebSocket that rings (`ringing`) until the app sends ANSWER.
 * @example
 * const call = await asterisk.call('ws-ext-2001');
 * call.play(tone(440));
 * await call.answered;
 * expect((await call.hangup()).code).toBe(1000);
 */
export class FakeCall extends EventEmitter<FakeCallEvents> {
  /** The websocket_client section the call was dialled through (`WebSocket/<connection id>`), e.g. `ws-ext-2001`. */
  readonly connectionId: string;
  /** The channel's name as Asterisk would give it, e.g. `WebSocket/ws-ext-2001/0x…`. */
  readonly channel: string;
  /** MEDIA_START's `channel_id`: Asterisk's start time and a sequence number. */
  readonly channelId: string;
  /** The control-message format of the call (`f(…)`): `text` or `json`. */
  readonly format: ControlFormat;
  /** The media codec the call was dialled with (`c(…)`). */
  readonly codec: WireFormat;
  /** Resolves when the app sends ANSWER; rejects if the call ends before that. */
  readonly answered: Promise<void>;
  /** Resolves when the call is over and its socket closed, however it ended (never rejects). */
  readonly ended: Promise<CallEnd>;
  /** What the app sent, as Asterisk would take it. */
  readonly received: Recorder;
  readonly #commands: AppCommand[] = [];
  #statusRequests = 0;
  #dtmfReceived = '';
  readonly #ws: WebSocket;
  // After ANSWER, "one frame every 20 ms" (docs/chan-websocket.md#media); the same clock plays the app's queue.
  readonly #player: Player;
  readonly #queue = new PlayoutQueue((notice) => this.#onQueueNotice(notice));
  #state: 'ringing' | 'up' | 'ended' = 'ringing';
  #closing: { by: CallEnd['by']; code: number; reason: string } | undefined;
  #answer!: { resolve: () => void; reject: (err: Error) => void };
  #end!: (end: CallEnd) => void;

  /** @internal Made by `FakeAsterisk.call()` (client.ts). */
  constructor(ws: WebSocket, init: { connectionId: string; channel: string; channelId: string; format: ControlFormat; codec?: WireFormat; clockSkew?: number }) {
    super();
    ({ connectionId: this.connectionId, channel: this.channel, channelId: this.channelId, format: this.format } = init);
    this.codec = init.codec ?? DEFAULT_WIRE_FORMAT;
    this.received = new Recorder(this.codec);
    const clockSkew = init.clockSkew ?? 0;
    if (!(Math.abs(clockSkew) < 0.1)) throw new GagError('GAG_OPTIONS_INVALID', `'clockSkew' must be between -0.1 and 0.1. Got '${clockSkew}'`);
    // The channel timer's 20 ms on a clock `clockSkew` fast is that much shorter on ours.
    const slotMs = FRAME_MS / (1 + clockSkew);
    this.#player = new Player((frame) => this.#ws.readyState === WebSocket.OPEN && this.#ws.send(frame), this.codec, () => this.#queue.tick(), slotMs);
    this.#ws = ws;
    this.answered = new Promise<void>((resolve, reject) => (this.#answer = { resolve, reject }));
    this.answered.catch(() => {}); // a call that is never answered must not raise an unhandled rejection
    this.ended = new Promise<CallEnd>((resolve) => (this.#end = resolve));
    ws.on('message', (data, isBinary) => this.#onMessage(toBuffer(data), isBinary));
    ws.on('error', (err: Error & { code?: string }) => this.#finish('error', WS_ERROR_CLOSE_CODES[err.code ?? ''] ?? 1002, ''));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
    addChannel(this);
  }

  /** `ringing` until the app sends ANSWER, then `up`, then `ended`. */
  get state(): 'ringing' | 'up' | 'ended' {
    return this.#state;
  }
  /**
   * Every known command received, in order, e.g. `['ANSWER', 'HANGUP']`, except `GET_STATUS`: a
   * question that changes nothing, which the gateway asks every second of a call (counted in
   * {@link statusRequests}). The `command` event hears every one.
   */
  get commands(): readonly string[] {
    return this.#commands;
  }
  /** GET_STATUS commands received (each answered with STATUS). */
  get statusRequests(): number {
    return this.#statusRequests;
  }
  /**
   * Asterisk's queue of the app's frames, as GET_STATUS reports it: frames waiting to be played
   * at real time, and whether MEDIA_XOFF is in effect.
   * @example await expect.poll(() => call.queue.lengthFrames).toBe(0)
   */
  get queue(): {
    /** Frames waiting to be played (GET_STATUS `queue_length`). */
    readonly lengthFrames: number;
    /** Between MEDIA_XOFF and MEDIA_XON (GET_STATUS `queue_full`). */
    readonly full: boolean;
    /** PAUSE_MEDIA in effect: the queue is not played. */
    readonly paused: boolean;
  } {
    return { lengthFrames: this.#queue.depthFrames, full: this.#queue.full, paused: this.#queue.paused };
  }
  /** BINARY frames sent to the app so far. */
  get framesSent(): number {
    return this.#player.framesSent;
  }

  /**
   * What Asterisk plays towards the app after ANSWER; switch at any time. Default: nothing, as a
   * real Asterisk 23 whose caller side makes no audio (`Wait()`, `Read()`): no frames at all, not
   * silence. A caller on a real phone sends frames: `play(silence())`. `undefined` stops sending.
   */
  play(source: AudioSource | undefined): void {
    this.#player.play(source);
  }

  /** The caller hangs up: Asterisk closes the WebSocket with 1000 (docs/chan-websocket.md#ending). */
  hangup(): Promise<CallEnd> {
    this.#finish('caller', 1000, '');
    return this.ended;
  }

  /**
   * DTMF_END, one per digit, in the call's format (docs/chan-websocket.md#notifications).
   * @throws GagError `GAG_OPTIONS_INVALID` for a digit outside 0-9 A-D * #, `GAG_CALL_STATE` once the call has ended.
   */
  sendDtmf(digits: string): void {
    if (!/^[0-9A-D*#]+$/.test(digits)) {
      throw new GagError('GAG_OPTIONS_INVALID', `'digits' must be 0-9, A-D, * or #. Got '${digits}'`);
    }
    if (this.#state === 'ended') throw new GagError('GAG_CALL_STATE', `call ${this.channelId} has ended: no DTMF`);
    for (const digit of digits) this.#sendText(control.dtmfEndMessage(this.channelId, digit, this.format));
  }

  /**
   * Send MEDIA_XOFF or MEDIA_XON out of turn, whatever the queue holds: to see how an app that
   * sends at real time reacts (it never fills the queue). The queue itself raises both when the
   * app sends faster than real time ({@link queue}).
   */
  sendFlowControl(event: 'MEDIA_XOFF' | 'MEDIA_XON'): void {
    this.#sendText(control.noDataMessage(event, this.channelId, this.format));
  }

  /** Keys that arrived on this channel out of band (AMI `PlayDTMF` with `Receive`), in order, e.g. `'123#'`. */
  get dtmfReceived(): string {
    return this.#dtmfReceived;
  }

  /** @internal A key queued on the channel as received there (the fake AMI's `PlayDTMF` with `Receive`). */
  receiveDtmf(digit: string): void {
    if (this.#state === 'ended') return;
    this.#dtmfReceived += digit;
    this.emit('dtmf', digit);
  }

  /** @internal Sends MEDIA_START; resolves once it is written (or the socket is gone). */
  start(mediaStart: string): Promise<void> {
    return new Promise((resolve) => this.#ws.send(mediaStart, () => resolve()));
  }

  #sendText(text: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(text);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#state === 'ended') return;
    if (!isBinary) return this.#onText(data.toString('utf8'));
    // A BINARY frame is audio, even if it spells a command. With `n`, nothing flows before ANSWER.
    if (this.#state === 'ringing') return this.received.ignore();
    this.#queued(this.received.accept(data, this.#queue.roomFrames));
  }

  /** Frames taken into the queue: counted there, then heard by `audio` listeners. */
  #queued(frames: Buffer[]): void {
    this.#queue.add(frames.length);
    for (const frame of frames) this.emit('audio', frame);
  }

  /** What the queue reports, in the call's format, when it happens (docs/chan-websocket.md#notifications). */
  #onQueueNotice(notice: QueueNotice): void {
    if (this.#state === 'ended') return;
    if (notice.kind === 'reached') {
      const event = notice.command === 'MARK_MEDIA' ? 'MEDIA_MARK_PROCESSED' : 'MEDIA_BUFFERING_COMPLETED';
      return this.#sendText(control.correlatedMessage(event, this.channelId, notice.id, this.format));
    }
    this.#sendText(control.noDataMessage(notice.kind, this.channelId, this.format));
    if (notice.kind !== 'QUEUE_DRAINED') this.emit('flow', notice.kind);
  }

  #onText(text: string): void {
    const message = control.parseAppMessage(text, this.format);
    if (message.kind === 'ignored') return;
    if (message.kind === 'error') return this.#sendText(control.errorMessage(this.channelId, message.errorText, this.format));
    const { command, id } = message;
    if (command === 'GET_STATUS') this.#statusRequests++;
    else this.#commands.push(command);
    const answering = command === 'ANSWER' && this.#state === 'ringing';
    if (answering) {
      this.#state = 'up';
      this.#player.start();
    }
    // "Asterisk closes the WebSocket with code 1000 within milliseconds" (docs/chan-websocket.md#ending).
    if (command === 'HANGUP') this.#finish('app-hangup', 1000, '');
    this.#control(command, id);
    this.emit('command', command, id === undefined ? [] : [id]);
    if (answering) {
      this.#answer.resolve();
      this.emit('answered');
    }
  }

  /**
   * What a media command does to the queue. GET_STATUS is answered at once; MARK_MEDIA and
   * STOP_MEDIA_BUFFERING when playout reaches the frames queued before them, REPORT_QUEUE_DRAINED
   * when the queue is empty; FLUSH_MEDIA drops the queued frames (and the marks among them).
   */
  #control(command: AppCommand, id: string | undefined): void {
    const queue = this.#queue;
    switch (command) {
      case 'GET_STATUS': {
        const status = { queueLengthFrames: queue.depthFrames, queueFull: queue.full, bulkMedia: this.received.buffering, mediaPaused: queue.paused };
        return this.#sendText(control.statusMessage(this.channelId, status, this.format));
      }
      case 'START_MEDIA_BUFFERING':
        return this.received.startBuffering();
      case 'STOP_MEDIA_BUFFERING':
        this.#queued(this.received.stopBuffering(queue.roomFrames));
        return queue.mark(command, id);
      case 'MARK_MEDIA':
        return queue.mark(command, id);
      case 'REPORT_QUEUE_DRAINED':
        return queue.reportDrained();
      case 'FLUSH_MEDIA':
        this.received.flush();
        return queue.flush();
      case 'PAUSE_MEDIA':
      case 'CONTINUE_MEDIA':
        queue.paused = command === 'PAUSE_MEDIA';
        return;
      case 'ANSWER':
      case 'HANGUP':
        return;
    }
  }

  /** Asterisk hangs the channel up: media stops now, `ended` follows when the socket is closed. */
  #finish(by: CallEnd['by'], code: number, reason: string): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#closing = { by, code, reason };
    this.#player.stop();
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.close(code, reason);
  }

  #onClose(code: number, reason: string): void {
    this.#state = 'ended';
    removeChannel(this);
    this.#player.stop();
    // "App closes the socket: Asterisk hangs the channel up" (docs/chan-websocket.md#ending).
    const end: CallEnd = this.#closing ?? { by: 'app-close', code, reason };
    this.emit('ended', end);
    this.#end(end);
    this.#answer.reject(new GagError('GAG_CALL_STATE', `call ${this.channelId} ended (${end.by}, ${end.code}) before ANSWER`));
  }
}
