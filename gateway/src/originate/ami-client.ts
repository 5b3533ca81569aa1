/**
 * A small AMI client over node:net: connect, read the banner, `Action: Login`, then actions with
 * an `ActionID` each, answered by the `Response` block with the same ActionID; events are passed
 * on. A lost connection fails every action in flight and is retried by a {@link ReconnectPolicy};
 * a `Ping` action every interval finds a half-open connection. Failures are values, never thrown:
 * a caller learns whether Asterisk was unreachable, refused our login, or answered.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { ProtocolError } from '@gag/sdk/protocol';
import type { Logger } from '../log.js';
import { AmiParser, encodeAmiAction, type AmiItem, type AmiMessage } from './ami-codec.js';
import { BackoffPolicy, type ReconnectPolicy, type RetryReason } from './reconnect-policy.js';

/** Connection state: only `ready` (logged in) takes actions. */
export type AmiState = 'connecting' | 'ready' | 'login_failed' | 'disconnected' | 'closed';

/** Why an action got no answer (`unsendable`: a value was not one line, a bug caught before the wire). */
export type AmiFailure = 'not_connected' | 'login_failed' | 'timeout' | 'connection_lost' | 'unsendable';

/** The outcome of {@link AmiClient.action}. */
export type AmiActionResult = { readonly ok: true; readonly response: AmiMessage } | { readonly ok: false; readonly failure: AmiFailure };

/** Events of an {@link AmiClient}. */
export interface AmiClientEvents {
  /** The connection state changed. */
  state: (state: AmiState, previous: AmiState) => void;
  /** An `Event:` block from Asterisk (e.g. `OriginateResponse`). */
  event: (message: AmiMessage) => void;
}

/** Where and as whom to connect, and the timing (defaults suit production). */
export interface AmiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Sent in the Login action only; never logged. */
  readonly secret: string;
  readonly log: Logger;
  readonly policy?: ReconnectPolicy;
  readonly connectTimeoutMs?: number;
  readonly actionTimeoutMs?: number;
  readonly pingIntervalMs?: number;
}

/** TCP connect plus banner and login must finish within this. */
export const AMI_CONNECT_TIMEOUT_MS = 5_000;
/** An action unanswered for this long fails with `timeout`. */
export const AMI_ACTION_TIMEOUT_MS = 5_000;
/** A `Ping` this often; an unanswered one drops the connection (half-open peer). */
export const AMI_PING_INTERVAL_MS = 30_000;
/** On close, Asterisk answers `Logoff` and closes; past this we cut the socket. */
const AMI_LOGOFF_TIMEOUT_MS = 1_000;

interface Pending {
  readonly resolve: (result: AmiActionResult) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One AMI connection, kept up until {@link AmiClient.close}.
 * @example
 * const ami = new AmiClient({ host: '127.0.0.1', port: 5038, username: 'gag', secret, log });
 * ami.start();
 * const r = await ami.action([['Action', 'Originate'], ['Channel', 'Local/2001@inhouse'], …]);
 */
export class AmiClient extends EventEmitter<AmiClientEvents> {
  readonly #options: AmiClientOptions;
  readonly #policy: ReconnectPolicy;
  readonly #idPrefix = randomBytes(4).toString('hex');
  #nextId = 0;
  #state: AmiState = 'disconnected';
  #socket: Socket | undefined;
  #retryCount = 0;
  /** Set while Asterisk refuses our login (until a login succeeds), across reconnect attempts. */
  #loginRefused = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  readonly #pending = new Map<string, Pending>();
  #closed: Promise<void> | undefined;

  constructor(options: AmiClientOptions) {
    super();
    this.#options = options;
    this.#policy = options.policy ?? new BackoffPolicy();
  }

  get state(): AmiState {
    return this.#state;
  }

  /** Connect now, and again after every loss, until closed. */
  start(): void {
    if (this.#state === 'disconnected' && this.#socket === undefined && this.#retryTimer === undefined) this.#connect();
  }

  /**
   * Send an action (an `ActionID` is added) and wait for its `Response`. Only when logged in:
   * otherwise it fails at once (`not_connected`, or `login_failed` while our login is refused).
   */
  action(lines: ReadonlyArray<readonly [string, string]>, actionId = this.newActionId()): Promise<AmiActionResult> {
    if (this.#state !== 'ready' || this.#socket === undefined) {
      return Promise.resolve({ ok: false, failure: this.#loginRefused ? 'login_failed' : 'not_connected' });
    }
    return this.#send(this.#socket, [...lines, ['ActionID', actionId]], actionId);
  }

  /** A fresh ActionID, unique for this client. */
  newActionId(): string {
    return `gag-${this.#idPrefix}-${++this.#nextId}`;
  }

  /** Log off (best effort), stop retrying, fail what is in flight. Calling it again returns the same promise. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      const socket = this.#socket;
      const wasReady = this.#state === 'ready';
      this.#setState('closed');
      if (socket === undefined || socket.destroyed) return resolve();
      // A peer that never closes its side must not hold the shutdown.
      const cut = setTimeout(() => socket.destroy(), AMI_LOGOFF_TIMEOUT_MS);
      socket.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      if (wasReady) socket.end(encodeAmiAction([['Action', 'Logoff'], ['ActionID', this.newActionId()]]));
      else socket.destroy();
    });
    return this.#closed;
  }

  #send(socket: Socket, lines: ReadonlyArray<readonly [string, string]>, actionId: string): Promise<AmiActionResult> {
    let text: string;
    try {
      text = encodeAmiAction(lines);
    } catch (e) {
      this.#options.log.error({ err: e instanceof ProtocolError ? e.message : String(e) }, 'ami action not sent');
      return Promise.resolve({ ok: false, failure: 'unsendable' });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(actionId);
        resolve({ ok: false, failure: 'timeout' });
      }, this.#options.actionTimeoutMs ?? AMI_ACTION_TIMEOUT_MS);
      this.#pending.set(actionId, { resolve, timer });
      socket.write(text);
    });
  }

  #connect(): void {
    const { host, port, log } = this.#options;
    this.#setState('connecting');
    const socket = connect({ host, port });
    this.#socket = socket;
    const parser = new AmiParser();
    socket.setNoDelay(true);
    this.#connectTimer = setTimeout(() => {
      log.warn({ host, port }, 'ami connect timed out');
      socket.destroy();
    }, this.#options.connectTimeoutMs ?? AMI_CONNECT_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      let items: AmiItem[];
      try {
        items = parser.push(chunk);
      } catch (e) {
        log.warn({ host, port, err: e instanceof ProtocolError ? e.message : String(e) }, 'ami protocol violation; reconnecting');
        return void socket.destroy();
      }
      for (const item of items) this.#onItem(socket, item);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => log.debug({ host, port, code: err.code }, 'ami socket error'));
    socket.on('close', () => this.#onClose(socket));
  }

  #onItem(socket: Socket, item: AmiItem): void {
    if (item.kind === 'banner') {
      this.#options.log.debug({ version: item.version }, 'ami banner');
      const id = this.newActionId();
      const login: Array<readonly [string, string]> = [
        ['Action', 'Login'],
        ['Username', this.#options.username],
        ['Secret', this.#options.secret],
        // OriginateResponse is a `call` class event; manager.conf's eventfilter can narrow it further.
        ['Events', 'call'],
        ['ActionID', id],
      ];
      void this.#send(socket, login, id).then((r) => this.#onLogin(socket, r));
      return;
    }
    const { message } = item;
    // Events first: OriginateResponse carries `Response:` and the ActionID too, but answers nothing.
    if (message.get('Event') !== undefined) return void this.emit('event', message);
    const actionId = message.get('ActionID');
    const pending = actionId === undefined ? undefined : this.#pending.get(actionId);
    if (message.get('Response') === undefined || actionId === undefined || pending === undefined) return;
    this.#pending.delete(actionId);
    clearTimeout(pending.timer);
    pending.resolve({ ok: true, response: message });
  }

  #onLogin(socket: Socket, result: AmiActionResult): void {
    if (socket !== this.#socket || this.#state !== 'connecting') return;
    clearTimeout(this.#connectTimer);
    const { host, port, username, log } = this.#options;
    if (!result.ok) return void socket.destroy();
    if (result.response.get('Response')?.toLowerCase() !== 'success') {
      log.error({ host, port, username, message: result.response.get('Message') }, 'ami login refused: check ami_username and ami_secret against manager.conf');
      this.#loginRefused = true;
      this.#setState('login_failed');
      return void socket.destroy();
    }
    this.#loginRefused = false;
    this.#retryCount = 0;
    this.#setState('ready');
    log.info({ host, port, username }, 'ami connected');
    this.#pingTimer = setInterval(() => void this.#ping(socket), this.#options.pingIntervalMs ?? AMI_PING_INTERVAL_MS);
  }

  async #ping(socket: Socket): Promise<void> {
    const r = await this.action([['Action', 'Ping']]);
    if (!r.ok && r.failure === 'timeout' && socket === this.#socket) {
      this.#options.log.warn({ host: this.#options.host }, 'ami ping unanswered; reconnecting');
      socket.destroy();
    }
  }

  #onClose(socket: Socket): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    clearTimeout(this.#connectTimer);
    clearInterval(this.#pingTimer);
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, failure: 'connection_lost' });
      this.#pending.delete(id);
    }
    if (this.#state === 'closed') return;
    const reason: RetryReason = this.#state === 'login_failed' ? 'login_failed' : this.#state === 'ready' ? 'connection_lost' : 'connect_failed';
    if (reason !== 'login_failed') this.#setState('disconnected');
    const { host, port, log } = this.#options;
    if (reason === 'connection_lost') log.warn({ host, port }, 'ami connection lost; reconnecting');
    if (reason === 'connect_failed' && this.#retryCount === 0) log.warn({ host, port }, 'ami unreachable; retrying');
    const delayMs = this.#policy.nextRetryDelayMs({ retryCount: this.#retryCount++, reason });
    if (delayMs === null) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#state !== 'closed') this.#connect();
    }, delayMs);
  }

  #setState(state: AmiState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('state', state, previous);
  }
}
