/**
 * A real redis-server (Debian's `redis-server`, or `$GAG_REDIS_SERVER`) for the cluster tests: on
 * loopback, a free port, no persistence, in a temp folder; stopped (SIGKILL, as a crash) and
 * started again on the same port to test a Redis restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The program: `$GAG_REDIS_SERVER`, or `redis-server` on PATH (e2e/scripts/redis.mjs installs Debian's); undefined without one. */
export const REDIS_SERVER: string | undefined = process.env['GAG_REDIS_SERVER'] ?? onPath('redis-server');

/**
 * Whether the cluster tests run: with a redis-server, and always on CI (where a missing one fails them).
 * @example describe.skipIf(!WITH_REDIS)('the cluster', () => { … });
 */
export const WITH_REDIS = REDIS_SERVER !== undefined || process.env['CI'] === 'true';

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

/** A running (or stopped) redis-server. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Kill it (SIGKILL): everything in it is lost, as in a crash without persistence. */
  kill(): Promise<void>;
  /** Start it again on the same port (empty). */
  start(): Promise<void>;
  /** Kill it and remove its folder. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Start a redis-server; resolves once it accepts connections (10 s at most). */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gag-redis-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const proc = spawn(REDIS_SERVER ?? 'redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s: ${output}`)), 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (!output.includes('Ready to accept connections')) return;
        clearTimeout(timer);
        resolve();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.once('error', (err) => (clearTimeout(timer), reject(err)));
      proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}): ${output}`))));
    });
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    close: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
