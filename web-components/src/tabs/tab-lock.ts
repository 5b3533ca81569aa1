/**
 * The Web Lock that makes one tab of the browser the one holding a phone's connection. The
 * browser releases it when the tab closes or crashes, and grants it to the next tab in line.
 * @packageDocumentation
 */

/** What the lock tells its owner. */
export interface TabLockCallbacks {
  /** The lock is ours now (from the line, or taken with `steal()`). */
  granted(): void;
  /** Another tab took the lock from us (`steal()` there). */
  stolen(): void;
}

/**
 * One tab's hold on a named Web Lock: wait in line for it, take it from the tab holding it,
 * let it go.
 * @example
 * const lock = new TabLock(navigator.locks, 'gag-phone:wss://gw:8766:2001', { granted: lead, stolen: follow });
 * lock.queue();
 */
export class TabLock {
  readonly #locks: LockManager;
  readonly #name: string;
  readonly #callbacks: TabLockCallbacks;
  /** The request that counts; a grant or an error of an older one is ignored. */
  #attempt: object | undefined;
  #leaveLine: AbortController | undefined;
  #letGo: (() => void) | undefined;

  constructor(locks: LockManager, name: string, callbacks: TabLockCallbacks) {
    this.#locks = locks;
    this.#name = name;
    this.#callbacks = callbacks;
  }

  /** Whether this tab holds the lock. */
  get held(): boolean {
    return this.#letGo !== undefined;
  }

  /** Wait in line for the lock (nothing if waiting or holding already). */
  queue(): void {
    if (this.#attempt !== undefined) return;
    this.#leaveLine = new AbortController();
    this.#request({ signal: this.#leaveLine.signal });
  }

  /** Take the lock at once from the tab holding it (that tab gets `stolen`), leaving the line. */
  steal(): void {
    if (this.held) return;
    this.#leaveLine?.abort();
    this.#request({ steal: true });
  }

  /** Let go of the lock, or leave the line: the next tab in line gets it. */
  release(): void {
    this.#attempt = undefined;
    this.#leaveLine?.abort();
    this.#leaveLine = undefined;
    const letGo = this.#letGo;
    this.#letGo = undefined;
    letGo?.();
  }

  #request(options: LockOptions): void {
    const attempt = {};
    this.#attempt = attempt;
    this.#locks
      .request(this.#name, options, () => {
        if (this.#attempt !== attempt) return undefined; // left the line meanwhile: let go at once
        this.#leaveLine = undefined;
        const held = new Promise<void>((resolve) => (this.#letGo = resolve));
        this.#callbacks.granted();
        return held;
      })
      .catch(() => {
        // AbortError: stolen while held, or the line left on purpose (ignored: not the current attempt).
        if (this.#attempt !== attempt || this.#letGo === undefined) return;
        this.#attempt = undefined;
        this.#letGo = undefined;
        this.#callbacks.stolen();
      });
  }
}
