#!/usr/bin/env node
/**
 * The packages as a user gets them (issue 18): builds the workspace, packs @gag/gateway,
 * @gag/sdk, @gag/web-components and @gag/e2e with `npm pack`, installs the four tarballs into an
 * empty project in a temporary folder outside the workspace (their dependencies from the registry,
 * or npm's cache), and uses them there:
 * - each tarball holds a README, the LICENSE and its built entry points, and no tests or sources;
 * - `gag-gateway --version` prints the version; the gateway, started by its bin with a loopback
 *   config on free ports, answers `GET /healthz` with 200 `ok`, serves `/gag-phone.js` from the
 *   installed component, and stops on SIGTERM with exit code 0; `npm install -g` of its tarball
 *   with those of its two @gag dependencies (docs/deploy.md, into a temporary prefix) links it;
 * - Vite builds a page that imports `@gag/sdk`, and the output holds the SDK (its worklets inlined);
 *   and a supervisor's page that imports `@gag/sdk/supervisor` and `@gag/web-components/board`;
 * - the installed component has the IIFEs `gag-phone.js` and `gag-board.js` and every file each
 *   loads next to itself;
 * - `@gag/e2e` and `@gag/e2e/playwright` import, and `gag-fake-asterisk --help` runs;
 * - `tsc --noEmit` checks a file that uses the four packages' types.
 * One line per check, then `N passed, N failed`; exit code 1 when a check failed, 2 when the
 * setup (build, pack, install) failed. `--skip-build` packs what is built (npm test builds first);
 * `--keep` leaves the temporary folder and prints its path.
 * Usage: node scripts/pack-install.mjs [--skip-build] [--keep]   (npm run test:pack)
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGES = ['@gag/gateway', '@gag/sdk', '@gag/web-components', '@gag/e2e'];
/** The workspace's own versions of the tools the empty project needs, so npm's cache has them. */
const TOOLS = ['vite', 'typescript', '@playwright/test'];
const BUILD_TIMEOUT_MS = 120_000;
const PACK_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 120_000;
const COMMAND_TIMEOUT_MS = 60_000;
const GATEWAY_READY_TIMEOUT_MS = 15_000;
const GATEWAY_STOP_TIMEOUT_MS = 10_000;
const HEALTH_POLL_INTERVAL_MS = 100;

const run = promisify(execFile);
const { values: options } = parseArgs({ options: { 'skip-build': { type: 'boolean' }, keep: { type: 'boolean' } } });

/**
 * The environment of a child npm or node: without the `npm_*` variables an `npm run` sets, which
 * would make the empty project's npm act on the workspace (its config, its prefix).
 */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

let passed = 0;
let failed = 0;

/** Run one check: `fn` returns a short note for the line, or throws what is wrong. */
async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` — ${note}` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name} — ${e instanceof Error ? e.message : String(e)}`.replaceAll('\n', '\n     '));
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** `command args` in `cwd`; rejects with its stderr's last lines when it fails or times out. */
async function sh(command, args, cwd, timeoutMs = COMMAND_TIMEOUT_MS) {
  try {
    return await run(command, args, { cwd, env: cleanEnv, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const output = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed${e.killed ? ` (timed out after ${timeoutMs} ms)` : ''}: ${output || e.message}`);
  }
}

/** A port free on loopback now (the gateway's config needs fixed ports). */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

const readJson = async (file) => JSON.parse(await readFile(file, 'utf8'));

/** Setup steps: a failure here is not a check of the packages, so it stops the run (exit 2). */
async function setup(step, fn) {
  const startMs = Date.now();
  try {
    const result = await fn();
    console.log(`--   ${step} (${((Date.now() - startMs) / 1000).toFixed(1)} s)`);
    return result;
  } catch (e) {
    console.log(`FAIL ${step} — ${e instanceof Error ? e.message : String(e)}`);
    throw new SetupFailed(step);
  }
}

/** A setup step failed (already printed): no checks follow, exit code 2. */
class SetupFailed extends Error {}

const work = await mkdtemp(join(tmpdir(), 'gag-pack-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const bin = (name) => join(app, 'node_modules', '.bin', name);
let setupFailed = false;

try {
  if (!options['skip-build']) await setup('build: npm run build', () => sh('npm', ['run', 'build', '--silent'], ROOT, BUILD_TIMEOUT_MS));

  /** `npm pack --json`: per package, its tarball's name and files. */
  const packed = await setup(`pack ${PACKAGES.join(', ')}`, async () => {
    await mkdir(tarballs);
    const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', tarballs, ...PACKAGES.flatMap((p) => ['-w', p])], ROOT, PACK_TIMEOUT_MS);
    return JSON.parse(stdout);
  });

  for (const pkg of packed) {
    await check(`${pkg.name} tarball: README, LICENSE, built entry points with .d.ts, no tests or sources`, async () => {
      const files = new Set(pkg.files.map((f) => f.path));
      for (const needed of ['package.json', 'README.md', 'LICENSE']) assert(files.has(needed), `${needed} is missing`);
      const strays = [...files].filter((f) => /(^|\/)(test|tests|src)\//.test(f) || /\.(test|spec)\.[cm]?[jt]s$/.test(f) || /\.ts$/.test(f) && !f.endsWith('.d.ts'));
      assert(strays.length === 0, `holds ${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''}`);
      const manifest = await readJson(join(ROOT, pkg.name.replace('@gag/', ''), 'package.json'));
      assert(manifest.private !== true, 'is private');
      const targets = Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.entries(entry).filter(([condition]) => condition !== 'source').map(([, target]) => target)));
      targets.push(...Object.values(manifest.bin ?? {}));
      const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !files.has(t));
      assert(missing.length === 0, `exports or bins point at files it lacks: ${missing.join(', ')}`);
      const untyped = Object.entries(manifest.exports).filter(([, entry]) => typeof entry !== 'string' && !String(entry.types).endsWith('.d.ts') && !String(entry.types).endsWith('.d.mts'));
      assert(untyped.length === 0, `exports without .d.ts: ${untyped.map(([key]) => key).join(', ')}`);
      return `${pkg.version}, ${pkg.entryCount} files, ${(pkg.size / 1024).toFixed(0)} kB`;
    });
  }

  await setup(`install the tarballs and ${TOOLS.join(', ')} into an empty project (${app})`, async () => {
    await mkdir(app);
    await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'gag-pack-check', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
    const tools = await Promise.all(TOOLS.map(async (name) => `${name}@${(await readJson(join(ROOT, 'node_modules', name, 'package.json'))).version}`));
    const files = packed.map((p) => join(tarballs, p.filename));
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error', ...files, ...tools], app, INSTALL_TIMEOUT_MS);
  });

  await check('the @gag packages come from the tarballs, not the registry', async () => {
    const lock = await readJson(join(app, 'package-lock.json'));
    const gag = Object.entries(lock.packages).filter(([path]) => /(^|\/)node_modules\/@gag\//.test(path));
    const fromElsewhere = gag.filter(([path, entry]) => path.split('node_modules/').length > 2 || !String(entry.resolved).startsWith('file:'));
    assert(fromElsewhere.length === 0, fromElsewhere.map(([path, entry]) => `${path} from ${entry.resolved}`).join(', '));
    return gag.map(([path]) => path.replace('node_modules/', '')).join(', ');
  });

  // (1) The gateway: its bin, a config on loopback, /healthz, the component's bundle, SIGTERM.
  const gatewayVersion = (await readJson(join(ROOT, 'gateway', 'package.json'))).version;
  await check('gag-gateway --version prints the version', async () => {
    const { stdout } = await sh(bin('gag-gateway'), ['--version'], app);
    assert(stdout.trim() === gatewayVersion, `printed ${JSON.stringify(stdout.trim())}, expected ${gatewayVersion}`);
    return stdout.trim();
  });

  await check('gag-gateway on loopback answers GET /healthz 200 ok, serves /gag-phone.js, stops on SIGTERM with exit 0', async () => {
    const [asteriskPort, browserPort] = [await freePort(), await freePort()];
    const config = join(app, 'goastgateway.json');
    const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
    await writeFile(config, JSON.stringify({ asterisk_addr: `127.0.0.1:${asteriskPort}`, browser_addr: `127.0.0.1:${browserPort}`, jwt_secret: secret, allowed_origins: [] }));
    const child = spawn(bin('gag-gateway'), ['-c', config], { cwd: app, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = once(child, 'exit');
    try {
      const base = `http://127.0.0.1:${browserPort}`;
      const deadline = Date.now() + GATEWAY_READY_TIMEOUT_MS;
      let health;
      while (health === undefined) {
        assert(child.exitCode === null, `exited with ${child.exitCode}: ${output.trim().slice(-500)}`);
        assert(Date.now() < deadline, `no answer on ${base}/healthz within ${GATEWAY_READY_TIMEOUT_MS} ms: ${output.trim().slice(-500)}`);
        health = await fetch(`${base}/healthz`).catch(() => undefined);
        if (health === undefined) await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_INTERVAL_MS));
      }
      const body = await health.text();
      assert(health.status === 200 && body.trim() === 'ok', `/healthz answered ${health.status} ${JSON.stringify(body)}`);
      const phone = await fetch(`${base}/gag-phone.js`);
      const phoneBytes = (await phone.arrayBuffer()).byteLength;
      assert(phone.status === 200 && phoneBytes > 0, `/gag-phone.js answered ${phone.status} with ${phoneBytes} bytes`);
      child.kill('SIGTERM');
      const [code, signal] = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(['(still running)', null]), GATEWAY_STOP_TIMEOUT_MS))]);
      assert(code === 0, `after SIGTERM: exit ${code}${signal ? ` (${signal})` : ''}: ${output.trim().slice(-500)}`);
      return `ports ${browserPort}/${asteriskPort}, /gag-phone.js ${phoneBytes} B`;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  await check('npm install -g of the gateway with the two tarballs it depends on (docs/deploy.md) links gag-gateway', async () => {
    const prefix = join(work, 'global');
    const files = ['@gag/gateway', '@gag/sdk', '@gag/web-components'].map((name) => join(tarballs, packed.find((p) => p.name === name).filename));
    await sh('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error', ...files], work, INSTALL_TIMEOUT_MS);
    const { stdout } = await sh(join(prefix, 'bin', 'gag-gateway'), ['--version'], work);
    assert(stdout.trim() === gatewayVersion, `printed ${JSON.stringify(stdout.trim())}, expected ${gatewayVersion}`);
    return `${join(prefix, 'bin', 'gag-gateway')} --version: ${stdout.trim()}`;
  });

  // (2) A bundler build of a page importing @gag/sdk.
  await check("vite builds a page importing '@gag/sdk', with the SDK and its worklets in the output", async () => {
    const page = join(app, 'page');
    await mkdir(page);
    await writeFile(join(page, 'index.html'), '<!doctype html><meta charset="utf-8"><title>phone</title><div id="phone"></div><script type="module" src="./main.js"></script>\n');
    await writeFile(
      join(page, 'main.js'),
      "import { GagClient } from '@gag/sdk';\n" +
        "const client = new GagClient({ url: 'wss://gw.example.com/phone', getToken: async () => 'token' });\n" +
        "client.on('incoming', (call) => void call.answer());\n",
    );
    await sh(bin('vite'), ['build', '--logLevel', 'error', '--outDir', join(page, 'dist')], page);
    const assets = join(page, 'dist', 'assets');
    const scripts = (await readdir(assets)).filter((f) => f.endsWith('.js'));
    const code = (await Promise.all(scripts.map((f) => readFile(join(assets, f), 'utf8')))).join('\n');
    assert(code.includes('gag.v1'), 'the output lacks the SDK (its subprotocol gag.v1)');
    assert(code.includes('registerProcessor'), 'the output lacks the audio worklets (registerProcessor)');
    assert(!code.includes('?worklet'), 'the output still has ?worklet imports');
    return `${scripts.length} scripts, ${(code.length / 1024).toFixed(0)} kB`;
  });

  // (2b) A supervisor's page (issue 21): the SDK's supervisor entry and the board's ES entry.
  await check("vite builds a page importing '@gag/sdk/supervisor' and '@gag/web-components/board'", async () => {
    const page = join(app, 'board-page');
    await mkdir(page);
    await writeFile(join(page, 'index.html'), '<!doctype html><meta charset="utf-8"><title>board</title><gag-board></gag-board><script type="module" src="./main.js"></script>\n');
    await writeFile(
      join(page, 'main.js'),
      "import { GagClient } from '@gag/sdk';\n" +
        "import { SupervisorBoard } from '@gag/sdk/supervisor';\n" +
        "import '@gag/web-components/board';\n" +
        "const board = new SupervisorBoard(new GagClient({ url: 'wss://gw.example.com/phone', getToken: async () => 'token' }));\n" +
        "board.on('synced', () => console.log(board.agents.size));\n",
    );
    await sh(bin('vite'), ['build', '--logLevel', 'error', '--outDir', join(page, 'dist')], page);
    const assets = join(page, 'dist', 'assets');
    const scripts = (await readdir(assets)).filter((f) => f.endsWith('.js'));
    const code = (await Promise.all(scripts.map((f) => readFile(join(assets, f), 'utf8')))).join('\n');
    assert(code.includes('gag-board'), 'the output lacks <gag-board> (its tag name)');
    assert(code.includes('board_synced'), 'the output lacks the supervisor board (board_synced)');
    return `${scripts.length} scripts, ${(code.length / 1024).toFixed(0)} kB`;
  });

  // (3) The drop-in IIFEs and the files each loads next to itself.
  for (const file of ['gag-phone.js', 'gag-board.js']) {
    await check(`@gag/web-components/${file} (the IIFE) is installed with the files it loads next to itself`, async () => {
      const { stdout } = await sh(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve('@gag/web-components/${file}'))`], app);
      const iife = fileURLToPath(stdout.trim());
      const dir = join(iife, '..');
      const code = await readFile(iife, 'utf8');
      assert(code.includes('customElements'), `${iife} is not the component's bundle`);
      const seen = new Set();
      const queue = [code];
      while (queue.length > 0) {
        for (const [name] of queue.pop().matchAll(/[\w.-]+\.[0-9a-f]{16}\.js/g)) {
          if (seen.has(name)) continue;
          seen.add(name);
          assert(existsSync(join(dir, name)), `${file} loads ${name}, which is not next to it`);
          queue.push(await readFile(join(dir, name), 'utf8'));
        }
      }
      assert(seen.size >= 2, `expected the call media and the worklet next to it, found ${[...seen].join(', ') || 'nothing'}`);
      return [...seen].join(', ');
    });
  }

  // (4) The fake Asterisk library, the Playwright fixtures and the CLI.
  await check("import('@gag/e2e') and import('@gag/e2e/playwright') resolve", async () => {
    const script = "const e2e = await import('@gag/e2e'); const pw = await import('@gag/e2e/playwright'); console.log(typeof e2e.FakeAsterisk, typeof pw.test, typeof pw.gagLaunchOptions);";
    const { stdout } = await sh(process.execPath, ['--input-type=module', '-e', script], app);
    assert(stdout.trim() === 'function function function', `FakeAsterisk, test, gagLaunchOptions are ${stdout.trim()}`);
    return 'FakeAsterisk, test, gagLaunchOptions';
  });

  await check('gag-fake-asterisk --help runs', async () => {
    const { stdout } = await sh(bin('gag-fake-asterisk'), ['--help'], app);
    assert(/usage/i.test(stdout), `printed ${JSON.stringify(stdout.slice(0, 200))}`);
    return stdout.trim().split('\n')[0];
  });

  // (5) The types, with the installed TypeScript.
  await check("tsc --noEmit: a file using '@gag/sdk' (GagClient), '@gag/sdk/supervisor', '@gag/web-components' (and /board), '@gag/gateway' and '@gag/e2e' types", async () => {
    await writeFile(
      join(app, 'check.ts'),
      [
        "import { GagClient, GagError, type Call, type CallState } from '@gag/sdk';",
        "import type { GagPhone } from '@gag/web-components';",
        "import type { GagBoard } from '@gag/web-components/board';",
        "import { SupervisorBoard, SupervisorRefusedError, type BoardAgent } from '@gag/sdk/supervisor';",
        "import { mintToken } from '@gag/gateway';",
        "import { FakeAsterisk } from '@gag/e2e';",
        '',
        "const client = new GagClient({ url: 'wss://gw.example.com/phone', getToken: async () => 'token' });",
        "client.on('incoming', (call: Call) => {",
        '  const state: CallState = call.state;',
        '  void state;',
        '});',
        '// @ts-expect-error: not an event of GagClient (the types are real, not any)',
        "client.on('no-such-event', () => {});",
        'export const checks = [GagError, FakeAsterisk, mintToken] as const;',
        "export const phone: GagPhone | null = document.querySelector('gag-phone');",
        "export const gagBoard: GagBoard | null = document.querySelector('gag-board');",
        'const board = new SupervisorBoard(client);',
        "board.on('agent', (agent: BoardAgent) => void agent.presence);",
        "export const refused = (e: unknown): boolean => e instanceof SupervisorRefusedError && e.reason === 'not_allowed';",
        '',
      ].join('\n'),
    );
    const tsconfig = {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: ['node'], strict: true, noEmit: true, skipLibCheck: true },
      files: ['check.ts'],
    };
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    await sh(bin('tsc'), ['-p', 'tsconfig.json'], app);
    const { stdout } = await sh(bin('tsc'), ['--version'], app);
    return stdout.trim();
  });
} catch (e) {
  if (!(e instanceof SetupFailed)) throw e;
  setupFailed = true;
} finally {
  if (options.keep) console.log(`--   kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed${setupFailed ? ', setup failed' : ''}`);
process.exitCode = setupFailed ? 2 : failed === 0 ? 0 : 1;
