/**
 * A fake Asterisk REST Interface: a real HTTP server on loopback answering `POST /ari/channels`
 * (originate) and `GET /ari/asterisk/ping` as Asterisk's ARI does, with HTTP Basic auth
 * (ari.conf), recording every request. An originate with `endpoint=Local/<ext>@<context>` is
 * answered 200 with the new channel's JSON, then rung back through the fake Asterisk
 * (fake-ami/dialplan.ts). Errors are ARI's: `{"message": "…"}` with 400, 401, 404 or 500.
 * @packageDocumentation
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FakeAsterisk, FakeCall } from '../fake-asterisk/client.js';
import { ringBack, type DialIdVia } from '../fake-ami/dialplan.js';
import { listenOnLoopback, portOf } from '../loopback.js';

/**
 * Options of {@link FakeAri}.
 * @example const ari = await FakeAri.start({ asterisk, username: 'gag', password: 'gag-secret' });
 */
export interface FakeAriOptions {
  /**
   * Dials the call back, as the dialplan would. May be set later through the `asterisk` property
   * (the gateway's Asterisk port is known only once it runs, and it needs this server's port first).
   */
  readonly asterisk?: FakeAsterisk;
  /** The ari.conf user (default `gag`). */
  readonly username?: string;
  /** Its password (default `gag-secret`). */
  readonly password?: string;
  /** How the call back carries the dial id (default `param`). */
  readonly dialIdVia?: DialIdVia;
}

/**
 * One request as received.
 * @example expect(ari.requests.map((r) => `${r.method} ${r.path}`)).toContain('POST /ari/channels');
 */
export interface AriRequest {
  /** The HTTP method, e.g. `POST`. */
  readonly method: string;
  /** The path, e.g. `/ari/channels`. */
  readonly path: string;
  /** The query string's parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined. */
  readonly body: unknown;
  /** Whether its Basic credentials were right. */
  readonly authorized: boolean;
}

/**
 * A `POST /ari/channels` that was accepted.
 * @example const seen = await ari.nextOriginate(); expect(seen.extension).toBe('0312345678');
 */
export interface SeenAriOriginate {
  /** The request itself. */
  readonly request: AriRequest;
  /** `endpoint`, the channel rung first, e.g. `WebSocket/ws-ext-2001/c(slin16)n`. */
  readonly endpoint: string;
  /** `context`, where the answered channel continues. */
  readonly context: string;
  /** `extension`, the number it dials there. */
  readonly extension: string;
  /** `priority`. */
  readonly priority: string;
  /** `callerId`, if given. */
  readonly callerId: string | undefined;
  /** `timeout` in seconds, if given. */
  readonly timeoutS: number | undefined;
  /** The originated channel's formats (`formats`), e.g. `slin16`; Asterisk picks its own without it. */
  readonly formats: string | undefined;
  /** `variables` of the JSON body, names as written (`__GAG_DIAL_ID`). */
  readonly variables: Readonly<Record<string, string>>;
  /** The call back, once the fake dialled it (undefined when nothing was dialled). */
  readonly call: Promise<FakeCall | undefined>;
}

/**
 * Events of a {@link FakeAri}.
 * @example ari.on('originate', (seen) => console.log(seen.endpoint));
 */
export interface FakeAriEvents {
  /** An originate was accepted. `ari.on('originate', (seen) => {})` */
  originate: [originate: SeenAriOriginate];
}

let channelCounter = 0;

/**
 * The fake ARI on `http://127.0.0.1:<port>`.
 * @example
 * const ari = await FakeAri.start({ asterisk });
 * // gateway config: { originate: 'ari', ari_url: ari.url, ari_username: 'gag', ari_password: 'gag-secret' }
 * ari.respondNext(500, 'Allocation failed');
 */
export class FakeAri extends EventEmitter<FakeAriEvents> {
  /** Every request received, in order. */
  readonly requests: AriRequest[] = [];
  /** Every accepted originate, in order. */
  readonly originates: SeenAriOriginate[] = [];
  readonly #server: Server;
  readonly #options: FakeAriOptions;
  /** Where call backs are dialled; without one, an originate is accepted but nothing rings. */
  asterisk: FakeAsterisk | undefined;
  readonly #calls = new Set<FakeCall>();
  #next: { status: number; message: string } | undefined;
  #taken = 0;

  private constructor(server: Server, options: FakeAriOptions) {
    super();
    this.#server = server;
    this.#options = options;
    this.asterisk = options.asterisk;
    server.on('request', (req, res) => void this.#onRequest(req, res));
  }

  /** Listen on loopback port 0. */
  static async start(options: FakeAriOptions): Promise<FakeAri> {
    const server = createServer();
    const ari = new FakeAri(server, options);
    await listenOnLoopback(server);
    return ari;
  }

  /** `http://127.0.0.1:<port>`, the gateway's `ari_url`. */
  get url(): string {
    return `http://127.0.0.1:${portOf(this.#server)}`;
  }

  /** Answer the next originate with `status` and ARI's error body instead of ringing back. */
  respondNext(status: number, message = 'Internal Server Error'): void {
    this.#next = { status, message };
  }

  /** The next accepted originate not yet taken by this method. */
  async nextOriginate(timeoutMs = 2_000): Promise<SeenAriOriginate> {
    const index = this.#taken++;
    const signal = AbortSignal.timeout(timeoutMs);
    while (index >= this.originates.length) await once(this, 'originate', { signal });
    return this.originates[index]!;
  }

  /** Hang up every call back, cut every connection, stop listening. */
  async close(): Promise<void> {
    await Promise.all([...this.#calls].map((c) => c.hangup()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://ari');
    let body: unknown;
    try {
      body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const expected = `Basic ${Buffer.from(`${this.#options.username ?? 'gag'}:${this.#options.password ?? 'gag-secret'}`).toString('base64')}`;
    const request: AriRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorized: req.headers.authorization === expected,
    };
    this.requests.push(request);
    const send = (status: number, json: unknown): void => void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
    if (!request.authorized) return send(401, { message: 'Authentication required' });
    if (request.method === 'GET' && request.path === '/ari/asterisk/ping') {
      return send(200, { asterisk_id: '00:00:00:00:00:01', ping: 'pong', timestamp: new Date().toISOString() });
    }
    if (request.method !== 'POST' || request.path !== '/ari/channels') return send(404, { message: 'Resource not found' });
    const q = request.query;
    if (q['endpoint'] === undefined) return send(400, { message: 'Endpoint parameter not provided' });
    if (q['extension'] === undefined || q['context'] === undefined) return send(400, { message: 'Application or extension must be specified' });
    const next = this.#next;
    this.#next = undefined;
    if (next !== undefined) return send(next.status, { message: next.message });
    const raw = (body as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
    const variables = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
    const id = `${Math.floor(Date.now() / 1000)}.${++channelCounter}`;
    send(200, {
      id,
      name: `${q['endpoint']}-${channelCounter.toString(16).padStart(8, '0')};1`,
      state: 'Down',
      caller: { name: '', number: '' },
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: { context: q['context'], exten: q['extension'], priority: Number(q['priority'] ?? '1'), app_name: '', app_data: '' },
      creationtime: new Date().toISOString(),
      language: 'en',
    });
    const call = ringBack(this.asterisk, q['endpoint'], variables, this.#options.dialIdVia ?? 'param');
    void call.then((c) => {
      if (c === undefined) return;
      this.#calls.add(c);
      c.once('ended', () => this.#calls.delete(c));
    });
    const timeout = q['timeout'];
    const originate: SeenAriOriginate = {
      request,
      endpoint: q['endpoint'],
      context: q['context'],
      extension: q['extension'],
      priority: q['priority'] ?? '',
      callerId: q['callerId'],
      timeoutS: timeout === undefined ? undefined : Number(timeout),
      formats: q['formats'],
      variables,
      call,
    };
    this.originates.push(originate);
    this.emit('originate', originate);
  }
}
