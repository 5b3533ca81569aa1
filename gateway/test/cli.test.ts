import { generateKeyPairSync } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { main } from '../src/cli.js';
import type { Gateway } from '../src/server.js';
import { handshake } from './handshake.js';
import { makeTestKeys, type TestKeys } from './jwt-keys.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const SAMPLE_CONFIG = fixture('goastgateway.json');
const SAMPLE_GROUPS = fixture('gag_groups.json');
const CERT = fixture('tls/localhost.pem');
const CERT_KEY = fixture('tls/localhost-key.pem');
const SECRET = 'cli-test-secret-0123456789abcdef0123456789';
const ORIGIN = 'http://crm.test';

let dir: string;
let keys: TestKeys;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gag-cli-'));
  keys = await makeTestKeys();
});

let counter = 0;
async function write(name: string, content: unknown): Promise<string> {
  const path = join(dir, `${++counter}-${name}`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process until it exits (help, version, --check-config, errors). */
async function cli(...argv: string[]): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const code = await main(argv, { stdout: (s) => (out.stdout += s), stderr: (s) => (out.stderr += s), process: new EventEmitter() });
  return { code, ...out };
}

/** `--check-config` of a config (and groups) written to temp files; expects exit 2 with one line. */
async function refused(config: unknown, groups?: unknown): Promise<string> {
  const file = await write('goastgateway.json', config);
  const args = ['-c', file, '--check-config', ...(groups === undefined ? [] : ['-g', await write('gag_groups.json', groups)])];
  const run = await cli(...args);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n') && run.stderr.split('\n').length).toBe(2); // one line, no stack
  expect(run.stderr.startsWith('gag-gateway: ')).toBe(true);
  return run.stderr.replaceAll(dir, '<dir>');
}

const base = { jwt_secret: SECRET };

describe('gag-gateway --help, --version and usage errors', () => {
  test('--help prints the usage with -c and -g and exits 0', async () => {
    const run = await cli('--help');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('-c, --config FILE');
    expect(run.stdout).toContain('-g, --groups FILE');
    expect(run.stdout).toContain('/usr/local/etc/goastgateway.json');
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli('-v')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  test.each([[['--nope']], [['stray-argument']], [['-c']]])('%j is a usage error: exit 2 with the usage', async (argv) => {
    const run = await cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gag-gateway: .+\n\nUsage: gag-gateway/);
  });
});

describe("GoAstGateway's sample files through --check-config", () => {
  test('the sample pair parses unchanged; the only problem is the sample certificate path, absent here', async () => {
    const run = await cli('-c', SAMPLE_CONFIG, '-g', SAMPLE_GROUPS, '--check-config');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `gag-gateway: ${SAMPLE_CONFIG}: cert_file: cannot read /usr/local/ssl/192.168.254.234.pem (ENOENT) — check the path and that the gateway's user may read it\n`,
    );
  });

  test('the sample with its certificate paths pointing at real files is valid, with both groups', async () => {
    const sample = JSON.parse(await readFile(SAMPLE_CONFIG, 'utf8')) as Record<string, unknown>;
    const file = await write('goastgateway.json', { ...sample, cert_file: CERT, key_file: CERT_KEY });
    const run = await cli('-c', file, '-g', SAMPLE_GROUPS, '--check-config');
    expect(run).toEqual({ code: 0, stdout: `${file}: ok\n${SAMPLE_GROUPS}: ok, 2 group(s)\n`, stderr: '' });
  });

  test('without -g, a missing default groups file is no error', async () => {
    const run = await cli('-c', await write('goastgateway.json', base), '--check-config');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('/usr/local/etc/gag_groups.json: absent, no groups');
  });
});

describe('bad config through --check-config: exit 2, one line `gag-gateway: file: key: fix`', () => {
  const otherKeyPem = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const rsa1024 = (): string => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();

  test.each<[string, () => Promise<unknown> | unknown, string]>([
    ['an invalid CIDR', () => ({ ...base, allowed_browser_ips: ['10.0.0.0/33'] }), 'allowed_browser_ips.0: each entry must be an IP address or a CIDR'],
    ['a short secret', () => ({ jwt_secret: 'short' }), 'jwt_secret: too short — use at least 32 random characters (openssl rand -hex 32)'],
    ['a missing cert file', () => ({ ...base, cert_file: '/nonexistent/c.pem', key_file: CERT_KEY }), 'cert_file: cannot read /nonexistent/c.pem (ENOENT)'],
    ['a missing key file', () => ({ ...base, cert_file: CERT, key_file: '/nonexistent/k.pem' }), 'key_file: cannot read /nonexistent/k.pem (ENOENT)'],
    ['a cert file that is not PEM', async () => ({ ...base, cert_file: await write('c.pem', 'hello'), key_file: CERT_KEY }), 'cert_file: <dir>/'],
    ['a key that is not the certificate’s', async () => ({ ...base, cert_file: CERT, key_file: await write('k.pem', otherKeyPem()) }), 'key_file: <dir>/'],
    ['RS256 allowed without a key', () => ({ ...base, jwt_algorithms: ['RS256'] }), 'jwt_algorithms: RS256 needs a public key'],
    ['an empty audience', () => ({ ...base, jwt_audience: '' }), 'jwt_audience: must not be empty'],
    ['a username without a password', () => ({ ...base, asterisk_username: 'asterisk' }), 'asterisk_password: is required with asterisk_username'],
    ['a missing public key file', () => ({ jwt_algorithms: ['RS256'], jwt_public_key_file: '/nonexistent/rs.pem' }), 'jwt_public_key_file: cannot read /nonexistent/rs.pem (ENOENT)'],
    ['an unparsable public key', async () => ({ jwt_algorithms: ['RS256'], jwt_public_key_file: await write('rs.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n') }), 'is not a readable PEM public key'],
    ['a private key as the public key', async () => ({ jwt_algorithms: ['ES256'], jwt_public_key_file: await write('p.pem', otherKeyPem()) }), 'is a private key — give the gateway only the public key'],
    ['a certificate as the public key', () => ({ jwt_algorithms: ['ES256'], jwt_public_key_file: CERT }), 'is a certificate — extract its public key'],
    ['an EC key for RS256', () => ({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.ecPemFile }), 'is an EC P-256 key, which verifies none of RS256'],
    ['an RSA key for RS256 and ES256', () => ({ jwt_algorithms: ['RS256', 'ES256'], jwt_public_key_file: keys.rsaPemFile }), 'jwt_public_key_file: has no key for ES256'],
    ['a 1024-bit RSA key', async () => ({ jwt_algorithms: ['RS256'], jwt_public_key_file: await write('small.pem', rsa1024()) }), 'is a 1024-bit RSA key — use at least 2048 bits'],
    ['a JWKS that is not JSON', async () => ({ jwt_algorithms: ['ES256'], jwt_jwks_file: await write('jwks.json', '{ keys: ') }), 'jwt_jwks_file: <dir>/'],
    ['a JWKS without keys', async () => ({ jwt_algorithms: ['ES256'], jwt_jwks_file: await write('jwks.json', { kty: 'EC' }) }), 'is not a JWKS'],
    ['a JWKS with a secret key', async () => ({ jwt_algorithms: ['ES256'], jwt_jwks_file: await write('jwks.json', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) }), 'keys[0] is a secret (oct) key'],
    ['a JWKS without a key for ES384', () => ({ jwt_algorithms: ['ES384'], jwt_jwks_file: keys.jwksFile }), 'jwt_jwks_file: has no key for ES384 (jwt_algorithms) — add an EC P-384 key'],
    ['a config that is not JSON', () => '{ "jwt_secret": ', '(syntax): not valid JSON'],
  ])('%s', async (_name, make, message) => {
    const line = await refused(await make());
    expect(line).toMatch(/^gag-gateway: <dir>\/\d+-goastgateway\.json: /);
    expect(line).toContain(message);
  });

  test('a JWKS with a 1024-bit RSA key', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const jwks = await write('jwks.json', { keys: [small] });
    expect(await refused({ jwt_algorithms: ['RS256'], jwt_jwks_file: jwks })).toContain('keys[0] is a 1024-bit RSA key — use at least 2048 bits');
  });

  test('a JWKS with a private key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwks = await write('jwks.json', { keys: [privateKey.export({ format: 'jwk' })] });
    expect(await refused({ jwt_algorithms: ['ES256'], jwt_jwks_file: jwks })).toContain('keys[0] contains a private key ("d")');
  });

  test('an unknown strategy in gag_groups.json names the groups file, group and key', async () => {
    const line = await refused(base, { G01: { strategy: 'random', members: ['201'] } });
    expect(line).toMatch(/^gag-gateway: <dir>\/\d+-gag_groups\.json: G01\.strategy: must be "ringall" or "sequential"\n$/);
  });

  test('a groups file named with -g must exist', async () => {
    const run = await cli('-c', await write('goastgateway.json', base), '-g', '/nonexistent/gag_groups.json', '--check-config');
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'gag-gateway: /nonexistent/gag_groups.json: (file): no such file — check the path given with -g\n' });
  });

  test('a config file named with -c must exist', async () => {
    const run = await cli('-c', '/nonexistent/goastgateway.json', '--check-config');
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'gag-gateway: /nonexistent/goastgateway.json: (file): no such file — pass the path with -c\n' });
  });

  test('valid token keys pass: RS256 from PEM, ES256 and RS256 from a JWKS', async () => {
    expect((await cli('-c', await write('a.json', { jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile }), '--check-config')).code).toBe(0);
    expect((await cli('-c', await write('b.json', { jwt_algorithms: ['ES256', 'RS256'], jwt_jwks_file: keys.jwksFile }), '--check-config')).code).toBe(0);
  });
});

describe('gag-gateway running', () => {
  let stopGateway: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopGateway?.();
    stopGateway = undefined;
  });

  /** Start the CLI on loopback port 0 with a fake process; resolves once it listens. */
  async function running(config: Record<string, unknown>) {
    const file = await write('goastgateway.json', { asterisk_addr: '127.0.0.1:0', browser_addr: '127.0.0.1:0', allowed_origins: [ORIGIN], ...base, ...config });
    const proc = new EventEmitter();
    const logs: Array<Record<string, unknown> & { msg: string }> = [];
    let listening!: (gw: Gateway) => void;
    const started = new Promise<Gateway>((resolve) => (listening = resolve));
    const exited = main(['-c', file], {
      stdout: () => undefined,
      stderr: () => undefined,
      process: proc,
      logDestination: { write: (line: string) => void logs.push(JSON.parse(line)) },
      onStarted: (gw) => {
        stopGateway = () => gw.close();
        listening(gw);
      },
    });
    const gateway = await Promise.race([started, exited.then((code) => Promise.reject(new Error(`exited with ${code}`)))]);
    return { file, proc, logs, exited, gateway };
  }

  test('SIGTERM hangs up and stops with exit code 0', async () => {
    const r = await running({});
    r.proc.emit('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.logs.map((l) => l.msg)).toContain('gateway stopped');
    expect(r.proc.listenerCount('SIGHUP') + r.proc.listenerCount('uncaughtException')).toBe(0);
  });

  test('SIGUSR2 drains, then stops with exit code 0 once no call is left', async () => {
    const r = await running({});
    r.proc.emit('SIGUSR2');
    expect(await r.exited).toBe(0);
    expect(r.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['draining', 'drained: no call left', 'gateway stopped']));
    expect(r.proc.listenerCount('SIGUSR2')).toBe(0);
  });

  test('SIGHUP with a good file swaps it in; with a bad file logs the error and keeps the old config', async () => {
    const r = await running({});
    const status = async (origin: string) => (await handshake(r.gateway.browserUrl, { path: PHONE_PATH, protocols: [SUBPROTOCOL], origin })).status;
    expect(await status('http://crm2.test')).toBe(403);

    const good = JSON.parse(await readFile(r.file, 'utf8')) as Record<string, unknown>;
    await writeFile(r.file, JSON.stringify({ ...good, allowed_origins: [ORIGIN, 'http://crm2.test'] }));
    r.proc.emit('SIGHUP');
    await expect.poll(() => r.logs.find((l) => l.msg === 'config reloaded')).toMatchObject({ changed: ['allowed_origins'] });
    expect(await status('http://crm2.test')).toBe(101);

    await writeFile(r.file, JSON.stringify({ ...good, allowed_origins: ['http://crm3.test'], allowed_browser_ips: ['10.0.0.0/33'] }));
    r.proc.emit('SIGHUP');
    await expect.poll(() => r.logs.find((l) => l.level === 50)).toMatchObject({
      msg: 'config reload refused; the old config stays',
      file: r.file,
      key: 'allowed_browser_ips.0',
      fix: expect.stringContaining('each entry must be an IP address or a CIDR'),
    });
    expect(await status('http://crm2.test')).toBe(101);
    expect(await status('http://crm3.test')).toBe(403);
    expect(r.logs.filter((l) => l.msg === 'config reloaded')).toHaveLength(1);
    r.proc.emit('SIGTERM');
    expect(await r.exited).toBe(0);
  });

  test('an uncaught exception is logged at fatal and exits with 1', async () => {
    const r = await running({});
    r.proc.emit('uncaughtException', new Error('boom'));
    expect(await r.exited).toBe(1);
    expect(r.logs.find((l) => l.level === 60)).toMatchObject({ msg: 'uncaught exception', err: expect.objectContaining({ message: 'boom' }) });
  });

  test('an unhandled rejection is logged at fatal and exits with 1', async () => {
    const r = await running({});
    r.proc.emit('unhandledRejection', new Error('lost'));
    expect(await r.exited).toBe(1);
    expect(r.logs.find((l) => l.level === 60)).toMatchObject({ msg: 'unhandled rejection' });
  });

  test('a port already in use is not a crash: no fatal line, exit 2 with one line naming the key (listen-errors.test.ts has the words)', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const logs: Array<Record<string, unknown>> = [];
    let stderr = '';
    const file = await write('goastgateway.json', { ...base, asterisk_addr: `127.0.0.1:${port}`, browser_addr: '127.0.0.1:0' });
    const code = await main(['-c', file], {
      stdout: () => undefined,
      stderr: (s) => (stderr += s),
      process: new EventEmitter(),
      logDestination: { write: (line: string) => void logs.push(JSON.parse(line)) },
    });
    taken.close();
    expect(code).toBe(2);
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toContain(`asterisk_addr: 127.0.0.1:${port} is already in use`);
    expect(logs.filter((l) => l.level === 60)).toEqual([]);
  });

  test('a TLS file missing at start-up is a config error: exit 2, one line', async () => {
    const file = await write('goastgateway.json', { ...base, cert_file: join(dir, 'absent.pem'), key_file: CERT_KEY });
    let stderr = '';
    const code = await main(['-c', file], { stdout: () => undefined, stderr: (s) => (stderr += s), process: new EventEmitter() });
    expect(code).toBe(2);
    expect(stderr).toBe(`gag-gateway: ${file}: cert_file: cannot read ${join(dir, 'absent.pem')} (ENOENT) — check the path and that the gateway's user may read it\n`);
  });
});
