/**
 * The phone's connection: a `GagClient` that keeps trying. The SDK reconnects by itself after a
 * drop; this adds what it leaves to the app: trying again when the first connection failed (the
 * gateway was down or unreachable when the page loaded), and connecting afresh after a close the
 * SDK does not retry (e.g. the token was refused): the new attempt gets a fresh token, and if it
 * is refused too, the failure says why.
 * @packageDocumentation
 */
import { DefaultReconnectPolicy, GagClient, type Call, type ConnectionState } from '@gag/sdk';
import { errorKind } from './error-kind.js';

/** A close without a status (RFC 6455): what an unreachable gateway looks like to the policy. */
const CLOSE_NO_STATUS = 1006;

/** What the phone hears from its connection. */
export interface ConnectionHooks {
  /** The state to show: the SDK's, or `reconnecting` while this waits to try again. */
  state(state: ConnectionState): void;
  incoming(call: Call): void;
  /** The ringtone was blocked until a click (`client.unlockAudio()`). */
  audioBlocked(): void;
  /** An attempt failed; `retrying` says whether another one follows by itself. */
  failed(error: unknown, retrying: boolean): void;
}

/**
 * One client and its retries, from {@link PhoneConnection.start} to {@link PhoneConnection.close}.
 * Retries wait as the SDK's `DefaultReconnectPolicy` says (0 s, then 0.5 s growing to 15 s, with
 * jitter); the count is never reset, so a gateway that keeps closing is asked less and less often.
 * @throws GagError `GAG_OPTIONS_INVALID` from the constructor for a bad `url`.
 * @example
 * const connection = new PhoneConnection({ url: server, getToken }, hooks);
 * connection.start();
 * // later
 * connection.close();
 */
export class PhoneConnection {
  readonly client: GagClient;
  readonly #hooks: ConnectionHooks;
  readonly #policy = new DefaultReconnectPolicy();
  readonly #startedAtMs = Date.now();
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempting = false;
  #closed = false;

  constructor(options: { url: string; getToken: () => Promise<string> }, hooks: ConnectionHooks) {
    // `server` may name the nodes of a cluster, separated by spaces: the SDK tries them in turn.
    const urls = options.url.trim().split(/\s+/);
    this.client = new GagClient({ ...options, url: urls.length === 1 ? urls[0]! : urls });
    this.#hooks = hooks;
    this.client.on('state', (state) => {
      if (this.#attempting && state === 'offline') return; // the attempt's failure decides what to show
      if (state === 'offline') return this.#later(); // a close the SDK does not retry
      hooks.state(state === 'connecting' && this.#retries > 0 ? 'reconnecting' : state);
    });
    this.client.on('incoming', (call) => hooks.incoming(call));
    this.client.on('audioBlocked', () => hooks.audioBlocked());
  }

  start(): void {
    this.#timer = undefined;
    this.#attempting = true;
    this.client.connect().then(
      () => void (this.#attempting = false),
      (e: unknown) => {
        this.#attempting = false;
        if (this.#closed) return;
        // Unreachable (or the token server failed for a moment), or the page refused (until the
        // administrator allows its origin, which a reload of the gateway's config does): try
        // again. A refused token would be refused again.
        const kind = errorKind(e);
        const retrying = kind === 'unreachable' || kind === 'refused';
        if (retrying) this.#later();
        else this.#hooks.state('offline');
        this.#hooks.failed(e, retrying);
      },
    );
  }

  /** Stop for good: no more attempts, the client disconnected and silent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.client.removeAllListeners();
    this.client.disconnect();
  }

  #later(): void {
    const context = { retryCount: this.#retries++, elapsedMs: Date.now() - this.#startedAtMs, closeCode: CLOSE_NO_STATUS };
    this.#hooks.state('reconnecting');
    this.#timer = setTimeout(() => this.start(), this.#policy.nextRetryDelayMs(context) ?? 0);
  }
}
