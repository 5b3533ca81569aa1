/**
 * Click-to-call over ARI: `POST /ari/channels?endpoint=…&context=…&extension=…&priority=1&formats=slin16` with
 * HTTP Basic auth (docs/click-to-call.md#how-a-click-to-call-goes), through Node's fetch. ARI is
 * stateless HTTP: 200 means Asterisk created the channel and rings it; there is no later event
 * without an ARI application's WebSocket, which click-to-call does not need.
 * @packageDocumentation
 */
import type { Logger } from '../log.js';
import { DIAL_ID_VARIABLE_SET, type OriginateRequest, type OriginateResult, type Originator } from './originator.js';

/** A request to ARI must be answered within this. */
export const ARI_REQUEST_TIMEOUT_MS = 5_000;
/** The background readiness check waits this long for `GET /ari/asterisk/ping`. */
export const ARI_PING_TIMEOUT_MS = 1_000;
/**
 * How often ARI is pinged in the background. `/readyz` and `/metrics` read the last answer: an
 * anonymous `/readyz` must never make a request to Asterisk (issue 15: 300 requests made 300
 * authenticated pings, and a slow ARI let anyone flip readiness).
 */
export const ARI_READY_INTERVAL_MS = 5_000;
/** How much of an ARI error's message reaches the log and the user. */
const MAX_DETAIL_CHARS = 200;

/** Where ARI is and as whom (from `ari_*` in the config). */
export interface AriOriginatorOptions {
  /** Asterisk's HTTP server, e.g. `http://127.0.0.1:8088` (the config checked it has no path). */
  readonly url: string;
  readonly username: string;
  /** Never logged. */
  readonly password: string;
  readonly log: Logger;
}

/** ARI's error bodies are `{"message": "…"}`; anything else is reported by status alone. */
async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as unknown;
    const message = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['message'] : undefined;
    return typeof message === 'string' ? message.slice(0, MAX_DETAIL_CHARS) : '';
  } catch {
    return '';
  }
}

/**
 * The ARI backend.
 * @example
 * const ari = new AriOriginator({ url: 'http://127.0.0.1:8088', username: 'gag', password, log });
 * await ari.originate({ dialId, channel: 'Local/2001@inhouse', context: 'outgoing', exten: '0312345678', callerId: undefined, timeoutMs: 60_000 });
 */
export class AriOriginator implements Originator {
  readonly backend = 'ari';
  /** ARI reports no later failure to a client without an application WebSocket. */
  onLateFailure: ((dialId: string, detail: string) => void) | undefined;
  /**
   * No keypad digits: `POST /ari/channels/{id}/dtmf` on a call's WebSocket channel answers 409
   * "Channel not in Stasis application" (Asterisk 23.4.1), and GAG's calls never enter Stasis.
   */
  readonly dtmf = undefined;
  readonly #base: URL;
  readonly #authorization: string;
  readonly #log: Logger;
  /** The last ping's answer; pending until the first one settles. */
  #ready: Promise<boolean> = Promise.resolve(false);
  #pingTimer: NodeJS.Timeout | undefined;

  constructor(options: AriOriginatorOptions) {
    this.#base = new URL('/ari/', options.url);
    this.#authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
    this.#log = options.log.child({ backend: 'ari' });
  }

  /** Ping ARI now and every {@link ARI_READY_INTERVAL_MS}; {@link AriOriginator.isReady} reads the answer. */
  start(): void {
    this.#ready = this.#ping();
    this.#pingTimer = setInterval(() => {
      const next = this.#ping();
      // Swapped in once answered, so a check in flight never makes readiness wait for Asterisk.
      void next.then(() => (this.#ready = next));
    }, ARI_READY_INTERVAL_MS);
    this.#pingTimer.unref();
  }

  async originate(request: OriginateRequest): Promise<OriginateResult> {
    const url = new URL('channels', this.#base);
    url.searchParams.set('endpoint', request.channel);
    url.searchParams.set('context', request.context);
    url.searchParams.set('extension', request.exten);
    url.searchParams.set('priority', '1');
    // Without `formats`, ARI gives the Local channel every slin rate and Asterisk 23 runs it at
    // 192 kHz: the agent then hears the far end 6 dB low and Playtones()/MixMonitor audio on the
    // far side is chopped (found by e2e/asterisk/click-to-call-ari.spec.ts). slin16 is the
    // browser leg's own rate; a trunk's codec is transcoded from it as with AMI's Local channel.
    url.searchParams.set('formats', 'slin16');
    // ARI's timeout is in whole seconds.
    url.searchParams.set('timeout', String(Math.max(1, Math.ceil(request.timeoutMs / 1_000))));
    if (request.callerId !== undefined) url.searchParams.set('callerId', request.callerId);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { Authorization: this.#authorization, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ variables: { [DIAL_ID_VARIABLE_SET]: request.dialId } }),
        signal: AbortSignal.timeout(ARI_REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      this.#log.warn({ host: this.#base.host, cause }, 'ari unreachable');
      return { ok: false, code: 'asterisk_unreachable', detail: `Asterisk's ARI at ${this.#base.host} did not answer (${cause})` };
    }
    if (res.ok) {
      await res.body?.cancel(); // the channel's JSON: nothing in it the gateway needs
      return { ok: true };
    }
    const message = await errorMessage(res);
    if (res.status === 401 || res.status === 403) {
      this.#log.error({ status: res.status }, 'ari refused the credentials: check ari_username and ari_password against ari.conf');
      return { ok: false, code: 'asterisk_login_failed', detail: `Asterisk refused the gateway's ARI credentials (HTTP ${res.status})` };
    }
    this.#log.warn({ status: res.status, message }, 'ari refused the originate');
    return { ok: false, code: 'originate_failed', detail: `Asterisk refused the originate (HTTP ${res.status}${message === '' ? '' : `: ${message}`})` };
  }

  /** The last background ping's answer (the first one is awaited): never a request of its own. */
  isReady(): Promise<boolean> {
    return this.#ready;
  }

  async #ping(): Promise<boolean> {
    try {
      const res = await fetch(new URL('asterisk/ping', this.#base), {
        headers: { Authorization: this.#authorization, Accept: 'application/json' },
        signal: AbortSignal.timeout(ARI_PING_TIMEOUT_MS),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    clearInterval(this.#pingTimer);
    return Promise.resolve();
  }
}
