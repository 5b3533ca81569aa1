/**
 * The commands as a person runs them after `npm install` (built by `npx tsc -b`, as `npm test`
 * does first): `gag-gateway` and `gag-fake-asterisk` through their committed launchers (what npm
 * links at install), and the demo (`npm start`): `--help`, `--version`, a bad option, a port in use.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, listenOnLoopback, portOf } from '../src/loopback.js';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const GATEWAY_BIN = path('../../gateway/bin/gag-gateway.js');
const FAKE_BIN = path('../bin/gag-fake-asterisk.js');
const DEMO = path('../dist/demo/main.js');
const version = (pkg: string): string => (JSON.parse(readFileSync(path(pkg), 'utf8')) as { version: string }).version;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a script with node (bounded: 20 s). */
function run(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { timeout: 20_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

let busy: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (busy === undefined ? resolve(undefined) : busy.close(resolve)));
  busy = undefined;
});
async function portInUse(): Promise<number> {
  busy = await listenOnLoopback(createServer());
  return portOf(busy);
}

beforeAll(() => {
  for (const built of [path('../../gateway/dist/cli.js'), path('../dist/fake-asterisk/cli.js'), DEMO]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: build first with npx tsc -b`);
  }
});

describe('the package bins, through the launchers npm links at install', () => {
  it('gag-gateway --version and --help', async () => {
    expect(await run(GATEWAY_BIN, ['--version'])).toEqual({ code: 0, stdout: `${version('../../gateway/package.json')}\n`, stderr: '' });
    const help = await run(GATEWAY_BIN, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gag-gateway /);
  });

  it('gag-fake-asterisk --version and --help', async () => {
    expect(await run(FAKE_BIN, ['--version'])).toEqual({ code: 0, stdout: `${version('../package.json')}\n`, stderr: '' });
    const help = await run(FAKE_BIN, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gag-fake-asterisk /);
  });

  it('the bins npm links are the committed launchers, not files of dist/ (which do not exist at install)', () => {
    for (const [pkg, bin, launcher] of [['../../gateway/package.json', 'gag-gateway', './bin/gag-gateway.js'], ['../package.json', 'gag-fake-asterisk', './bin/gag-fake-asterisk.js']] as const) {
      const manifest = JSON.parse(readFileSync(path(pkg), 'utf8')) as { bin: Record<string, string>; files: string[] };
      expect(manifest.bin[bin]).toBe(launcher);
      expect(manifest.files).toContain('bin');
    }
  });
});

describe('the demo (npm start)', () => {
  it('--help lists the options with their environment variables, and --version prints the version', async () => {
    const help = await run(DEMO, ['--help']);
    expect(help.code).toBe(0);
    for (const text of ['--port N', 'GAG_DEMO_PORT', '--gateway-port N', 'GAG_GATEWAY_PORT', '--asterisk-port N', 'GAG_ASTERISK_PORT', '--lang ja|en', '--origin URL']) {
      expect(help.stdout).toContain(text);
    }
    expect(await run(DEMO, ['--version'])).toEqual({ code: 0, stdout: `${version('../package.json')}\n`, stderr: '' });
  });

  it('a bad option or value is one line and exit 2', async () => {
    expect(await run(DEMO, ['--nope'])).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^gag demo: Unknown option '--nope'.*--help lists the options\)\n$/) });
    expect(await run(DEMO, ['--port', 'eighty'])).toEqual({ code: 2, stdout: '', stderr: 'gag demo: --port (GAG_DEMO_PORT) must be a port from 1 to 65535, got "eighty"\n' });
  });

  for (const [option, env] of [['port', 'GAG_DEMO_PORT'], ['gateway-port', 'GAG_GATEWAY_PORT'], ['asterisk-port', 'GAG_ASTERISK_PORT']] as const) {
    it(`--${option} in use is one line naming the option, its variable and the fix, exit 2`, async () => {
      const taken = await portInUse();
      // The other two ports are free ones, so only the taken one fails.
      const free = { GAG_DEMO_PORT: String(await freePort()), GAG_GATEWAY_PORT: String(await freePort()), GAG_ASTERISK_PORT: String(await freePort()) };
      const r = await run(DEMO, [`--${option}`, String(taken)], free);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^gag demo: port ${taken} \\(.+\\) is already in use: stop what uses it \\(ss -ltnp 'sport = :${taken}'\\) or pick another with --${option} N or ${env}=N\\n$`));
    });
  }
});
