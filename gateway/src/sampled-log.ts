/**
 * Warn lines for refusals a peer can cause at any rate (connections over a limit, refused dials):
 * the first one of a quiet spell is logged at once, the rest are counted and logged as one line
 * per interval, so a flood writes a handful of lines, never one per refusal.
 * @packageDocumentation
 */
import type { Logger } from './log.js';

/** How often a {@link SampledWarn} writes its counts while refusals go on. */
export const LOG_SAMPLE_INTERVAL_MS = 10_000;

/**
 * One sampled warn line, `msg` with `{ counts: { kind: n }, intervalMs }` and the fields of the
 * latest refusal of the interval.
 * @example
 * const refusals = new SampledWarn(log, 'connections refused');
 * refusals.count('pending_per_ip', { ip });
 */
export class SampledWarn {
  readonly #log: Logger;
  readonly #msg: string;
  readonly #intervalMs: number;
  readonly #counts = new Map<string, number>();
  #fields: Readonly<Record<string, unknown>> = {};
  #timer: NodeJS.Timeout | undefined;

  constructor(log: Logger, msg: string, intervalMs = LOG_SAMPLE_INTERVAL_MS) {
    this.#log = log;
    this.#msg = msg;
    this.#intervalMs = intervalMs;
  }

  /** Count one refusal of `kind` (a fixed word); `fields` are data of this refusal (never a peer's object). */
  count(kind: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (this.#timer === undefined) {
      this.#log.warn({ ...fields, counts: { [kind]: 1 }, intervalMs: this.#intervalMs }, this.#msg);
      this.#schedule();
      return;
    }
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
    this.#fields = fields;
  }

  /** Write what is counted and stop the timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flush();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A quiet interval ends the spell: the next refusal is logged at once again.
      if (this.#flush()) this.#schedule();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Log the counts, if any; whether there were. */
  #flush(): boolean {
    if (this.#counts.size === 0) return false;
    this.#log.warn({ ...this.#fields, counts: Object.fromEntries(this.#counts), intervalMs: this.#intervalMs }, this.#msg);
    this.#counts.clear();
    this.#fields = {};
    return true;
  }
}
