/**
 * A gateway in a process of its own: the `gag-gateway` command (its committed launcher, running
 * the built gateway/dist as `npx tsc -b` leaves it) with a config file of its own, as a service
 * runs it, for the specs that kill it (the fixtures' gateway shares the test runner's process).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GatewayConfigInput } from '@gag/gateway';

const BIN = fileURLToPath(new URL('../../gateway/bin/gag-gateway.js', import.meta.url));
/** How long the gateway may take to listen. */
const START_TIMEOUT_MS = 15_000;

/** A running `gag-gateway`. */
export interface GatewayProcess {
  /** Where Asterisk connects, e.g. `ws://127.0.0.1:41234`. */
  readonly asteriskUrl: string;
  /** Where browsers connect (and `/gag-phone.js`, `/api/…`), e.g. `ws://127.0.0.1:41235`. */
  readonly browserUrl: string;
  /** The random `jwt_secret` it was given, to mint its tokens. */
  readonly secret: string;
  /** End it with `signal` and wait until it has exited; then its config folder goes. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Start `gag-gateway -c <file>` with `config` over loopback on free ports (a random `jwt_secret`,
 * JSON logs), and resolve once its `gateway listening` line says where.
 * @example
 * const gw = await startGatewayProcess({ allowed_origins: [gag.pageOrigin], recording_dir: dir, record_all_calls: true });
 * await gw.kill('SIGKILL');
 */
export async function startGatewayProcess(config: Partial<GatewayConfigInput>): Promise<GatewayProcess> {
  const folder = mkdtempSync(join(tmpdir(), 'gag-e2e-gateway-'));
  const secret = randomBytes(32).toString('hex');
  const file = join(folder, 'goastgateway.json');
  writeFileSync(file, JSON.stringify({ asterisk_addr: '127.0.0.1:0', browser_addr: '127.0.0.1:0', jwt_secret: secret, log_level: 'info', ...config }));
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, '-c', file]);
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = once(child, 'exit');
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  const listening = new Promise<{ asterisk: string; browser: string }>((resolve) =>
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; asterisk?: string; browser?: string };
      if (entry.msg === 'gateway listening') resolve({ asterisk: entry.asterisk!, browser: entry.browser! });
    }),
  );
  try {
    const where = await Promise.race([
      listening,
      exited.then(() => Promise.reject(new Error(`gag-gateway exited before listening: ${stderr.join('')}`))),
      new Promise<never>((_, reject) => AbortSignal.timeout(START_TIMEOUT_MS).addEventListener('abort', () => reject(new Error(`gag-gateway did not listen within ${START_TIMEOUT_MS} ms: ${stderr.join('')}`)))),
    ]);
    return { asteriskUrl: `ws://${where.asterisk}`, browserUrl: `ws://${where.browser}`, secret, kill };
  } catch (e) {
    await kill('SIGKILL');
    throw e;
  }
}
