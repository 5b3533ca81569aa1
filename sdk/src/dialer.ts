/**
 * Click-to-call from the browser: `dial` requests and their answers (`dialing` / `dial_failed`),
 * matched by `requestId`. The call back then arrives as an ordinary `incoming` marked `outbound`.
 * @packageDocumentation
 */
import { GagError } from './errors.js';
import { API_DIAL_REQUEST_ID, type DialErrorCode } from './protocol.js';

/**
 * How long a `dial` waits for the gateway's answer; then it fails with a {@link DialError} whose `reason` is `timeout`.
 * @example spinner.title = `Calling… (up to ${DIAL_TIMEOUT_MS / 1000} s)`;
 */
export const DIAL_TIMEOUT_MS = 10_000;
/** How many of this client's accepted dial ids are remembered, to know their call backs. */
export const OWN_DIALS_KEPT = 32;

/**
 * A click-to-call the gateway refused or could not start (code `GAG_DIAL_FAILED`).
 * @example
 * try { await client.dial('0312345678'); } catch (e) { if (e instanceof DialError && e.reason === 'number_not_allowed') showNotAllowed(); }
 */
export class DialError extends GagError {
  override name = 'DialError';
  /** The gateway's reason, e.g. `number_not_allowed`; `timeout` when no answer came. */
  readonly reason: DialErrorCode | 'timeout';
  constructor(reason: DialErrorCode | 'timeout', message: string) {
    super('GAG_DIAL_FAILED', message);
    this.reason = reason;
  }
}

/**
 * What an accepted `dial` tells.
 * @example
 * const { dialId, number } = await client.dial('03-1234-5678');
 * client.on('incoming', (call) => { if (call.dialId === dialId) showCalling(number); });
 */
export interface Dialing {
  /** Matches `call.dialId` of the call back. */
  readonly dialId: string;
  /** The number as the gateway will dial it. */
  readonly number: string;
}

interface Pending {
  readonly resolve: (dialing: Dialing) => void;
  readonly reject: (error: DialError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The `dial` requests in flight on one connection.
 * @internal
 */
export class DialRequests {
  #next = 0;
  readonly #pending = new Map<string, Pending>();
  /** The request ids this client sent and the dial ids the gateway accepted, oldest first (bounded). */
  readonly #asked: string[] = [];
  readonly #accepted: string[] = [];

  /**
   * Whether a call back answers a `dial` of this client — its `incoming` echoes one of our request
   * ids (it may come before the `dialing`), or carries a dial id the gateway gave us: only such a
   * call back may be answered by itself. One started elsewhere (the operations API, another
   * device of the extension) rings like any call.
   */
  isOwn(dialId: string | null | undefined, requestId: string | undefined): boolean {
    // API_DIAL_REQUEST_ID: `POST /api/calls` named this very session (only it knows its id).
    if (requestId === API_DIAL_REQUEST_ID) return true;
    return (requestId !== undefined && this.#asked.includes(requestId)) || (dialId !== null && dialId !== undefined && this.#accepted.includes(dialId));
  }

  static #keep(list: string[], id: string): void {
    list.push(id);
    if (list.length > OWN_DIALS_KEPT) list.shift();
  }

  /** Send a `dial` with `send`; resolves on `dialing`, rejects with {@link DialError}. */
  request(send: (requestId: string) => void): Promise<Dialing> {
    const requestId = `d${++this.#next}`;
    DialRequests.#keep(this.#asked, requestId);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.failed(requestId, 'timeout', 'no answer from the gateway'), DIAL_TIMEOUT_MS);
      this.#pending.set(requestId, { resolve, reject, timer });
      send(requestId);
    });
  }

  /** The gateway accepted `requestId`. */
  dialing(requestId: string, dialing: Dialing): void {
    const p = this.#take(requestId);
    if (p === undefined) return;
    DialRequests.#keep(this.#accepted, dialing.dialId);
    p.resolve(dialing);
  }

  /** The gateway refused `requestId` (or no answer came). */
  failed(requestId: string, reason: DialErrorCode | 'timeout', message: string): void {
    this.#take(requestId)?.reject(new DialError(reason, message));
  }

  /** The connection closed: every request in flight fails. */
  cancelAll(): void {
    for (const id of [...this.#pending.keys()]) this.failed(id, 'timeout', 'the connection to the gateway closed');
  }

  #take(requestId: string): Pending | undefined {
    const p = this.#pending.get(requestId);
    if (p === undefined) return undefined;
    this.#pending.delete(requestId);
    clearTimeout(p.timer);
    return p;
  }
}
