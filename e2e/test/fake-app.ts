/**
 * The "app" side for the fake Asterisk's tests: a small ws server on 127.0.0.1 port 0 that records
 * every handshake and message, and waits for them with a bound (never a sleep); and
 * {@link withFakeAsterisk}, the before/after hooks of every such test file.
 */
import { EventEmitter, once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeAsterisk, type DialOptions, type FakeCall } from '../src/index.js';

/** Longest any test waits for one thing to happen. */
export const WAIT_MS = 2_000;

/** Resolves when `check()` returns a value, re-checking after every `change` of `events`. */
async function until<T>(events: EventEmitter, check: () => T | undefined, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    try {
      await once(events, 'change', { signal });
    } catch (cause) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause });
    }
  }
}

/** One connection from the fake Asterisk, as the app sees it. */
export class AppPeer {
  readonly texts: string[] = [];
  readonly binaries: Buffer[] = [];
  /** performance.now() at the arrival of each binary message. */
  readonly binaryTimesMs: number[] = [];
  /** Every message in arrival order: a text as itself, a binary as `<binary N>`. */
  readonly log: string[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly #events = new EventEmitter();
  #textCursor = 0;

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
  ) {
    ws.on('message', (data, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (isBinary) {
        this.binaries.push(bytes);
        this.binaryTimesMs.push(performance.now());
        this.log.push(`<binary ${bytes.length}>`);
      } else {
        this.texts.push(bytes.toString('utf8'));
        this.log.push(bytes.toString('utf8'));
      }
      this.#events.emit('change');
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.#events.emit('change');
    });
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next TEXT message not yet read by this method. */
  nextText(): Promise<string> {
    return until(this.#events, () => (this.#textCursor < this.texts.length ? this.texts[this.#textCursor++] : undefined), 'a TEXT message');
  }

  /** Resolves once `count` binary messages have arrived in all. */
  binariesUntil(count: number, timeoutMs = WAIT_MS): Promise<Buffer[]> {
    return until(this.#events, () => (this.binaries.length >= count ? this.binaries : undefined), `${count} binary messages`, timeoutMs);
  }

  /** Resolves with the close code and reason once the socket is closed. */
  whenClosed(): Promise<{ code: number; reason: string }> {
    return until(this.#events, () => this.closed, 'the socket to close');
  }

  /** Waits until `check()` holds, re-checking after every message. */
  until<T>(check: () => T | undefined, what: string, timeoutMs = WAIT_MS): Promise<T> {
    return until(this.#events, check, what, timeoutMs);
  }
}

/** Options of {@link TestApp.start}. */
export interface TestAppOptions {
  /** Refuse every handshake with this HTTP status. */
  refuseWith?: number;
  /** Accept no subprotocol (default: accept `media`). */
  acceptMedia?: boolean;
}

/** The app: a ws server that accepts `media` and hands out an {@link AppPeer} per connection. */
export class TestApp {
  readonly peers: AppPeer[] = [];
  readonly #events = new EventEmitter();
  #cursor = 0;

  private constructor(
    readonly server: WebSocketServer,
    readonly url: string,
  ) {
    server.on('connection', (ws, request) => {
      this.peers.push(new AppPeer(ws, request));
      this.#events.emit('change');
    });
  }

  static async start(options: TestAppOptions = {}): Promise<TestApp> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => (options.acceptMedia !== false && protocols.has('media') ? 'media' : false),
      ...(options.refuseWith === undefined ? {} : { verifyClient: (_info, done) => done(false, options.refuseWith) }),
    });
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return new TestApp(server, `ws://127.0.0.1:${port}`);
  }

  /** The next connection not yet returned by this method. */
  nextPeer(): Promise<AppPeer> {
    return until(this.#events, () => (this.#cursor < this.peers.length ? this.peers[this.#cursor++] : undefined), 'a connection');
  }

  /** Terminates every connection and closes the server. */
  async close(): Promise<void> {
    for (const peer of this.peers) peer.ws.terminate();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}

/** A fresh app and a fake Asterisk dialling it for each test (see {@link withFakeAsterisk}). */
export interface FakeAsteriskContext {
  readonly app: TestApp;
  /** Replace it in a test to dial with other options (Basic auth, JSON); the replacement is closed after the test. */
  asterisk: FakeAsterisk;
  /** Dial ws-ext-2001 and read MEDIA_START on the app side. */
  dial(options?: DialOptions): Promise<{ call: FakeCall; peer: AppPeer; mediaStart: string }>;
  /** Dial, and answer on the app side. */
  answered(options?: DialOptions): Promise<{ call: FakeCall; peer: AppPeer; mediaStart: string }>;
}

/**
 * The hooks every fake-Asterisk test file needs: before each test an app and a fake Asterisk
 * dialling it; after it, real timers again, every call hung up, and no socket left on either side.
 * @example
 * const fake = withFakeAsterisk();
 * it('…', async () => { const { call, peer } = await fake.answered(); });
 */
export function withFakeAsterisk(): FakeAsteriskContext {
  let app: TestApp | undefined;
  let asterisk: FakeAsterisk | undefined;
  const context: FakeAsteriskContext = {
    get app() {
      if (app === undefined) throw new Error('withFakeAsterisk: no app outside a test');
      return app;
    },
    get asterisk() {
      if (asterisk === undefined) throw new Error('withFakeAsterisk: no fake Asterisk outside a test');
      return asterisk;
    },
    set asterisk(replacement) {
      asterisk = replacement;
    },
    async dial(options) {
      const call = await context.asterisk.call('ws-ext-2001', options);
      const peer = await context.app.nextPeer();
      const mediaStart = await peer.nextText();
      return { call, peer, mediaStart };
    },
    async answered(options) {
      const dialled = await context.dial(options);
      dialled.peer.send(dialled.call.format === 'json' ? '{"command":"ANSWER"}' : 'ANSWER');
      await dialled.call.answered;
      return dialled;
    },
  };
  beforeEach(async () => {
    app = await TestApp.start();
    asterisk = new FakeAsterisk({ url: app.url });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await context.asterisk.close();
    expect(context.asterisk.calls.size).toBe(0);
    for (const peer of context.app.peers) await peer.whenClosed(); // no socket left over on either side
    await context.app.close();
    app = asterisk = undefined;
  });
  return context;
}
