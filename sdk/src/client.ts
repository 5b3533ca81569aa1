/**
 * The connection to the gateway: one WebSocket speaking `gag.v1`, authenticated by a JWT sent in
 * the first message (never in the URL). Incoming calls arrive as {@link Call} objects.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { Call, type CallTransport } from './call.js';
import { GagError } from './errors.js';
import { silentLogger, type GagLogger } from './logger.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from './reconnect-policy.js';
import {
  CLOSE,
  FRAME_BYTES,
  PHONE_PATH,
  SUBPROTOCOL,
  closeName,
  encodeClientMessage,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from './protocol.js';

/** Audio we queue towards a slow connection before dropping frames (ms of slin16). */
const MAX_SEND_BACKLOG_BYTES = (200 / 20) * FRAME_BYTES;

/** Options of a {@link GagClient}. */
export interface GagClientOptions {
  /** The gateway, e.g. `wss://gw.example.com:8766` (the `/phone` path is added when missing). */
  url: string;
  /** A token for this session; or use `getToken`. */
  token?: string;
  /** Fetches a fresh token for each connection attempt. */
  getToken?: () => Promise<string>;
  /** Microphone constraints for calls. */
  microphone?: MediaTrackConstraints;
  /** Defaults to silence. */
  logger?: GagLogger;
  /** When to retry after the connection dropped (default: {@link DefaultReconnectPolicy}). */
  reconnectPolicy?: ReconnectPolicy;
}

/** Where the connection is. */
export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting';

/** Why the connection closed. */
export interface Disconnect {
  readonly code: number;
  readonly reason: string;
  /** Whether the SDK reconnects after this close (see `CLOSE` in the protocol). */
  readonly retry: boolean;
}

/** Events of a {@link GagClient}. */
export interface GagClientEvents {
  /** The connection state changed. */
  state: (state: ConnectionState) => void;
  /** Logged in: the gateway accepted the token. */
  connected: (info: { extension: string; sessionId: string }) => void;
  /** The connection closed; calls on it ended with `connection_lost`. `retry` says whether a reconnect follows. */
  disconnected: (info: Disconnect) => void;
  /** A reconnect attempt is scheduled after `delayMs`. */
  reconnecting: (info: { attempt: number; delayMs: number }) => void;
  /** A call is ringing here. */
  incoming: (call: Call) => void;
}

function phoneUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = PHONE_PATH;
  return u.toString();
}

/**
 * A phone: connects to the gateway and receives calls.
 * @throws GagError `GAG_OPTIONS_INVALID` for a bad `url` or no token source.
 * @example
 * const client = new GagClient({ url: 'wss://gw.example.com:8766', getToken: () => fetch('/token').then((r) => r.text()) });
 * client.on('incoming', (call) => call.answer());
 * await client.connect();
 */
export class GagClient extends EventEmitter<GagClientEvents> {
  readonly #url: string;
  readonly #options: GagClientOptions;
  readonly #log: GagLogger;
  readonly #calls = new Map<string, Call>();
  #ws: WebSocket | undefined;
  #state: ConnectionState = 'offline';
  #extension: string | undefined;
  readonly #policy: ReconnectPolicy;
  /** Whether the user wants to be connected (connect() called, disconnect() not). */
  #wanted = false;
  /** Whether this client has been online since connect(): reconnecting starts only then. */
  #wasOnline = false;
  #retryCount = 0;
  #droppedAtMs: number | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Frames not sent because the connection was backed up. */
  framesDropped = 0;

  constructor(options: GagClientOptions) {
    super();
    try {
      this.#url = phoneUrl(options.url);
    } catch {
      throw new GagError('GAG_OPTIONS_INVALID', `url: not a URL: ${String(options.url)} (e.g. wss://gw.example.com:8766)`);
    }
    if (options.token === undefined && options.getToken === undefined) {
      throw new GagError('GAG_OPTIONS_INVALID', 'token: give `token` or `getToken`');
    }
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#policy = options.reconnectPolicy ?? new DefaultReconnectPolicy();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The extension the token logged in as, once connected. */
  get extension(): string | undefined {
    return this.#extension;
  }

  /** Calls ringing or in progress. */
  get calls(): readonly Call[] {
    return [...this.#calls.values()];
  }

  /**
   * Connect and log in. Resolves once the gateway accepted the token. Once connected, the
   * client reconnects by itself after a drop (see `reconnectPolicy`), with a fresh token from
   * `getToken`, until a close code says not to or `disconnect()` is called.
   * @throws GagError `GAG_TOKEN_INVALID` (token refused), `GAG_NOT_CONNECTED` (unreachable or refused).
   */
  connect(): Promise<void> {
    if (this.#state !== 'offline') return Promise.reject(new GagError('GAG_NOT_CONNECTED', `already ${this.#state}`));
    this.#wanted = true;
    this.#setState('connecting');
    return this.#attempt();
  }

  /** Close the connection and stop reconnecting; calls on it end with `connection_lost`. */
  disconnect(): void {
    this.#wanted = false;
    clearTimeout(this.#retryTimer);
    if (this.#ws !== undefined) this.#ws.close(1000, 'bye');
    else this.#setState('offline');
  }

  /** One connection attempt: resolves on `welcome`, rejects when it closes first. */
  async #attempt(): Promise<void> {
    let token: string;
    try {
      token = this.#options.getToken !== undefined ? await this.#options.getToken() : this.#options.token!;
    } catch (cause) {
      this.#setState('offline');
      throw new GagError('GAG_TOKEN_INVALID', 'getToken() failed', { cause });
    }
    if (!this.#wanted) throw new GagError('GAG_NOT_CONNECTED', 'disconnected');
    const ws = new WebSocket(this.#url, [SUBPROTOCOL]);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    return new Promise<void>((resolve, reject) => {
      ws.onopen = () => this.#send({ type: 'hello', token });
      ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => this.#onMessage(e.data, resolve);
      ws.onclose = (e) => {
        const info = this.#onClose(e.code, e.reason);
        const code = e.code === CLOSE.TOKEN_INVALID.code || e.code === CLOSE.TOKEN_EXPIRED.code ? 'GAG_TOKEN_INVALID' : 'GAG_NOT_CONNECTED';
        reject(new GagError(code, info.reason === '' ? `connection closed (${info.code}): gateway unreachable or refused the page's origin` : info.reason));
      };
    });
  }

  /** After a drop: try again after the policy's delay, or stay offline. */
  #scheduleReconnect(closeCode: number): void {
    const now = Date.now();
    this.#droppedAtMs ??= now;
    const delayMs = this.#policy.nextRetryDelayMs({ retryCount: this.#retryCount, elapsedMs: now - this.#droppedAtMs, closeCode });
    if (delayMs === null) {
      this.#wanted = false;
      this.#setState('offline');
      return;
    }
    this.#retryCount++;
    this.#setState('reconnecting');
    this.emit('reconnecting', { attempt: this.#retryCount, delayMs });
    this.#retryTimer = setTimeout(() => {
      // A failed attempt closes, and #onClose schedules the next one.
      this.#attempt().catch((e: unknown) => this.#log.debug({ err: e }, 'reconnect attempt failed'));
    }, delayMs);
  }

  #send(message: ClientMessage): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(encodeClientMessage(message));
  }

  readonly #transport: CallTransport = {
    sendControl: (message) => this.#send(message),
    sendAudio: (frame) => {
      const ws = this.#ws;
      if (ws?.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_SEND_BACKLOG_BYTES) return void this.framesDropped++;
      ws.send(frame);
    },
    forget: (callId) => void this.#calls.delete(callId),
  };

  #onMessage(data: string | ArrayBuffer, welcomed: () => void): void {
    if (typeof data !== 'string') {
      for (const call of this.#calls.values()) call.play(data);
      return;
    }
    let message: ServerMessage;
    try {
      message = parseServerMessage(data);
    } catch (err) {
      this.#log.warn({ err }, 'bad message from gateway');
      this.#ws?.close(CLOSE.BAD_MESSAGE.code, 'bad message from gateway');
      return;
    }
    this.#log.debug({ type: message.type }, 'from gateway');
    switch (message.type) {
      case 'welcome':
        this.#extension = message.extension;
        this.#wasOnline = true;
        this.#retryCount = 0;
        this.#droppedAtMs = undefined;
        this.#setState('online');
        welcomed();
        this.emit('connected', { extension: message.extension, sessionId: message.sessionId });
        return;
      case 'incoming': {
        const call = new Call(message, this.#transport, this.#options.microphone);
        this.#calls.set(call.id, call);
        this.emit('incoming', call);
        return;
      }
      case 'answered':
        this.#calls.get(message.callId)?.connected();
        return;
      case 'dtmf':
        this.#calls.get(message.callId)?.keyPressed(message.digit);
        return;
      case 'ended':
        this.#calls.get(message.callId)?.end(message.reason);
    }
  }

  #onClose(code: number, reason: string): Disconnect {
    const name = closeName(code);
    const retry = this.#wanted && this.#wasOnline && (name === undefined ? true : CLOSE[name].retry);
    const info: Disconnect = { code, reason, retry };
    const wasOnline = this.#state === 'online';
    this.#ws = undefined;
    for (const call of [...this.#calls.values()]) call.end('connection_lost');
    if (wasOnline) {
      this.#log.info({ code, reason, retry }, 'disconnected');
      this.emit('disconnected', info);
    }
    if (retry) this.#scheduleReconnect(code);
    else {
      this.#wanted = false;
      this.#setState('offline');
    }
    return info;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
