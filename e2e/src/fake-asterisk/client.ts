/**
 * A fake Asterisk that is a real WebSocket client: each {@link FakeAsterisk.call} behaves like
 * chan_websocket dialling `Dial(WebSocket/<connection_id>/c(slin16)n)` (or `c(slin)`, `c(ulaw)`,
 * `c(alaw)` with the `codec` option) to a `websocket_client`
 * with `connection_type = per_call_config` (asterisk-chan-websocket.md).
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { DEFAULT_WIRE_FORMAT, FRAME_MS, GagError, MAX_ASTERISK_MESSAGE_BYTES, frameBytesOf, type WireFormat } from '@gag/sdk/protocol';
import * as control from './control.js';
import type { AppCommand, ControlFormat } from './control.js';
import { Recorder } from './recorder.js';
import { Player, type AudioSource } from './sources.js';

/** Options of a {@link FakeAsterisk}: the `websocket_client.conf` entry it dials. */
export interface FakeAsteriskOptions {
  /** The client's `uri`, e.g. `ws://127.0.0.1:8765` (the gateway's Asterisk port). */
  url: string;
  username?: string;
  password?: string;
  /** Control-message format of every call (`f(json)` in the dial string); default `text`. */
  format?: ControlFormat;
}

/** Per-call dial options. */
export interface DialOptions {
  /** URI parameters (`v(k=v,…)`), URL-encoded into `/?k=v&…`. */
  params?: Record<string, string>;
  /** Inherited channel variables (`Set(_VAR=…)`), sent in MEDIA_START in the JSON format only. */
  channelVariables?: Record<string, string>;
  format?: ControlFormat;
  /**
   * The media codec (`c(…)`): MEDIA_START's `format` and `optimal_frame_size` (20 ms of it), the
   * frames played and the frames taken. Default `slin16`.
   */
  codec?: WireFormat;
}

/** How a call ended: who ended it and the WebSocket close code. */
export interface CallEnd {
  by: 'app-hangup' | 'app-close' | 'caller' | 'error';
  code: number;
  reason: string;
}

/** Events of a {@link FakeCall}; listeners run after the call's state is updated. */
export interface FakeCallEvents {
  /** The app sent ANSWER: media starts. `call.on('answered', () => {})` */
  answered: [];
  /** The app sent a known command. `call.on('command', (name, args) => {})` */
  command: [name: AppCommand, args: readonly string[]];
  /** A whole frame Asterisk accepted from the app (after ANSWER). `call.on('audio', (frame) => {})` */
  audio: [frame: Buffer];
  /** The call is over: always the last event, exactly once. `call.on('ended', (end) => {})` */
  ended: [end: CallEnd];
}

/** The WebSocket subprotocol chan_websocket asks for (`protocols = media`). */
export const MEDIA_SUBPROTOCOL = 'media';
const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Close codes for a peer's bad frames, as ws chooses them (it does not export the table). */
const WS_ERROR_CLOSE_CODES: Readonly<Record<string, number>> = { WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009, WS_ERR_INVALID_UTF8: 1007 };
/** Asterisk names channels by a unique id `<start time>.<counter>`: one counter per process. */
let channelCounter = 0;

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
  readonly connectionId: string;
  readonly channel: string;
  readonly channelId: string;
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
  readonly #ws: WebSocket;
  // After ANSWER, "one frame every 20 ms" (asterisk-chan-websocket.md, Media).
  readonly #player: Player;
  #state: 'ringing' | 'up' | 'ended' = 'ringing';
  #closing: { by: CallEnd['by']; code: number; reason: string } | undefined;
  #paused = false;
  #answer!: { resolve: () => void; reject: (err: Error) => void };
  #end!: (end: CallEnd) => void;

  /** @internal Made by {@link FakeAsterisk.call}. */
  constructor(ws: WebSocket, init: { connectionId: string; channel: string; channelId: string; format: ControlFormat; codec?: WireFormat }) {
    super();
    ({ connectionId: this.connectionId, channel: this.channel, channelId: this.channelId, format: this.format } = init);
    this.codec = init.codec ?? DEFAULT_WIRE_FORMAT;
    this.received = new Recorder(this.codec);
    this.#player = new Player((frame) => this.#ws.readyState === WebSocket.OPEN && this.#ws.send(frame), this.codec);
    this.#ws = ws;
    this.answered = new Promise<void>((resolve, reject) => (this.#answer = { resolve, reject }));
    this.answered.catch(() => {}); // a call that is never answered must not raise an unhandled rejection
    this.ended = new Promise<CallEnd>((resolve) => (this.#end = resolve));
    ws.on('message', (data, isBinary) => this.#onMessage(toBuffer(data), isBinary));
    ws.on('error', (err: Error & { code?: string }) => this.#finish('error', WS_ERROR_CLOSE_CODES[err.code ?? ''] ?? 1002, ''));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
  }

  get state(): 'ringing' | 'up' | 'ended' {
    return this.#state;
  }
  /** Every known command received, in order, e.g. `['ANSWER', 'HANGUP']`. */
  get commands(): readonly string[] {
    return this.#commands;
  }
  /** BINARY frames sent to the app so far. */
  get framesSent(): number {
    return this.#player.framesSent;
  }

  /** What Asterisk plays towards the app after ANSWER (default: silence); switch at any time. */
  play(source: AudioSource): void {
    this.#player.play(source);
  }

  /** The caller hangs up: Asterisk closes the WebSocket with 1000 (asterisk-chan-websocket.md, Ending). */
  hangup(): Promise<CallEnd> {
    this.#finish('caller', 1000, '');
    return this.ended;
  }

  /**
   * DTMF_END, one per digit, in the call's format (asterisk-chan-websocket.md, Notifications).
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
   * Send MEDIA_XOFF or MEDIA_XON by hand, as Asterisk does when its queue passes ~900 or falls
   * under ~800 frames. TODO(#8): raise them from a real queue model when the app sends faster
   * than real time.
   */
  sendFlowControl(event: 'MEDIA_XOFF' | 'MEDIA_XON'): void {
    this.#sendText(control.noDataMessage(event, this.channelId, this.format));
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
    for (const frame of this.received.accept(data)) this.emit('audio', frame);
  }

  #onText(text: string): void {
    const message = control.parseAppMessage(text, this.format);
    if (message.kind === 'ignored') return;
    if (message.kind === 'error') return this.#sendText(control.errorMessage(this.channelId, message.errorText, this.format));
    const { command, id } = message;
    this.#commands.push(command);
    const answering = command === 'ANSWER' && this.#state === 'ringing';
    if (answering) {
      this.#state = 'up';
      this.#player.start();
    }
    // "Asterisk closes the WebSocket with code 1000 within milliseconds" (asterisk-chan-websocket.md, Ending).
    if (command === 'HANGUP') this.#finish('app-hangup', 1000, '');
    if (command === 'START_MEDIA_BUFFERING') this.received.startBuffering();
    if (command === 'STOP_MEDIA_BUFFERING') for (const frame of this.received.stopBuffering()) this.emit('audio', frame);
    if (command === 'FLUSH_MEDIA') this.received.flush();
    if (command === 'PAUSE_MEDIA' || command === 'CONTINUE_MEDIA') this.#paused = command === 'PAUSE_MEDIA';
    // TODO(#8): model Asterisk's playout queue (depth, MEDIA_XOFF at 900, MEDIA_XON under 800).
    const status = { queueLengthFrames: 0, queueFull: false, bulkMedia: this.received.buffering, mediaPaused: this.#paused };
    const reply = control.commandReply(command, id, this.channelId, status, this.format);
    if (reply !== undefined) this.#sendText(reply);
    this.emit('command', command, id === undefined ? [] : [id]);
    if (answering) {
      this.#answer.resolve();
      this.emit('answered');
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
    this.#player.stop();
    // "App closes the socket: Asterisk hangs the channel up" (asterisk-chan-websocket.md, Ending).
    const end: CallEnd = this.#closing ?? { by: 'app-close', code, reason };
    this.emit('ended', end);
    this.#end(end);
    this.#answer.reject(new GagError('GAG_CALL_STATE', `call ${this.channelId} ended (${end.by}, ${end.code}) before ANSWER`));
  }
}

/**
 * The Asterisk side of GAG's tests: dials the gateway like chan_websocket, one WebSocket per call.
 * @example
 * const asterisk = new FakeAsterisk({ url: gateway.asteriskUrl });
 * const call = await asterisk.call('ws-ext-2001', { params: { from: '0312345678' } });
 * await call.answered;
 * await asterisk.close();
 */
export class FakeAsterisk {
  readonly #options: FakeAsteriskOptions;
  readonly #calls = new Set<FakeCall>();
  readonly #dialling = new Set<WebSocket>();
  /** Asterisk's start time, the first half of every channel_id. */
  readonly #startS = Math.floor(Date.now() / 1000);

  constructor(options: FakeAsteriskOptions) {
    if (!/^wss?:\/\//.test(options.url)) {
      throw new GagError('GAG_OPTIONS_INVALID', `'url' must be a ws:// or wss:// URL. Got '${options.url}'`);
    }
    this.#options = { ...options };
  }

  /** Every call whose socket is not closed yet. */
  get calls(): ReadonlySet<FakeCall> {
    return this.#calls;
  }

  /**
   * Dial a websocket_client (connection id = its section name, e.g. `ws-ext-2001`). Resolves once
   * the socket is open and MEDIA_START has been sent.
   * @throws GagError `GAG_NOT_CONNECTED` when the handshake is refused (with the HTTP status), the
   * server does not accept subprotocol `media`, or nothing answers.
   */
  async call(connectionId: string, options: DialOptions = {}): Promise<FakeCall> {
    const format = options.format ?? this.#options.format ?? 'text';
    const codec = options.codec ?? DEFAULT_WIRE_FORMAT;
    const frameBytes = frameBytesOf(codec);
    const url = new URL(this.#options.url);
    const params = Object.entries(options.params ?? {});
    // Dialplan values arrive URL-encoded (`${URIENCODE(...)}`); the commas of v() become '&'.
    url.search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    const ws = await this.#open(url, connectionId);
    const channelId = `${this.#startS}.${(channelCounter += 2)}`; // the caller's channel takes the odd ones
    // A pointer-like hex id, 16-byte aligned as Asterisk's `%p` of the channel's private data.
    const channel = `WebSocket/${connectionId}/0x7f${randomBytes(5).toString('hex').slice(0, -1)}0`;
    const call = new FakeCall(ws, { connectionId, channel, channelId, format, codec });
    this.#calls.add(call);
    call.once('ended', () => this.#calls.delete(call));
    const vOption = params.length === 0 ? '' : `v(${url.search.slice(1).replaceAll('&', ',')})`;
    const channelVariables = {
      DIALEDPEERNUMBER: `${connectionId}/${format === 'json' ? 'f(json)' : ''}c(${codec})n${vOption}`,
      MEDIA_WEBSOCKET_CONNECTION_ID: connectionId,
      MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE: String(frameBytes),
      ...options.channelVariables,
    };
    const info = { connectionId, channel, channelId, codec, optimalFrameBytes: frameBytes, ptimeMs: FRAME_MS, channelVariables };
    await call.start(control.mediaStartMessage(info, format));
    return call;
  }

  /** The WebSocket handshake as res_websocket_client makes it (asterisk-chan-websocket.md, How a call reaches the gateway). */
  async #open(url: URL, connectionId: string): Promise<WebSocket> {
    const { username, password } = this.#options;
    const basic = Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64');
    const headers = username === undefined && password === undefined ? {} : { Authorization: `Basic ${basic}` };
    // No `origin` option: Asterisk sends no Origin header. Over MAX_ASTERISK_MESSAGE_BYTES ws closes with 1009.
    const ws = new WebSocket(url, MEDIA_SUBPROTOCOL, {
      headers,
      perMessageDeflate: false,
      maxPayload: MAX_ASTERISK_MESSAGE_BYTES,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    const failed = (detail: string): GagError =>
      new GagError('GAG_NOT_CONNECTED', `fake Asterisk: dialling ${connectionId} at ${url.href} failed: ${detail}`);
    const deaf = `the server did not accept subprotocol '${MEDIA_SUBPROTOCOL}'`;
    this.#dialling.add(ws);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => {
          reject(failed(`handshake refused with HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trimEnd()));
          res.resume();
          ws.terminate();
        });
        // Stays attached on failure: ws reports an aborted handshake after the rejection, on a later tick.
        ws.on('error', (err) => reject(failed(/subprotocol/.test(err.message) ? `${deaf} (${err.message})` : err.message)));
        ws.once('open', () => (ws.protocol === MEDIA_SUBPROTOCOL ? resolve() : reject(failed(deaf))));
      });
    } catch (err) {
      ws.terminate();
      throw err;
    } finally {
      this.#dialling.delete(ws);
    }
    ws.removeAllListeners('error').removeAllListeners('unexpected-response');
    return ws;
  }

  /** Caller-side hangup of every call (and abort of every dial in progress); resolves when all sockets are closed. */
  async close(): Promise<void> {
    for (const ws of this.#dialling) ws.terminate();
    await Promise.all([...this.#calls].map((call) => call.hangup()));
  }
}
