/**
 * A small AMI client for tests: log in, send actions, and wait for events (`DialEnd`,
 * `UserEvent`…) with a bound. The gateway has its own AMI client; this one watches Asterisk
 * from the side, as an admin's `manager show events` would.
 * @packageDocumentation
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { GagError } from '@gag/sdk/protocol';

/** One AMI message: its `Key: Value` lines. */
export type AmiMessage = Readonly<Record<string, string>>;

/** How long an action's response or an awaited event may take. */
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A logged-in AMI connection that keeps every event it receives.
 * @example
 * const ami = await TestAmi.connect({ port, username: 'gag-test', secret });
 * const end = await ami.waitFor((e) => e.Event === 'DialEnd');
 */
export class TestAmi {
  /** Every event so far, in order. */
  readonly events: AmiMessage[] = [];
  readonly #socket: Socket;
  #buffer = '';
  #nextId = 0;
  readonly #waiters = new Set<{ match: (m: AmiMessage) => boolean; resolve: (m: AmiMessage) => void }>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => socket.destroy());
  }

  static async connect(options: { readonly port: number; readonly username: string; readonly secret: string }): Promise<TestAmi> {
    const socket = connect(options.port, '127.0.0.1');
    await once(socket, 'connect');
    const ami = new TestAmi(socket);
    const r = await ami.action({ Action: 'Login', Username: options.username, Secret: options.secret });
    if (r['Response'] !== 'Success') throw new GagError('GAG_NOT_CONNECTED', `AMI login refused: ${r['Message'] ?? ''}`);
    return ami;
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf('\r\n\r\n'); end >= 0; end = this.#buffer.indexOf('\r\n\r\n')) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 4);
      const message: Record<string, string> = {};
      for (const line of block.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) message[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      if (message['Event'] !== undefined) this.events.push(message);
      for (const waiter of this.#waiters) {
        if (waiter.match(message)) {
          this.#waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    }
  }

  /** The next message matching `match` (from now on), within `timeoutMs`. */
  next(match: (m: AmiMessage) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<AmiMessage> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: AmiMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new GagError('GAG_NOT_CONNECTED', `no AMI ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** An event already received, or the next one, matching `match`. */
  async waitFor(match: (e: AmiMessage) => boolean, what = 'event', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<AmiMessage> {
    return this.events.find(match) ?? this.next((m) => m['Event'] !== undefined && match(m), what, timeoutMs);
  }

  /** Send an action and resolve with its response. Values must be single lines. */
  action(fields: Readonly<Record<string, string>>): Promise<AmiMessage> {
    const id = `t${++this.#nextId}`;
    const lines = Object.entries({ ...fields, ActionID: id }).map(([k, v]) => {
      if (/[\r\n]/.test(v)) throw new GagError('GAG_OPTIONS_INVALID', `AMI ${k}: a line break`);
      return `${k}: ${v}\r\n`;
    });
    const response = this.next((m) => m['ActionID'] === id && m['Response'] !== undefined, `response to ${fields['Action'] ?? 'action'}`);
    this.#socket.write(`${lines.join('')}\r\n`);
    return response;
  }

  close(): void {
    this.#socket.end();
    this.#socket.destroy();
  }
}
