/**
 * Logs for people and for machines: `--log-format pretty` (the default on a terminal) writes one
 * readable line with an ISO time, JSON stays the default elsewhere, secrets are censored in both.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli.js';

const SECRET = 'log-format-secret-0123456789abcdef012345';

/** Start the CLI with `argv` and `tty`, wait for it to listen, stop it; resolves with its exit code and log text. */
async function runOnce(argv: readonly string[], tty: boolean): Promise<{ code: number; log: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'gag-logfmt-'));
  const file = join(dir, 'goastgateway.json');
  await writeFile(file, JSON.stringify({ jwt_secret: SECRET, asterisk_addr: '127.0.0.1:0', browser_addr: '127.0.0.1:0', log_level: 'info' }));
  let log = '';
  let stderr = '';
  const signals = new EventEmitter();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString('utf8');
      done();
    },
  });
  const code = await main(['-c', file, ...argv], {
    stdout: () => {},
    stderr: (s) => (stderr += s),
    process: signals,
    logDestination: destination,
    stdoutIsTTY: tty,
    onStarted: () => void signals.emit('SIGTERM'),
  });
  return { code, log, stderr };
}

describe('log format', () => {
  test('--log-format pretty: one readable line per event, an ISO time with milliseconds and offset, no JSON', async () => {
    const { code, log } = await runOnce(['--log-format', 'pretty'], false);
    expect(code).toBe(0);
    const listening = log.split('\n').find((l) => l.includes('gateway listening'));
    expect(listening).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}\] INFO: gateway listening \{.*"asterisk":"127\.0\.0\.1:\d+"/);
    expect(log).not.toContain(SECRET);
    expect(() => JSON.parse(listening ?? '')).toThrow();
  });

  test('on a terminal the default is pretty; elsewhere JSON lines', async () => {
    expect((await runOnce([], true)).log).toMatch(/INFO: gateway listening/);
    const json = await runOnce([], false);
    const lines = json.log.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; time: number });
    expect(lines.find((l) => l.msg === 'gateway listening')).toMatchObject({ msg: 'gateway listening', time: expect.any(Number) });
  });

  test('--log-format json wins on a terminal, and an unknown format is one line and exit 2', async () => {
    const json = await runOnce(['--log-format', 'json'], true);
    expect(JSON.parse(json.log.trim().split('\n')[0] ?? '')).toHaveProperty('level');
    expect(await runOnce(['--log-format', 'xml'], true)).toEqual({ code: 2, log: '', stderr: 'gag-gateway: --log-format must be json or pretty, got "xml"\n' });
  });
});
