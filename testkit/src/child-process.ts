/**
 * What the test kit's launchers of real processes (`redis-server.ts`, `gateway-process.ts`)
 * share: wait for the line a child prints once it is ready (never a sleep), bounded, and failing
 * with the end of what it printed when it exits first; and stop it with a signal, waiting until
 * it is gone. Internal to the kit: not a package export.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/** A child spawned with its stdout and stderr piped. */
export type PipedChild = ChildProcess & { readonly stdout: Readable; readonly stderr: Readable };

/** How much of a child's output a failure message quotes. */
const TAIL_CHARS = 2_000;

export interface ReadyLineOptions {
  /** Names the child in failure messages, e.g. `redis-server on port 6390`. */
  readonly what: string;
  /** Whether a line of its stdout says it is ready. */
  readonly isReady: (line: string) => boolean;
  /** How long it may take; then it is killed (SIGKILL) and the wait fails. */
  readonly timeoutMs: number;
  /** Every other line of its stdout, before and after the ready line, as it comes. */
  readonly onLine?: (line: string) => void;
  /** Added to a failure message: how to fix it. */
  readonly hint?: string;
}

/**
 * Resolves with `child`'s ready line. Rejects, and kills `child` if it still runs, when it exits
 * (or fails to start) first or after `timeoutMs`; the message ends with the last of its stdout
 * and stderr. Both streams are read for as long as the child runs, so it never blocks on a full pipe.
 * @example const line = await untilReadyLine(child, { what: 'redis-server', isReady: (l) => l.includes('Ready'), timeoutMs: 10_000 });
 */
export function untilReadyLine(child: PipedChild, options: ReadyLineOptions): Promise<string> {
  const { what, isReady, timeoutMs, onLine, hint } = options;
  let tail = '';
  const note = (text: string): void => {
    tail = (tail + text).slice(-TAIL_CHARS);
  };
  child.stderr.on('data', (chunk: Buffer) => note(chunk.toString()));
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      child.off('close', onClose);
      child.off('error', onError);
      return true;
    };
    const fail = (why: string): void => {
      if (!settle()) return;
      if (isRunning(child)) child.kill('SIGKILL');
      reject(new Error(`${what} ${why}${hint === undefined ? '' : ` (${hint})`}${tail === '' ? '' : `:\n${tail}`}`));
    };
    // `close`, not `exit`: it comes after the last of its output has been read, so the message has it.
    const onClose = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited (${code ?? signal ?? '?'}) before it was ready`);
    const onError = (err: Error): void => fail(`did not start: ${err.message}`);
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    child.once('close', onClose);
    child.once('error', onError);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!settled && isReady(line)) {
        settle();
        resolve(line);
        return;
      }
      note(`${line}\n`);
      onLine?.(line);
    });
  });
}

/** Whether `child` was started and has not exited. */
export const isRunning = (child: ChildProcess): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null;

/**
 * Send `signal` to `child` and resolve once it has exited; at once when it is gone already.
 * @example await stopProcess(child, 'SIGKILL'); // a crash
 */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
