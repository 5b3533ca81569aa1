/**
 * When the client tries again after the connection dropped: the policy's back-off, paused while
 * the browser is offline (no attempts spent on a dead network), cut short when it comes back.
 * @packageDocumentation
 */
import { networkOnline, watchNetwork } from './network-watch.js';
import type { ReconnectPolicy } from './reconnect-policy.js';

/** What the loop asks of its client. */
export interface ReconnectHooks {
  /** An attempt is scheduled after `delayMs` (0: now). Runs before {@link ReconnectHooks.attempt}. */
  scheduled(info: { attempt: number; delayMs: number }): void;
  /** Make one attempt now; its failure comes back as {@link ReconnectLoop.dropped}. */
  attempt(): void;
}

/**
 * The reconnect loop of one client. Its one timer and its window listeners live from
 * {@link ReconnectLoop.start} to {@link ReconnectLoop.stop}.
 * @example
 * const loop = new ReconnectLoop(new DefaultReconnectPolicy(), { scheduled: (i) => emit('reconnecting', i), attempt: () => open() });
 * loop.start();                  // connect()
 * loop.connected();              // welcome
 * if (!loop.dropped(1006)) goOffline();
 * loop.stop();                   // disconnect()
 * @internal
 */
export class ReconnectLoop {
  readonly #policy: ReconnectPolicy;
  readonly #hooks: ReconnectHooks;
  readonly #nowMs: () => number;
  #retryCount = 0;
  #droppedAtMs: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Between a drop and the next attempt (on the timer, or paused for the network). */
  #waiting = false;
  #networkDown = false;
  /** When the wait paused for the network: that time does not count as elapsed for the policy. */
  #pausedAtMs: number | undefined;
  #unwatch: (() => void) | undefined;

  constructor(policy: ReconnectPolicy, hooks: ReconnectHooks, nowMs: () => number = Date.now) {
    this.#policy = policy;
    this.#hooks = hooks;
    this.#nowMs = nowMs;
  }

  /** Whether it waits for the browser to be online again. */
  get paused(): boolean {
    return this.#waiting && this.#pausedAtMs !== undefined;
  }

  /** connect(): follow the browser's network until {@link ReconnectLoop.stop}. */
  start(): void {
    this.#networkDown = !networkOnline();
    this.#unwatch ??= watchNetwork((online) => this.#onNetwork(online));
  }

  /** Logged in: the next drop starts the back-off afresh. */
  connected(): void {
    this.#retryCount = 0;
    this.#droppedAtMs = undefined;
    this.#pausedAtMs = undefined;
  }

  /**
   * The connection (or an attempt) closed with `closeCode`: schedule the next attempt, or pause
   * while offline. Returns false when the policy gives up.
   */
  dropped(closeCode: number): boolean {
    const now = this.#nowMs();
    this.#droppedAtMs ??= now;
    if (this.#networkDown) {
      this.#pausedAtMs ??= now;
      this.#waiting = true;
      return true;
    }
    const delayMs = this.#policy.nextRetryDelayMs({ retryCount: this.#retryCount, elapsedMs: now - this.#droppedAtMs, closeCode });
    if (delayMs === null) return false;
    this.#retryCount++;
    this.#waiting = true;
    this.#hooks.scheduled({ attempt: this.#retryCount, delayMs });
    this.#timer = setTimeout(() => this.#attemptNow(), delayMs);
    return true;
  }

  /** disconnect() or given up: clear the timer, remove the listeners. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waiting = false;
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.connected();
  }

  /** Only the wait between attempts changes; an attempt in flight runs its course. */
  #onNetwork(online: boolean): void {
    this.#networkDown = !online;
    if (!this.#waiting) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#nowMs();
    if (!online) {
      this.#pausedAtMs ??= now;
      return;
    }
    if (this.#pausedAtMs !== undefined && this.#droppedAtMs !== undefined) this.#droppedAtMs += now - this.#pausedAtMs;
    this.#pausedAtMs = undefined;
    this.#retryCount++;
    this.#hooks.scheduled({ attempt: this.#retryCount, delayMs: 0 });
    this.#attemptNow();
  }

  #attemptNow(): void {
    this.#timer = undefined;
    this.#waiting = false;
    this.#hooks.attempt();
  }
}
