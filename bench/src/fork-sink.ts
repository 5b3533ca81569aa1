/**
 * The parent's side of the fork sink (`fork-sink-process.ts`): start it, ask for its counts,
 * stop it. It is killed with the bench whatever the reason, as the gateway process is.
 * @packageDocumentation
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deadline } from './bounded.js';
import type { ForkSinkCounts, SinkMessage, SinkRequest } from './fork-sink-process.js';

export type { ForkSinkCounts } from './fork-sink-process.js';

const CHILD_PATH = fileURLToPath(new URL('./fork-sink-process.js', import.meta.url));
const START_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Every sink not yet exited, killed on the way out of the parent. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A fork receiver in its own process, reading everything the gateway's forks send.
 * @example
 * const sink = await ForkSink.start();
 * // gateway config: { fork_url: sink.url, fork_all_calls: true, fork_format: 'binary' }
 * const { mediaFrames, sequenceGaps } = await sink.counts();
 * await sink.stop();
 */
export class ForkSink {
  /** The `fork_url` to give the gateway. */
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (counts: ForkSinkCounts) => void>();
  #nextId = 0;
  #exited = false;

  private constructor(child: ChildProcess, url: string) {
    this.#child = child;
    this.url = url;
    child.on('message', (raw) => {
      const message = raw as SinkMessage;
      if (message.type !== 'counts') return;
      this.#pending.get(message.id)?.(message.counts);
      this.#pending.delete(message.id);
    });
    child.on('error', () => undefined); // a send on a closing channel; the exit is what matters
    child.once('exit', () => {
      this.#exited = true;
      live.delete(child);
    });
  }

  static async start(): Promise<ForkSink> {
    const child = fork(CHILD_PATH, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    live.add(child);
    try {
      const ready = await deadline(
        new Promise<Extract<SinkMessage, { type: 'ready' }>>((resolve, reject) => {
          child.on('message', (m) => (m as SinkMessage).type === 'ready' && resolve(m as Extract<SinkMessage, { type: 'ready' }>));
          child.once('exit', (code) => reject(new Error(`fork sink exited (${code}) before ready`)));
        }),
        START_TIMEOUT_MS,
        'fork sink ready',
      );
      return new ForkSink(child, ready.url);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** What it has read so far. */
  counts(): Promise<ForkSinkCounts> {
    if (this.#exited) return Promise.reject(new Error('the fork sink has exited'));
    const id = ++this.#nextId;
    const answer = new Promise<ForkSinkCounts>((resolve) => this.#pending.set(id, resolve));
    this.#child.send({ type: 'counts', id } satisfies SinkRequest);
    return deadline(answer, REQUEST_TIMEOUT_MS, 'fork sink counts').finally(() => this.#pending.delete(id));
  }

  /** Close the channel (the sink exits on it); killed if still there after the bound. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
