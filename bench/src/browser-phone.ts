/**
 * A `gag.v1` browser for load, on `ws` (no browser engine): upgrade to `/phone` with subprotocol
 * `gag.v1` and an allowed Origin, `hello` with a token, then control messages as JSON TEXT and
 * audio as BINARY (sdk/src/protocol.ts, parsed and encoded by the same module as the gateway).
 * @packageDocumentation
 */
import { WebSocket, type RawData } from 'ws';
import {
  PHONE_PATH,
  SUBPROTOCOL,
  encodeClientMessage,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '@gag/sdk/protocol';
import { deadline, opened } from './bounded.js';
import { sendAudioBounded } from './generator-send.js';

/** Messages nobody waited for yet, kept for a later `next()`; older ones are dropped. */
const INBOX_LIMIT = 32;

/** A control message and when it arrived (performance.now()). */
export interface Received<M extends ServerMessage = ServerMessage> {
  readonly message: M;
  readonly atMs: number;
}

type Waiter = { readonly type: ServerMessage['type']; readonly resolve: (r: Received) => void };

export class BrowserPhone {
  readonly ws: WebSocket;
  readonly closed: Promise<number>;
  /** A BINARY frame from the gateway (set by the benchmark). */
  onAudio: (frame: Buffer) => void = () => {};
  /** Every control message, before any waiter sees it (set by the benchmark). */
  onMessage: (message: ServerMessage) => void = () => {};
  /** Socket errors and unreadable messages from the gateway. */
  errors = 0;
  readonly #inbox: Received[] = [];
  #waiters: Waiter[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => this.errors++);
    ws.on('message', (data: RawData, isBinary) => {
      if (isBinary) return this.onAudio(data as Buffer);
      const atMs = performance.now();
      let message: ServerMessage;
      try {
        message = parseServerMessage((data as Buffer).toString('utf8'));
      } catch {
        this.errors++;
        return;
      }
      this.onMessage(message);
      const i = this.#waiters.findIndex((w) => w.type === message.type);
      if (i >= 0) return this.#waiters.splice(i, 1)[0]!.resolve({ message, atMs });
      this.#inbox.push({ message, atMs });
      if (this.#inbox.length > INBOX_LIMIT) this.#inbox.shift();
    });
  }

  /** Connect (trusting only `ca` over wss:// when given), send `hello`, resolve on `welcome`. */
  static async login(browserUrl: string, origin: string, token: string, timeoutMs: number, ca?: Buffer): Promise<BrowserPhone> {
    const ws = new WebSocket(`${browserUrl}${PHONE_PATH}`, [SUBPROTOCOL], { origin, perMessageDeflate: false, handshakeTimeout: timeoutMs, ...(ca && { ca }) });
    const phone = new BrowserPhone(ws);
    await opened(ws, timeoutMs, 'browser upgrade');
    try {
      phone.send({ type: 'hello', token });
      await phone.next('welcome', timeoutMs);
    } catch (err) {
      ws.terminate();
      throw err;
    }
    return phone;
  }

  send(message: ClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeClientMessage(message));
  }

  /** One frame towards the gateway; false (not sent) when the socket is not open or backed up. */
  sendAudio(frame: Buffer): boolean {
    return sendAudioBounded(this.ws, frame);
  }

  /** The next message of `type` (or one already received and not yet taken), within `timeoutMs`. */
  next<T extends ServerMessage['type']>(type: T, timeoutMs: number): Promise<Received<Extract<ServerMessage, { type: T }>>> {
    const i = this.#inbox.findIndex((r) => r.message.type === type);
    if (i >= 0) return Promise.resolve(this.#inbox.splice(i, 1)[0] as Received<Extract<ServerMessage, { type: T }>>);
    let waiter: Waiter | undefined;
    const got = new Promise<Received>((resolve) => {
      waiter = { type, resolve };
      this.#waiters.push(waiter);
    });
    return deadline(got, timeoutMs, `'${type}' at the browser`).catch((err: unknown) => {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      throw err;
    }) as Promise<Received<Extract<ServerMessage, { type: T }>>>;
  }

  /** Say goodbye with 1000. */
  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  /** Drop the TCP connection without a closing handshake (a tab killed, a network gone). */
  terminate(): void {
    this.ws.terminate();
  }
}
