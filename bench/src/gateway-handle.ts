/**
 * The parent's side of the gateway process: fork it, wait for `ready`, ask for snapshots over
 * IPC, stop it. Every child is killed if the bench fails or exits, whatever the reason.
 * @packageDocumentation
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildArgs, ChildMessage, GatewaySnapshot, ReadyMessage, RequestOp } from './ipc.js';

const CHILD_PATH = fileURLToPath(new URL('./gateway-process.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;
/** Lines of the child's stderr kept for the error message of a crash. */
const STDERR_TAIL_LINES = 20;

const UNIT = fileURLToPath(new URL('../../gateway/systemd/gag-gateway.service', import.meta.url));

/**
 * The Node flags the gateway runs with as deployed: the systemd unit's NODE_OPTIONS (measure what
 * is deployed), or `$GAG_BENCH_NODE_FLAGS` when set (e.g. '' for Node's defaults, to compare).
 */
export function deployedNodeFlags(): string[] {
  const flags = process.env.GAG_BENCH_NODE_FLAGS ?? /^Environment=NODE_OPTIONS=(.*)$/m.exec(readFileSync(UNIT, 'utf8'))?.[1] ?? '';
  return flags.split(' ').filter((f) => f !== '');
}

/** Every child not yet exited, killed on the way out of the parent. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface GatewayHandleOptions {
  /** Run the child with `--cpu-prof`, writing the profile into this directory. */
  readonly cpuProfileDir?: string;
  /** Origins the gateway allows besides the bench's own (a page a real browser loads). */
  readonly extraOrigins?: readonly string[];
  /** goastgateway.json keys over the bench's dev defaults (e.g. `cert_file`, `key_file`, `browser_packet_ms`). */
  readonly config?: Readonly<Record<string, unknown>>;
}

export class GatewayHandle {
  readonly ready: ReadyMessage;
  /** Warn/error lines the gateway logged, counted by `msg`. */
  readonly logCounts = new Map<string, number>();
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (s: GatewaySnapshot | undefined) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  readonly #stderr: string[];
  #nextId = 0;
  #exited = false;

  private constructor(child: ChildProcess, ready: ReadyMessage, stderr: string[]) {
    this.#child = child;
    this.ready = ready;
    this.#stderr = stderr;
    child.on('message', (raw) => {
      const message = raw as ChildMessage;
      if (message.type !== 'response') return;
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error !== undefined) pending.reject(new Error(`gateway process: ${message.error}`));
      else pending.resolve(message.snapshot);
    });
    // A send on a channel that just closed reports here; the exit handler rejects what is pending.
    child.on('error', () => undefined);
    child.stdout?.setEncoding('utf8');
    let partial = '';
    child.stdout?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.#countLogLine(line);
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      live.delete(child);
      const err = new Error(`gateway process exited (${signal ?? code}): ${this.#stderr.join('\n')}`);
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.#pending.clear();
    });
  }

  /** Fork the gateway process and wait until it listens. */
  static async start(options: GatewayHandleOptions = {}): Promise<GatewayHandle> {
    const execArgv = ['--expose-gc', ...deployedNodeFlags()];
    if (options.cpuProfileDir !== undefined) execArgv.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir);
    const args: ChildArgs = { extraOrigins: options.extraOrigins ?? [], config: options.config ?? {} };
    const child = fork(CHILD_PATH, [JSON.stringify(args)], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    live.add(child);
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr.push(...chunk.split('\n').filter((l) => l !== ''));
      stderr.splice(0, Math.max(0, stderr.length - STDERR_TAIL_LINES));
    });
    try {
      const ready = await new Promise<ReadyMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`gateway process not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        child.on('message', (m) => {
          if ((m as ChildMessage).type !== 'ready') return;
          clearTimeout(timer);
          resolve(m as ReadyMessage);
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`gateway process exited (${code}) before ready: ${stderr.join('\n')}`));
        });
      });
      return new GatewayHandle(child, ready, stderr);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async snapshot(): Promise<GatewaySnapshot> {
    return (await this.#request('snapshot'))!;
  }

  /** Force two full GCs in the gateway, then a snapshot. */
  async gc(): Promise<GatewaySnapshot> {
    return (await this.#request('gc'))!;
  }

  async resetLoopDelay(): Promise<void> {
    await this.#request('reset-loop-delay');
  }

  /** Ask the gateway to close and exit; killed if it has not within the bound. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.#request('stop').catch(() => undefined);
    const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Kill at once (on an error path). */
  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  #request(op: RequestOp): Promise<GatewaySnapshot | undefined> {
    if (this.#exited) return Promise.reject(new Error(`gateway process has exited: ${this.#stderr.join('\n')}`));
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`gateway process did not answer '${op}' within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ type: 'request', id, op });
    });
  }

  #countLogLine(line: string): void {
    if (line === '') return;
    let msg = line;
    try {
      const parsed = JSON.parse(line) as { msg?: unknown; level?: unknown };
      msg = `${String(parsed.level)}:${String(parsed.msg)}`;
    } catch {
      // not pino JSON: count the raw line
    }
    this.logCounts.set(msg, (this.logCounts.get(msg) ?? 0) + 1);
  }
}
