/**
 * The floor: `../shared/bench/bare-relay.mjs`, the smallest correct Node relay of GoAstGateway's
 * protocol (ws both sides, TLS towards the browser), run as its own process from the same
 * goastgateway.json our gateway reads. It is copied next to the bench's build so that `ws` and
 * `jose` resolve from this repository's node_modules. `$GAG_BARE_RELAY` names another copy.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { delay } from './bounded.js';

/** Where the team keeps it, beside this repository. */
const DEFAULT_SOURCE = fileURLToPath(new URL('../../../shared/bench/bare-relay.mjs', import.meta.url));
const COPY_DIR = fileURLToPath(new URL('./floor/', import.meta.url));
const LISTEN_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
const STOP_TIMEOUT_MS = 5_000;

/** Every relay not yet exited, killed on the way out of the bench. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The bare relay's script, or undefined (with why) when this machine does not have it. */
export function bareRelaySource(): { path: string } | { missing: string } {
  const path = process.env.GAG_BARE_RELAY ?? DEFAULT_SOURCE;
  return existsSync(path) ? { path } : { missing: `${path} not found (set GAG_BARE_RELAY to bare-relay.mjs)` };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** What the bare relay needs from our side of the run. */
export interface BareRelayOptions {
  readonly source: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly secret: string;
  readonly origin: string;
}

/** A running bare relay: its URLs, its pid for `/proc`, and stop(). */
export class BareRelay {
  readonly asteriskUrl: string;
  readonly browserUrl: string;
  readonly #child: ChildProcess;
  readonly #dir: string;
  #exited = false;

  private constructor(child: ChildProcess, dir: string, asteriskPort: number, browserPort: number) {
    this.#child = child;
    this.#dir = dir;
    this.asteriskUrl = `ws://127.0.0.1:${asteriskPort}`;
    this.browserUrl = `wss://localhost:${browserPort}`;
    live.add(child);
    child.once('exit', () => {
      this.#exited = true;
      live.delete(child);
    });
  }

  static async start(options: BareRelayOptions): Promise<BareRelay> {
    mkdirSync(COPY_DIR, { recursive: true });
    const script = join(COPY_DIR, 'bare-relay.mjs');
    copyFileSync(options.source, script);
    const dir = mkdtempSync(join(tmpdir(), 'gag-bench-bare-'));
    const [asteriskPort, browserPort] = [await freePort(), await freePort()];
    const config = join(dir, 'goastgateway.json');
    writeFileSync(config, JSON.stringify({
      asterisk_addr: `127.0.0.1:${asteriskPort}`,
      browser_addr: `127.0.0.1:${browserPort}`,
      cert_file: options.certFile,
      key_file: options.keyFile,
      jwt_secret: options.secret,
      allowed_origins: [options.origin],
    }));
    // GAG_BENCH_BARE_FLAGS: Node flags for the bare relay alone (e.g. --cpu-prof to set its profile beside ours).
    const flags = (process.env.GAG_BENCH_BARE_FLAGS ?? '').split(' ').filter((f) => f !== '');
    const child = spawn(process.execPath, [...flags, script, '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
    const relay = new BareRelay(child, dir, asteriskPort, browserPort);
    const endMs = performance.now() + LISTEN_TIMEOUT_MS;
    while (!(await accepts(asteriskPort)) || !(await accepts(browserPort))) {
      if (relay.#exited || performance.now() > endMs) {
        relay.kill();
        throw new Error(`bare relay did not listen within ${LISTEN_TIMEOUT_MS} ms: ${stderr}`);
      }
      await delay(POLL_MS);
    }
    return relay;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** SIGTERM, then SIGKILL if it is still there after the bound. */
  async stop(): Promise<void> {
    if (!this.#exited) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }
}
