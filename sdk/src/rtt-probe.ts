/**
 * Round-trip time to the gateway, with the `ping`/`pong` control messages (the browser's
 * WebSocket hides protocol-level ping frames). Used only with a gateway that lists `ping` in
 * `welcome.features`.
 * @packageDocumentation
 */

interface Pending {
  readonly sentAtMs: number;
  readonly resolve: (rttMs: number | null) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly cleanup: () => void;
}

/**
 * Numbers pings, times their pongs, and gives up on a ping after a timeout. Every timer it sets is
 * cleared by the pong, the timeout or {@link RttProbe.cancelAll}.
 * @example
 * const rttMs = await probe.ping((id) => socket.send(encodeClientMessage({ type: 'ping', id })), 2_000);
 * // on { type: 'pong', id }: probe.pong(id);
 * @internal
 */
export class RttProbe {
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #nowMs: () => number;

  constructor(nowMs: () => number = () => performance.now()) {
    this.#nowMs = nowMs;
  }

  /**
   * Send a ping with `send`; resolves the round trip in ms, or null without a pong within
   * `timeoutMs` or once `signal` aborts.
   */
  ping(send: (id: number) => void, timeoutMs: number, signal?: AbortSignal): Promise<number | null> {
    if (signal?.aborted === true) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle(id, null), timeoutMs);
      const onAbort = (): void => this.#settle(id, null);
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => signal?.removeEventListener('abort', onAbort);
      this.#pending.set(id, { sentAtMs: this.#nowMs(), resolve, timer, cleanup });
      send(id);
    });
  }

  /** A pong arrived; an unknown or late id is ignored. */
  pong(id: number): void {
    const pending = this.#pending.get(id);
    if (pending !== undefined) this.#settle(id, Math.max(0, this.#nowMs() - pending.sentAtMs));
  }

  /** The connection closed: every waiting ping resolves null. */
  cancelAll(): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, null);
  }

  #settle(id: number, rttMs: number | null): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.cleanup();
    pending.resolve(rttMs);
  }
}
