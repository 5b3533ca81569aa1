/**
 * The built gateway in a child process of its own (`gateway-child.mjs`), for what a gateway in
 * the test's own process cannot do: be killed with a signal (a crash, a restart), run under limits
 * of its own (`ulimit -n`, `ulimit -f`), or be one more node of a cluster. Its listeners are on
 * 127.0.0.1 port 0; it is ready when it prints its URLs, and every other line it prints (its JSON
 * log lines) is kept.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess, untilReadyLine, type PipedChild } from './child-process.js';

/**
 * The launcher, as JavaScript Node runs without a build step. Both src/gateway-process.ts (vitest
 * reads the kit's sources) and dist/gateway-process.js sit one folder below the kit, next to src/.
 */
const LAUNCHER = fileURLToPath(new URL('../src/gateway-child.mjs', import.meta.url));
/** How long a gateway may take to print its URLs. */
const START_TIMEOUT_MS = 10_000;

export interface GatewayChildOptions {
  /**
   * Its config (`devConfig` overrides, as in goastgateway.json). `asterisk_addr` and
   * `browser_addr` default to `127.0.0.1:0`, `log_level` to `warn`.
   */
  readonly config: Readonly<Record<string, unknown>>;
  /** Its groups, as in gag_groups.json. */
  readonly groups?: unknown;
  /** Shell words run first, in a bash that then execs the gateway, e.g. `ulimit -n 256 &&`. */
  readonly shell?: string;
  /** Every line it prints but its URLs, as it comes (e.g. to pass its log lines on). */
  readonly onLine?: (line: string) => void;
}

/** A gateway in a child process, started. */
export interface GatewayChild {
  /** Where a fake Asterisk dials it. */
  readonly asteriskUrl: string;
  /** Its browser side (`ws://127.0.0.1:<port>`). */
  readonly browserUrl: string;
  /** The process, to signal (`SIGSTOP`, `SIGCONT`, a `SIGKILL` not waited for). */
  readonly child: PipedChild;
  /** Every line it has printed but its URLs: its log lines, JSON. */
  readonly lines: readonly string[];
  /** Send `signal` (SIGTERM: it closes; SIGKILL: a crash) and resolve once it has exited; at once when it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Start a gateway in a child process; resolves once it listens (10 s at most; otherwise it is
 * killed and this rejects with the end of what it printed). Stopping it is the caller's: `stop()`.
 * @example
 * const gw = await startGatewayChild({ config: { allowed_origins: [TEST_ORIGIN], jwt_secret: TEST_SECRET }, shell: 'ulimit -n 256 &&' });
 * try { … gw.browserUrl … } finally { await gw.stop(); }
 */
export async function startGatewayChild(options: GatewayChildOptions): Promise<GatewayChild> {
  const config = { asterisk_addr: '127.0.0.1:0', browser_addr: '127.0.0.1:0', log_level: 'warn', ...options.config };
  const args = [LAUNCHER, JSON.stringify(config), ...(options.groups === undefined ? [] : [JSON.stringify(options.groups)])];
  // With `shell`, bash runs it and then execs node in its own place: a signal reaches the gateway.
  const child =
    options.shell === undefined
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `${options.shell} exec "$0" "$@"`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const ready = await untilReadyLine(child, {
    what: 'gateway child',
    isReady: (line) => line.startsWith('{"asteriskUrl"'),
    timeoutMs: START_TIMEOUT_MS,
    onLine: (line) => {
      lines.push(line);
      options.onLine?.(line);
    },
  });
  const urls = JSON.parse(ready) as { asteriskUrl: string; browserUrl: string };
  return { asteriskUrl: urls.asteriskUrl, browserUrl: urls.browserUrl, child, lines, stop: (signal) => stopProcess(child, signal) };
}
