/**
 * The systemd unit shipped in the package (gateway/systemd/gag-gateway.service): systemd itself
 * checks it (`systemd-analyze verify`, where systemd is installed: no error and no warning), and
 * it keeps what docs/deploy.md promises an admin.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const UNIT = fileURLToPath(new URL('../systemd/gag-gateway.service', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/gag-gateway.js', import.meta.url));
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const text = readFileSync(UNIT, 'utf8');
const setting = (key: string): string[] => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');

/** `systemd-analyze verify` of the unit with ExecStart's program replaced by `program` (it checks the program exists). */
function verify(unitText: string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gag-unit-'));
  const file = join(dir, 'gag-gateway.service');
  writeFileSync(file, unitText.replace('/usr/local/bin/gag-gateway', BIN));
  return new Promise((resolve) => {
    execFile(ANALYZE!, ['verify', file], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

describe('the systemd unit', () => {
  test('runs as an unprivileged user, reloads with SIGHUP, raises the fd limit, does not restart on a config error', () => {
    expect(setting('User')).toEqual(['gag']);
    expect(setting('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(Number(setting('LimitNOFILE')[0])).toBeGreaterThanOrEqual(65_536);
    expect(setting('Restart')).toEqual(['on-failure']);
    expect(setting('RestartPreventExitStatus')).toEqual(['2']); // the CLI's exit code for a config error
    expect(setting('NoNewPrivileges')).toEqual(['yes']);
    expect(setting('ProtectSystem')).toEqual(['strict']);
    expect(setting('ExecStart')[0]).toMatch(/^\/usr\/local\/bin\/gag-gateway -c \/usr\/local\/etc\/goastgateway\.json -g \/usr\/local\/etc\/gag_groups\.json$/);
  });

  test("caps V8's young generation through NODE_OPTIONS, which Node takes (a flag it refused would stop the gateway)", () => {
    const options = setting('Environment').find((e) => e.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length);
    expect(options).toBe('--max-semi-space-size=1');
    // Allocate enough to grow the young generation (to 32 MiB without the flag), then read its size: 2 semi-spaces of 1 MiB.
    const probe = "const keep=[];for(let i=0;i<3e6;i++){keep.push({i,a:[i]});if(keep.length>5e4)keep.splice(0,2.5e4)}process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s)=>s.space_name==='new_space').space_size))";
    const out = execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, NODE_OPTIONS: options }, encoding: 'utf8' });
    expect(Number(out)).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  test.skipIf(ANALYZE === undefined)('systemd-analyze verify finds nothing to say about it', async () => {
    expect(await verify(text)).toEqual({ code: 0, output: '' });
  });

  test.skipIf(ANALYZE === undefined)('… and would say it about a misspelled key (the check can fail)', async () => {
    const r = await verify(text.replace('Restart=on-failure', 'Restrat=on-failure'));
    expect(r.output).toContain("Unknown key 'Restrat'");
  });
});
