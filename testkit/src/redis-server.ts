/**
 * A real redis-server for the cluster tests, specs and bench (issue 17): Debian's `redis-server`
 * (`node e2e/scripts/redis.mjs` installs it) or `$GAG_REDIS_SERVER`, on 127.0.0.1, with no
 * persistence (`--save ''`, `--appendonly no`) and a temp folder of its own. It is ready when it
 * prints "Ready to accept connections"; it can be killed (SIGKILL, a crash: everything in it is
 * lost) and started again on the same port, empty.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isRunning, stopProcess, untilReadyLine, type PipedChild } from './child-process.js';

/** How long a redis-server may take to accept connections. */
const READY_TIMEOUT_MS = 10_000;

/**
 * The program: `$GAG_REDIS_SERVER`, or `redis-server` on PATH or in /usr/bin (as
 * e2e/scripts/redis.mjs finds it); undefined without one.
 */
export const REDIS_SERVER: string | undefined = envProgram('GAG_REDIS_SERVER') ?? onPath('redis-server');

/**
 * Whether the cluster tests run: with a redis-server, and always on CI (where a missing one fails them).
 * @example describe.skipIf(!WITH_REDIS)('the cluster', () => { … });
 */
export const WITH_REDIS = REDIS_SERVER !== undefined || process.env['CI'] === 'true';

function envProgram(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function onPath(name: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(delimiter), '/usr/bin']) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServerOptions {
  /**
   * Its port on 127.0.0.1; by default a free one. Fix it when something must know the URL before
   * Redis is up (the e2e fixtures' gateway, which joins once it is).
   */
  readonly port?: number;
}

/**
 * A redis-server on a port of its own, not started until {@link RedisServer.start}: started,
 * killed and started again as a test needs. {@link startRedisServer} makes one and starts it.
 * @example
 * const redis = new RedisServer({ port: 20_123 });
 * await redis.start();
 * await redis.kill(); // a crash
 * await redis.start(); // back, empty, on the same port
 * await redis.close();
 */
export class RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  #dir: string | undefined;
  #child: PipedChild | undefined;

  constructor(options: { readonly port: number }) {
    this.port = options.port;
    this.url = `redis://127.0.0.1:${options.port}`;
  }

  /**
   * Its process id while it runs (the bench reads its CPU in /proc).
   * @throws Error when it is not running.
   */
  get pid(): number {
    if (this.#child === undefined || !isRunning(this.#child)) throw new Error(`redis-server on port ${this.port} is not running`);
    return this.#child.pid!;
  }

  /**
   * Start it, or start it again (empty) on the same port; resolves once it accepts connections.
   * @throws Error when it is running already, or does not start within 10 s (it is killed then).
   */
  async start(): Promise<void> {
    if (this.#child !== undefined && isRunning(this.#child)) throw new Error(`redis-server on port ${this.port} is running already`);
    this.#dir ??= mkdtempSync(join(tmpdir(), 'gag-redis-'));
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.#dir];
    const child = spawn(REDIS_SERVER ?? 'redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    await untilReadyLine(child, {
      what: `redis-server on port ${this.port}`,
      isReady: (line) => line.includes('Ready to accept connections'),
      timeoutMs: READY_TIMEOUT_MS,
      hint: "node e2e/scripts/redis.mjs installs Debian's, or set GAG_REDIS_SERVER",
    });
  }

  /** Kill it with SIGKILL (a crash: everything in it is lost); resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.#child !== undefined) await stopProcess(this.#child, 'SIGKILL');
  }

  /**
   * Stop it, with SIGKILL unless `signal` says otherwise (the bench ends it with SIGTERM), and
   * remove its folder.
   */
  async close(options: { readonly signal?: NodeJS.Signals } = {}): Promise<void> {
    if (this.#child !== undefined) await stopProcess(this.#child, options.signal ?? 'SIGKILL');
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}

/**
 * A started redis-server, on `options.port` or a free port; resolves once it accepts
 * connections (10 s at most; otherwise it rejects, leaving no process and no folder behind).
 * @example
 * const redis = await startRedisServer();
 * try { … redis.url … } finally { await redis.close(); }
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const server = new RedisServer({ port: options.port ?? (await freePort()) });
  try {
    await server.start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}
