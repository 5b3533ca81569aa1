/**
 * A `gag.v1` browser peer for gateway tests: a real ws client on loopback that logs in with a
 * token and records every message and audio frame. (Real browsers are tested in e2e/.)
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { SUBPROTOCOL, encodeClientMessage, parseServerMessage, type ClientMessage, type ServerMessage } from '@gag/sdk/protocol';

export const TEST_ORIGIN = 'http://phone.test';

export class TestPhone {
  readonly messages: ServerMessage[] = [];
  readonly audio: Buffer[] = [];
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The gateway's `welcome`, once {@link TestPhone.login} has logged in. */
  welcome: Extract<ServerMessage, { type: 'welcome' }> | undefined;
  #waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];

  constructor(url: string, options: { origin?: string | null; protocols?: string[] } = {}) {
    const origin = options.origin === undefined ? TEST_ORIGIN : options.origin;
    this.ws = new WebSocket(`${url}/phone`, options.protocols ?? [SUBPROTOCOL], origin === null ? {} : { origin });
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return void this.audio.push(data as Buffer);
      const message = parseServerMessage((data as Buffer).toString('utf8'));
      this.messages.push(message);
      this.#waiters = this.#waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
    this.closed = once(this.ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
    this.closed.catch(() => undefined);
  }

  /** Connect and log in; resolves with `welcome`. */
  static async login(url: string, token: string): Promise<TestPhone> {
    const phone = new TestPhone(url);
    await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
    phone.send({ type: 'hello', token });
    phone.welcome = await phone.next('welcome');
    return phone;
  }

  send(message: ClientMessage): void {
    this.ws.send(encodeClientMessage(message));
  }

  /** The next (or an already received, not yet awaited) message of `type`. */
  next<T extends ServerMessage['type']>(type: T, timeoutMs = 2_000): Promise<Extract<ServerMessage, { type: T }>> {
    const match = (m: ServerMessage): boolean => m.type === type;
    const seen = this.messages.find(match);
    if (seen !== undefined) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen as Extract<ServerMessage, { type: T }>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m as Extract<ServerMessage, { type: T }>);
        },
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
