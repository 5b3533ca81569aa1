/**
 * The connection to the gateway: one WebSocket speaking `gag.v1`, authenticated by a JWT sent in
 * the first message (never in the URL). Incoming calls arrive as {@link Call} objects.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { Call } from './call.js';
import type { CallTransport } from './call-events.js';
import { QUALITY_INTERVAL_MS } from './call-quality.js';
import { loadCallMedia } from './call-media-loader.js';
import type { ConnectionState, Disconnect, GagClientEvents } from './client-events.js';
import { OFFLINE, canClientTransition, nextClientState, runOf, shownState, type ClientEvent, type ClientState } from './client-machine.js';
import { closeError } from './client-refusal.js';
import { checkClientOptions, phoneUrls, type GagClientOptions } from './client-options.js';
import { DeferredRinger } from './deferred-ringer.js';
import { GagError } from './errors.js';
import { IncomingRing } from './incoming-ring.js';
import { silentLogger, type GagLogger } from './logger.js';
import { CLIENT_FEATURES, CLOSE, FEATURES, SUBPROTOCOL, closeName, encodeClientMessage, parseServerMessage, type ClientMessage, type ServerMessage } from './protocol.js';
import { isSupervisorMessage, type SupervisorLink, type SupervisorPort } from './supervisor-link.js';
import { FRAME_MS, packetTimeOf, type PacketMs } from './wire-units.js';
import { ReconnectLoop } from './reconnect-loop.js';
import { DefaultReconnectPolicy } from './reconnect-policy.js';
import { DialError, DialRequests, type Dialing } from './dialer.js';
import { RttProbe } from './rtt-probe.js';
import { TokenRefresher } from './token-refresh.js';

export type { GagClientOptions } from './client-options.js';
export type { ConnectionState, Disconnect, GagClientEvents } from './client-events.js';

/** A close without a status (RFC 6455 1006): retried like a network drop. */
const CLOSE_NO_STATUS = 1006;

/**
 * A phone: connects to the gateway and receives calls.
 * @throws GagError `GAG_OPTIONS_INVALID` for a bad `url`, no token source or a bad option.
 * @example
 * const client = new GagClient({ url: 'wss://gw.example.com:8766', getToken: () => fetch('/token').then((r) => r.text()) });
 * client.on('incoming', (call) => call.answer());
 * await client.connect();
 */
export class GagClient extends EventEmitter<GagClientEvents> {
  /** The gateway, or the nodes of a cluster in turn (`#urlAt` is the one in use). */
  readonly #urls: readonly string[];
  #urlAt = 0;
  readonly #options: GagClientOptions;
  readonly #log: GagLogger;
  readonly #calls = new Map<string, Call>();
  #ws: WebSocket | undefined;
  /** Changed only by {@link GagClient.#go} (client-machine.ts). */
  #state: ClientState = OFFLINE;
  #extension: string | undefined;
  #features: ReadonlySet<string> = new Set();
  /** Audio per message on this connection, from its `welcome` (20 from an older gateway). */
  #packetMs: PacketMs = FRAME_MS;
  readonly #loop: ReconnectLoop;
  readonly #rtt = new RttProbe();
  readonly #dials = new DialRequests();
  /** Loaded with the call media at the first ring (or unlock): an idle phone does not carry it. */
  readonly #ringer = new DeferredRinger(loadCallMedia);
  readonly #ring: IncomingRing | undefined;
  /** The fixed token (the `token` option, or the latest `updateToken`); reconnects use it without `getToken`. */
  #token: string | undefined;
  readonly #refresher: TokenRefresher;
  /** The supervisor side, when `@gag/sdk/supervisor` is attached (supervisor-link.ts). */
  #supervisor: SupervisorPort | undefined;
  /** Frames not sent because the connection was backed up. */
  framesDropped = 0;

  constructor(options: GagClientOptions) {
    super();
    this.#urls = phoneUrls(options.url);
    checkClientOptions(options);
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    this.#token = options.token;
    this.#refresher = new TokenRefresher({
      getToken: options.getToken,
      send: (token) => this.#sendToken(token),
      willExpire: (expiresAt) => this.emit('tokenWillExpire', { expiresAt }),
      log: this.#log,
    });
    this.#loop = new ReconnectLoop(options.reconnectPolicy ?? new DefaultReconnectPolicy(), {
      scheduled: (info) => {
        this.#go('drop');
        this.emit('reconnecting', info);
      },
      // A failed attempt closes, and #onClose asks the loop for the next one.
      attempt: () => void this.#attempt().catch((e: unknown) => this.#log.debug({ err: e }, 'reconnect attempt failed')),
    });
    if (options.ringtone !== false) {
      this.#ring = new IncomingRing(this.#ringer, () => this.emit('audioBlocked'), (err) => this.#log.warn({ err }, 'ringtone failed'));
    }
  }

  /** Where the connection is: `offline`, `connecting`, `online` or `reconnecting` (the `state` event tells each change). */
  get state(): ConnectionState {
    return shownState(this.#state);
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
   * `getToken`, until a close code says not to or `disconnect()` is called. While the browser is
   * offline it waits for the network instead of spending attempts, and tries at once when it is back.
   * @throws TokenRefusedError `GAG_TOKEN_INVALID` (token refused, with its `reason`), GagError
   *   `GAG_TOKEN_INVALID` (`getToken` failed), `GAG_REFUSED` (the gateway refused this page's origin or
   *   address), `GAG_NOT_CONNECTED` (unreachable).
   */
  connect(): Promise<void> {
    if (this.#state.phase !== 'offline') return Promise.reject(new GagError('GAG_NOT_CONNECTED', `already ${shownState(this.#state)}`));
    this.#go('connect');
    return this.#attempt();
  }

  /** Close the connection and stop reconnecting; calls on it end with `connection_lost`. */
  disconnect(): void {
    if (this.#state.phase === 'offline' || this.#state.phase === 'closing') return;
    this.#go('disconnect'); // an attempt still fetching its token gives up: its run is over
    if (this.#ws === undefined) this.#go('closed');
  }

  /**
   * Let the ringtone play: call it from a click or key press after `audioBlocked` (or once, early,
   * on any click). Resolves whether sound can play now.
   * @example soundButton.onclick = () => void client.unlockAudio();
   */
  unlockAudio(): Promise<boolean> {
    return this.#ringer.unlock().catch((err: unknown) => {
      this.#log.warn({ err }, 'audio unlock failed');
      return false;
    });
  }

  /**
   * Measure the round-trip time to the gateway with one `ping`. Resolves null when the gateway
   * does not answer pings (an older gateway) or no answer came within `timeoutMs` (default 2 s).
   * Calls report it in their `quality` events.
   * @throws GagError `GAG_NOT_CONNECTED` (not online), `GAG_OPTIONS_INVALID` (bad timeout).
   * @example console.log(`gateway ${await client.measureRtt()} ms away`);
   */
  measureRtt(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<number | null> {
    const timeoutMs = options.timeoutMs ?? QUALITY_INTERVAL_MS;
    if (!(timeoutMs > 0 && timeoutMs <= 60_000)) {
      return Promise.reject(new GagError('GAG_OPTIONS_INVALID', `timeoutMs: must be from 1 to 60000. Got ${String(timeoutMs)}`));
    }
    if (shownState(this.#state) !== 'online') return Promise.reject(new GagError('GAG_NOT_CONNECTED', `cannot ping the gateway while ${shownState(this.#state)}`));
    if (!this.#features.has(FEATURES.PING)) return Promise.resolve(null);
    return this.#rtt.ping((id) => this.#send({ type: 'ping', id }), timeoutMs, options.signal);
  }

  /** Whether the gateway takes click-to-call (`dial`) requests. */
  get canDial(): boolean {
    return shownState(this.#state) === 'online' && this.#features.has(FEATURES.DIAL);
  }

  /**
   * Click-to-call: Asterisk rings this extension back, then dials `number` once the call back is
   * answered. The call back arrives as `incoming` with `call.outbound` true and `call.dialId`
   * equal to the resolved `dialId`.
   * @throws GagError `GAG_NOT_CONNECTED` (not online), DialError `GAG_DIAL_FAILED` with `reason`
   * (`not_enabled`, `number_not_allowed`, `rate_limited`, `asterisk_unreachable`, …).
   * @example const { dialId } = await client.dial('0312345678');
   */
  dial(number: string): Promise<Dialing> {
    if (shownState(this.#state) !== 'online') return Promise.reject(new GagError('GAG_NOT_CONNECTED', `cannot dial while ${shownState(this.#state)}`));
    if (!this.#features.has(FEATURES.DIAL)) return Promise.reject(new DialError('not_enabled', 'this gateway has no click-to-call'));
    return this.#dials.request((requestId) => this.#send({ type: 'dial', requestId, number }));
  }

  /**
   * Give the session a fresh token (for a client with a fixed `token`, on `tokenWillExpire`): sent
   * over the open connection when the gateway offers token refresh, so calls go on undisturbed,
   * and used by every later reconnect. With `getToken`, reconnects still ask `getToken`.
   * @throws GagError `GAG_OPTIONS_INVALID` when `token` is not a non-empty string.
   * @example client.on('tokenWillExpire', async () => client.updateToken(await fetchToken()));
   */
  updateToken(token: string): void {
    if (typeof token !== 'string' || token === '') throw new GagError('GAG_OPTIONS_INVALID', `token: must be a non-empty string. Got ${typeof token}`);
    this.#token = token;
    this.#sendToken(token);
  }

  /** Send `token` on the open connection; false when offline or the gateway does not take it (an older one would close with 4000). */
  #sendToken(token: string): boolean {
    if (shownState(this.#state) !== 'online' || !this.#features.has(FEATURES.TOKEN_REFRESH)) return false;
    this.#send({ type: 'token', token });
    return true;
  }

  /** One connection attempt: resolves on `welcome`, rejects when it closes first. */
  async #attempt(): Promise<void> {
    const run = runOf(this.#state);
    let token: string;
    try {
      token = this.#options.getToken !== undefined ? await this.#options.getToken() : this.#token!;
    } catch (cause) {
      // While reconnecting, a token endpoint that failed once is retried like a dropped connection.
      if (run !== undefined && runOf(this.#state) === run) {
        if (this.#state.phase === 'reconnecting') this.#onClose(CLOSE_NO_STATUS, 'getToken() failed');
        else this.#go('fail');
      }
      throw new GagError('GAG_TOKEN_INVALID', 'getToken() failed', { cause });
    }
    // disconnect() (and perhaps connect() again) while the token was coming: this attempt gives up.
    if (run === undefined || runOf(this.#state) !== run) throw new GagError('GAG_NOT_CONNECTED', 'disconnected');
    const url = this.#urls[this.#urlAt]!;
    const ws = new WebSocket(url, [SUBPROTOCOL]);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.#send({ type: 'hello', token, features: [CLIENT_FEATURES.CALL_NOTICES] });
      };
      ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
        if (this.#ws === ws) this.#onMessage(e.data, resolve);
      };
      ws.onclose = (e) => {
        if (this.#ws !== ws) return reject(new GagError('GAG_NOT_CONNECTED', 'replaced by a newer connection'));
        this.#onClose(e.code, e.reason);
        void closeError(url, e.code, e.reason, opened).then(reject);
      };
    });
  }

  #send(message: ClientMessage): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(encodeClientMessage(message));
    return true;
  }

  /**
   * Lend this connection to the supervisor side (`@gag/sdk/supervisor`, internal): it gets the
   * supervisor's messages and the audio frames; one port at a time (a second replaces the first).
   * @example const link = client.attachSupervisor({ message, audio, disconnected });
   * @internal `SupervisorBoard` attaches itself; apps use the board.
   */
  attachSupervisor(port: SupervisorPort): SupervisorLink {
    this.#supervisor = port;
    const features = (): ReadonlySet<string> => this.#features;
    return {
      get enabled(): boolean {
        return features().has(FEATURES.SUPERVISE);
      },
      send: (message) => this.#send(message),
      sendAudio: (frame, maxBacklogBytes) => this.#transport.sendAudio(frame, maxBacklogBytes),
      packetMs: () => this.#packetMs,
      detach: () => {
        if (this.#supervisor === port) this.#supervisor = undefined;
      },
    };
  }

  readonly #transport: CallTransport = {
    sendControl: (message) => this.#send(message),
    // The features are those of this connection: a reconnect ends every call first.
    sendDtmf: (callId, digits) => {
      if (shownState(this.#state) !== 'online' || !this.#features.has(FEATURES.DTMF)) return false;
      this.#send({ type: 'dtmf', callId, digits });
      return true;
    },
    sendAudio: (frame, maxBacklogBytes) => {
      const ws = this.#ws;
      if (ws?.readyState !== WebSocket.OPEN) return false;
      if (ws.bufferedAmount > maxBacklogBytes) {
        this.framesDropped++;
        return false;
      }
      ws.send(frame);
      return true;
    },
    packetMs: () => this.#packetMs,
    forget: (callId) => void this.#calls.delete(callId),
    measureRtt: (timeoutMs, signal) => (shownState(this.#state) === 'online' ? this.measureRtt({ timeoutMs, signal }) : Promise.resolve(null)),
  };

  #onMessage(data: string | ArrayBuffer, welcomed: () => void): void {
    if (typeof data !== 'string') {
      for (const call of this.#calls.values()) call.play(data);
      this.#supervisor?.audio(data);
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
    if (message.type === 'pong') return this.#rtt.pong(message.id); // every 2 s in a call: not logged
    if (isSupervisorMessage(message)) return this.#supervisor?.message(message);
    this.#log.debug({ type: message.type }, 'from gateway');
    switch (message.type) {
      case 'welcome':
        if (!canClientTransition(this.#state.phase, 'welcome')) return void this.#log.warn({ phase: this.#state.phase }, 'welcome repeated: ignored');
        this.#extension = message.extension;
        this.#features = new Set(message.features ?? []);
        this.#packetMs = packetTimeOf(message.packetMs);
        this.#go('welcome');
        this.#refresher.start(this.#features.has(FEATURES.TOKEN_REFRESH) ? message.tokenExpiresAt : undefined);
        welcomed();
        this.emit('connected', { extension: message.extension, sessionId: message.sessionId });
        return;
      case 'token_accepted':
        return this.#refresher.accepted(message.tokenExpiresAt);
      case 'incoming': {
        if (this.#calls.has(message.callId)) return void this.#log.warn({ callId: message.callId }, 'incoming repeated: ignored');
        const call = new Call(message, this.#transport, this.#options.microphone, this.#dials.isOwn(message.dialId, message.requestId));
        this.#calls.set(call.id, call);
        this.emit('incoming', call);
        this.#ring?.add(call); // after the listeners: a call they rejected at once does not ring
        return;
      }
      case 'answered':
        this.#calls.get(message.callId)?.answered();
        return;
      case 'dtmf':
        this.#calls.get(message.callId)?.keyPressed(message.digit);
        return;
      case 'recording':
      case 'supervised':
        this.#calls.get(message.callId)?.notice(message);
        return;
      case 'ended':
        this.#calls.get(message.callId)?.end(message.reason);
        return;
      case 'dialing':
        return this.#dials.dialing(message.requestId, { dialId: message.dialId, number: message.number });
      case 'dial_failed':
        return this.#dials.failed(message.requestId, message.code, message.message);
    }
  }

  /** The socket closed (or a reconnect's token fetch failed): reconnect, or go offline. */
  #onClose(code: number, reason: string): Disconnect {
    const name = closeName(code);
    const state = this.#state;
    const { phase } = state;
    // Only a connection that was online reconnects (a first connect() that fails says why instead).
    const retry = (phase === 'online' || phase === 'reconnecting') && (name === undefined ? true : CLOSE[name].retry);
    const info: Disconnect = { code, reason, retry };
    const wasOnline = shownState(this.#state) === 'online';
    this.#ws = undefined;
    // In a cluster, the node that dropped us (or could not be reached) may be gone: the next attempt goes to the next.
    this.#urlAt = (this.#urlAt + 1) % this.#urls.length;
    this.#features = new Set();
    this.#refresher.stop();
    this.#rtt.cancelAll();
    this.#dials.cancelAll();
    for (const call of [...this.#calls.values()]) call.end('connection_lost');
    this.#supervisor?.disconnected();
    if (wasOnline) {
      this.#log.info({ code, reason, retry }, 'disconnected');
      this.emit('disconnected', info);
    }
    if (this.#state !== state) return info; // a listener called disconnect() (or connect() after it): settled
    if (retry && this.#loop.dropped(code)) this.#go('drop'); // or paused while the browser is offline
    else this.#go(phase === 'closing' ? 'closed' : 'fail');
    return info;
  }

  /** The only place the state changes (client-machine.ts); side effects follow, keyed by the new phase, then the event. */
  #go(event: ClientEvent): void {
    const shown = shownState(this.#state);
    this.#state = nextClientState(this.#state, event);
    switch (this.#state.phase) {
      case 'connecting':
        this.#loop.start();
        break;
      case 'online':
        this.#loop.connected();
        break;
      case 'closing':
        this.#loop.stop();
        this.#ws?.close(CLOSE.NORMAL.code, 'bye');
        break;
      case 'offline':
        // Everything connect() started: the reconnect loop's listeners, the ringer's audio context.
        this.#loop.stop();
        void this.#ringer.close();
        break;
    }
    if (shownState(this.#state) !== shown) this.emit('state', shownState(this.#state));
  }
}
