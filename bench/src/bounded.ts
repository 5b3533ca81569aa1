/**
 * Every wait in the bench has a bound: a promise with a deadline, polling a condition with a
 * deadline, and a pool that runs a bounded number of tasks at once.
 * @packageDocumentation
 */

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export function deadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Resolve true once `condition()` holds, false if it still does not after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const endMs = performance.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (performance.now() >= endMs) return false;
    await delay(pollMs);
  }
}

/** Wait `ms`: only for pacing a measurement window or a poll, never to let something happen. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Run `task(0 … count-1)` with at most `concurrency` in flight; resolves with every result
 * (a rejection is returned as its Error, so one failure does not stop the others).
 */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<Array<T | Error>> {
  const results: Array<T | Error> = new Array<T | Error>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      try {
        results[i] = await task(i);
      } catch (err) {
        results[i] = err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

/** What {@link opened} needs of a ws client: its open, error and refused-upgrade events. */
interface Opening {
  once(event: 'open', listener: () => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number }) => void): unknown;
  terminate(): void;
}

/** Resolve once the ws client `ws` is open; reject (and drop it) on an error, a refused upgrade, or after `timeoutMs`. */
export async function opened(ws: Opening, timeoutMs: number, what: string): Promise<void> {
  try {
    await deadline(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`${what} refused: HTTP ${res.statusCode ?? '?'}`)));
      }),
      timeoutMs,
      what,
    );
  } catch (err) {
    ws.terminate();
    throw err;
  }
}
