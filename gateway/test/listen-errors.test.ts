/**
 * A listen address that cannot be bound stops start-up with one line naming the config key and
 * the fix (exit 2), not a stack trace: the port in use, on both listeners.
 */
import { EventEmitter, once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { main } from '../src/cli.js';

let busy: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => busy?.close(resolve) ?? resolve(undefined));
  busy = undefined;
});

/** A loopback port something else already listens on. */
async function portInUse(): Promise<number> {
  busy = createServer();
  busy.listen(0, '127.0.0.1');
  await once(busy, 'listening');
  return (busy.address() as AddressInfo).port;
}

async function start(config: Record<string, unknown>): Promise<{ code: number; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gag-listen-'));
  const file = join(dir, 'goastgateway.json');
  await writeFile(file, JSON.stringify({ jwt_secret: 'listen-test-secret-0123456789abcdef012345', log_level: 'silent', ...config }));
  let stderr = '';
  const code = await main(['-c', file], { stdout: () => {}, stderr: (s) => (stderr += s), process: new EventEmitter() });
  return { code, stderr: stderr.replaceAll(dir, '<dir>') };
}

describe('a listen address that cannot be bound', () => {
  for (const key of ['asterisk_addr', 'browser_addr'] as const) {
    test(`${key} already in use: one line naming the key and the fix, exit 2`, async () => {
      const port = await portInUse();
      const other = key === 'asterisk_addr' ? 'browser_addr' : 'asterisk_addr';
      const run = await start({ [key]: `127.0.0.1:${port}`, [other]: '127.0.0.1:0' });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `gag-gateway: <dir>/goastgateway.json: ${key}: 127.0.0.1:${port} is already in use: stop what listens there (ss -ltnp 'sport = :${port}') or choose another port\n`,
      );
    });
  }
});
