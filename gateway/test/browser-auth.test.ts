import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { UnsecuredJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { TEST_SECRET, gatewayPerTestOnDemand, type TestGateway } from '@gag/testkit/gateway';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import type { GatewayConfigInput } from '../src/config/schema.js';
import { handshake } from './handshake.js';
import { confusedToken, makeTestKeys, sign, type TestKeys } from './jwt-keys.js';

const hs = new TextEncoder().encode(TEST_SECRET);
let keys: TestKeys;
beforeAll(async () => {
  keys = await makeTestKeys();
});

const t = gatewayPerTestOnDemand();
const phones: TestPhone[] = [];
async function start(overrides: Partial<GatewayConfigInput> = {}): Promise<TestGateway> {
  await t.start(overrides); // stops the test's previous gateway, if any
  return t;
}
afterEach(() => {
  for (const p of phones.splice(0)) p.close();
});

/** Connect with `gag.v1`, say hello with `token`: 'welcome', or the close code. */
async function login(token: string): Promise<'welcome' | number> {
  const phone = new TestPhone(t.gw.browserUrl);
  phones.push(phone);
  await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
  phone.send({ type: 'hello', token });
  const first = once(phone.ws, 'message').then(() => 'welcome' as const);
  const closed = phone.closed.then((c) => c.code);
  const result = await Promise.race([first, closed]);
  return result === 'welcome' && phone.messages[0]?.type === 'welcome' ? 'welcome' : closed;
}

const upgrade = (options: { origin?: string; protocols?: string[]; path?: string } = {}) =>
  handshake(t.gw.browserUrl, { path: PHONE_PATH, protocols: [SUBPROTOCOL], origin: TEST_ORIGIN, ...options });

describe('browser IP allow-list', () => {
  test('an address outside allowed_browser_ips gets 403 before anything else', async () => {
    await start({ allowed_browser_ips: ['192.168.0.0/16', '::1'] });
    expect((await upgrade()).status).toBe(403);
    expect((await upgrade({ origin: 'http://evil.test' })).status).toBe(403);
    expect(t.logs.filter((l) => l.msg === 'refused: ip not allowed')).toHaveLength(2);
  });

  test('over IPv6 loopback the ACL sees ::1: refused by 127.0.0.1, admitted by ::1', async () => {
    await start({ browser_addr: '[::1]:0', allowed_browser_ips: ['127.0.0.1'] });
    expect((await upgrade()).status).toBe(403);
    await start({ browser_addr: '[::1]:0', allowed_browser_ips: ['::1'] });
    expect((await upgrade()).status).toBe(101);
  });

  test('127.0.0.0/8 admits 127.0.0.1', async () => {
    await start({ allowed_browser_ips: ['127.0.0.0/8'] });
    expect((await upgrade()).status).toBe(101);
  });
});

describe('browser Origin', () => {
  test.each([
    ['no Origin', undefined],
    ['another origin', 'http://evil.test'],
    ['the origin in capitals', 'HTTP://PHONE.TEST'],
    ['the origin with a port', 'http://phone.test:80'],
    ['the origin with a trailing slash', 'http://phone.test/'],
  ])('%s gets 403', async (_name, origin) => {
    await start();
    const res = await handshake(t.gw.browserUrl, { path: PHONE_PATH, protocols: [SUBPROTOCOL], ...(origin === undefined ? {} : { origin }) });
    expect(res.status).toBe(403);
  });

  test('the exact allowed origin is upgraded', async () => {
    await start();
    expect((await upgrade()).status).toBe(101);
  });
});

describe('browser tokens over the wire (gag.v1 hello)', () => {
  test('an expired token closes with 4101 (fetch a fresh one)', async () => {
    await start();
    expect(await login(await sign(hs, { alg: 'HS256', expInS: -60 }))).toBe(4101);
  });

  test.each([
    ['HS512 where only HS256 is allowed', () => sign(hs, { alg: 'HS512' })],
    ['alg none', async () => new UnsecuredJWT({ ext: '2001' }).setExpirationTime('1m').encode()],
    ['a token without ext', () => sign(hs, { alg: 'HS256' }, { sub: 'tanaka' })],
    ['a token without exp', () => sign(hs, { alg: 'HS256', expInS: null })],
    ['a token signed with another secret', () => sign(new TextEncoder().encode(`${TEST_SECRET}-other`), { alg: 'HS256' })],
  ])('%s closes with 4100', async (_name, make) => {
    await start();
    expect(await login(await make())).toBe(4100);
    expect(t.logs.some((l) => l.msg === 'refused: token')).toBe(true);
  });

  test('with jwt_issuer and jwt_audience, a wrong or missing claim closes with 4100; the right ones log in', async () => {
    await start({ jwt_issuer: 'https://crm.test', jwt_audience: 'gag' });
    expect(await login(await sign(hs, { alg: 'HS256', iss: 'https://crm.test', aud: 'other' }))).toBe(4100);
    expect(await login(await sign(hs, { alg: 'HS256', iss: 'https://evil.test', aud: 'gag' }))).toBe(4100);
    expect(await login(await sign(hs, { alg: 'HS256' }))).toBe(4100);
    expect(await login(await sign(hs, { alg: 'HS256', iss: 'https://crm.test', aud: 'gag' }))).toBe('welcome');
  });

  test('RS256 with jwt_public_key_file: its tokens log in, another key closes with 4100', async () => {
    await start({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await login(await sign(keys.rsa.privateKey, { alg: 'RS256' }))).toBe('welcome');
    expect(await login(await sign(keys.otherRsa.privateKey, { alg: 'RS256' }))).toBe(4100);
    expect(await login(await sign(hs, { alg: 'HS256' }))).toBe(4100);
  });

  test('ES256 from jwt_jwks_file logs in', async () => {
    await start({ jwt_algorithms: ['ES256'], jwt_jwks_file: keys.jwksFile });
    expect(await login(await sign(keys.ec.privateKey, { alg: 'ES256', kid: 'ec-1' }))).toBe('welcome');
    expect(await login(await sign(keys.ec.privateKey, { alg: 'ES256', kid: 'nope' }))).toBe(4100);
  });

  test('HS/RS confusion (HS256 keyed with the public PEM) closes with 4100, with or without HS256 allowed', async () => {
    const token = await confusedToken(await readFile(keys.rsaPemFile, 'utf8'));
    await start({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await login(token)).toBe(4100);
    await start({ jwt_algorithms: ['HS256', 'RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await login(token)).toBe(4100);
  });
});

describe('the legacy webphone (?token=) uses the same verifier', () => {
  const legacy = async (token: string) =>
    (await handshake(t.gw.browserUrl, { path: `${PHONE_PATH}?token=${encodeURIComponent(token)}`, origin: TEST_ORIGIN })).status;

  test('an RS256 token logs in; an expired or confused one gets 401', async () => {
    await start({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await legacy(await sign(keys.rsa.privateKey, { alg: 'RS256' }))).toBe(101);
    expect(await legacy(await sign(keys.rsa.privateKey, { alg: 'RS256', expInS: -60 }))).toBe(401);
    expect(await legacy(await confusedToken(keys.rsa.publicPem))).toBe(401);
  });
});

describe('TLS', () => {
  test('cert_file and key_file make the browser side wss://', async () => {
    const fixtures = new URL('./fixtures/tls/', import.meta.url);
    const certFile = new URL('localhost.pem', fixtures).pathname;
    await start({ cert_file: certFile, key_file: new URL('localhost-key.pem', fixtures).pathname });
    expect(t.gw.browserUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const res = await handshake(t.gw.browserUrl, { path: PHONE_PATH, protocols: [SUBPROTOCOL], origin: TEST_ORIGIN, ca: await readFile(certFile) });
    expect(res.status).toBe(101);
  });
});
