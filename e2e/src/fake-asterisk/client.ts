/**
 * A fake Asterisk that is a real WebSocket client: each {@link FakeAsterisk.call} behaves like
 * chan_websocket dialling `Dial(WebSocket/<connection_id>/c(slin16)n)` (or `c(slin)`, `c(ulaw)`,
 * `c(alaw)` with the `codec` option) to a `websocket_client`
 * with `connection_type = per_call_config` (docs/chan-websocket.md). Variables set in the
 * dialplan reach MEDIA_START as Asterisk's `Dial()` inherits them ({@link DialOptions.dialplanVariables}),
 * and Asterisk's v() leak can be switched on ({@link FakeAsteriskOptions.leakUriParams}).
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { DEFAULT_WIRE_FORMAT, FRAME_MS, GagError, MAX_ASTERISK_MESSAGE_BYTES, frameBytesOf, type WireFormat } from '@gag/sdk/protocol';
import { FakeCall } from './call.js';
import * as control from './control.js';
import type { ControlFormat } from './control.js';

export { FakeCall, type CallEnd, type FakeCallEvents } from './call.js';

/**
 * Options of a {@link FakeAsterisk}: the `websocket_client.conf` entry it dials.
 * @example new FakeAsterisk({ url: 'ws://127.0.0.1:8765', username: 'asterisk', password: 'secret', format: 'json' });
 */
export interface FakeAsteriskOptions {
  /** The client's `uri`, e.g. `ws://127.0.0.1:8765` (the gateway's Asterisk port). */
  url: string;
  /** The client's `username`: with `password`, sent as HTTP Basic auth, as chan_websocket does. */
  username?: string;
  /** The client's `password` (see `username`). */
  password?: string;
  /** Control-message format of every call (`f(json)` in the dial string); default `text`. */
  format?: ControlFormat;
  /**
   * Reproduce an Asterisk bug: `ast_websocket_client_add_uri_params()` stores a call's `v()`
   * string on the shared websocket_client object and never clears it, so a call dialled without
   * `params` goes out with the query string of the last call with `params` on the same connection
   * id (section). Default false: each call carries its own parameters only.
   */
  leakUriParams?: boolean;
}

/**
 * Per-call dial options.
 * @example await asterisk.call('ws-ext-2001', { params: { from: '0312345678' }, codec: 'ulaw' });
 */
export interface DialOptions {
  /** URI parameters (`v(k=v,…)`), URL-encoded into `/?k=v&…`. */
  params?: Record<string, string>;
  /**
   * Channel variables exactly as MEDIA_START names them (already inherited), sent in the JSON
   * format only. To write them as the dialplan does, use {@link dialplanVariables}.
   */
  channelVariables?: Record<string, string>;
  /**
   * Variables as the caller's dialplan set them before `Dial()`, e.g. `{ __GAG_DIAL_ID: id,
   * _WS_EXTEN: '2001' }`, inherited into the WebSocket channel as Asterisk does: `__NAME` arrives
   * as `__NAME` (its underscores kept), `_NAME` as `NAME`, and a name without underscore is not
   * inherited, so it never arrives. JSON format only, like `channelVariables` (which follow them).
   */
  dialplanVariables?: Record<string, string>;
  /** This call's control-message format, instead of the client's `format`. */
  format?: ControlFormat;
  /**
   * The media codec (`c(…)`): MEDIA_START's `format` and `optimal_frame_size` (20 ms of it), the
   * frames played and the frames taken. Default `slin16`.
   */
  codec?: WireFormat;
  /**
   * How far the channel's media clock is off the machine's, as a fraction: `0.001` runs it 0.1 %
   * fast, `-0.001` 0.1 % slow. That clock plays the app's queue and sends Asterisk's frames, as
   * chan_websocket's channel timer does, so an app whose audio clock runs 0.1 % ahead of Asterisk
   * is `clockSkew: -0.001` (its queue grows by a frame every 20 s unless the app paces itself).
   * Between -0.1 and 0.1; default 0.
   */
  clockSkew?: number;
}

/**
 * The WebSocket subprotocol chan_websocket asks for (`protocols = media`).
 * @example new WebSocket(url, MEDIA_SUBPROTOCOL); // as chan_websocket connects
 */
export const MEDIA_SUBPROTOCOL = 'media';
const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Asterisk names channels by a unique id `<start time>.<counter>`: one counter per process. */
let channelCounter = 0;

/**
 * The variables `Dial()` copies from the caller to the channel it creates, with the names they get
 * there (main/channel.c `ast_channel_inherit_variables()`): `__NAME` stays `__NAME`, `_NAME`
 * becomes `NAME`, anything else stays behind.
 */
function inheritedByDial(variables: Readonly<Record<string, string>>): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name.startsWith('__')) inherited[name] = value;
    else if (name.startsWith('_')) inherited[name.slice(1)] = value;
  }
  return inherited;
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
  /** The last `v()` query string of each connection id, with {@link FakeAsteriskOptions.leakUriParams}. */
  readonly #uriParams = new Map<string, string>();
  /** Asterisk's start time, the first half of every channel_id. */
  readonly #startS = Math.floor(Date.now() / 1000);

  /**
   * A client for the gateway's Asterisk port; nothing connects until {@link FakeAsterisk.call}.
   * @throws GagError `GAG_OPTIONS_INVALID` when `url` is not a ws:// or wss:// URL.
   */
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
    const search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    url.search = this.#uriParamsFor(connectionId, search);
    const ws = await this.#open(url, connectionId);
    const channelId = `${this.#startS}.${(channelCounter += 2)}`; // the caller's channel takes the odd ones
    // A pointer-like hex id, 16-byte aligned as Asterisk's `%p` of the channel's private data.
    const channel = `WebSocket/${connectionId}/0x7f${randomBytes(5).toString('hex').slice(0, -1)}0`;
    const call = new FakeCall(ws, { connectionId, channel, channelId, format, codec, clockSkew: options.clockSkew ?? 0 });
    this.#calls.add(call);
    call.once('ended', () => this.#calls.delete(call));
    // The dial string holds this call's own v() only, even when the URI carries a leaked one.
    const vOption = search === '' ? '' : `v(${search.replaceAll('&', ',')})`;
    const channelVariables = {
      DIALEDPEERNUMBER: `${connectionId}/${format === 'json' ? 'f(json)' : ''}c(${codec})n${vOption}`,
      MEDIA_WEBSOCKET_CONNECTION_ID: connectionId,
      MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE: String(frameBytes),
      ...inheritedByDial(options.dialplanVariables ?? {}),
      ...options.channelVariables,
    };
    const info = { connectionId, channel, channelId, codec, optimalFrameBytes: frameBytes, ptimeMs: FRAME_MS, channelVariables };
    await call.start(control.mediaStartMessage(info, format));
    return call;
  }

  /**
   * The query string a call goes out with. Asterisk stores a non-empty `v()` on the section's
   * shared client object and reuses it when a later call has none (res_websocket_client.c).
   */
  #uriParamsFor(connectionId: string, search: string): string {
    if (this.#options.leakUriParams !== true) return search;
    if (search !== '') this.#uriParams.set(connectionId, search);
    return this.#uriParams.get(connectionId) ?? '';
  }

  /** The WebSocket handshake as res_websocket_client makes it (docs/chan-websocket.md#handshake). */
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
