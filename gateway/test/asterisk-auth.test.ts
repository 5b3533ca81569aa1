import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { FakeAsterisk } from '@gag/e2e';
import { TEST_SECRET, gatewayPerTestOnDemand, type TestGateway, type TestGatewayOptions } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { IpAcl } from '../src/access/ip-acl.js';
import { MEDIA_SUBPROTOCOL } from '../src/asterisk/listener.js';
import { createLogger } from '../src/log.js';
import type { GatewayConfigInput } from '../src/config/schema.js';
import { handshake } from './handshake.js';

const USER = 'asterisk';
const PASSWORD = 'pa55-Very-Secret-0f-Asterisk';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const t = gatewayPerTestOnDemand();
async function start(overrides: Partial<GatewayConfigInput> = {}, options: TestGatewayOptions = {}): Promise<TestGateway> {
  await t.start(overrides, options);
  return t;
}

const refusals = (g: TestGateway) => g.logs.filter((l) => l.msg === 'asterisk connection refused');

/** The error a refused dial rejects with (the fake Asterisk puts the HTTP status in it). */
async function dialError(asterisk: FakeAsterisk): Promise<string> {
  try {
    const call = await asterisk.call('ws-ext-2001');
    await call.hangup();
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('Basic auth on the Asterisk port', () => {
  const withAuth = { asterisk_username: USER, asterisk_password: PASSWORD };

  test('the right username and password connect a call', async () => {
    const g = await start(withAuth, { asteriskCredentials: { username: USER, password: PASSWORD } });
    const phone = await g.phone('2001');
    await g.asterisk.call('ws-ext-2001');
    expect((await phone.next('incoming')).extension).toBe('2001');
  });

  test('no credentials get 401 with a Basic challenge, and one warn line with ip and reason', async () => {
    const g = await start(withAuth);
    const res = await handshake(g.gw.asteriskUrl, { protocols: [MEDIA_SUBPROTOCOL] });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="gag"/);
    expect(await dialError(g.asterisk)).toContain('HTTP 401');
    expect(refusals(g)).toEqual([
      expect.objectContaining({ level: 40, ip: '127.0.0.1', reason: 'credentials_missing', side: 'asterisk' }),
      expect.objectContaining({ level: 40, ip: '127.0.0.1', reason: 'credentials_missing', side: 'asterisk' }),
    ]);
  });

  test.each([
    ['a wrong password', USER, 'pa55-Very-Secret-0f-Asteriss'],
    ['a wrong username', 'asterisk2', PASSWORD],
    ['a prefix of the password', USER, PASSWORD.slice(0, -1)],
    ['an empty password', USER, ''],
  ])('%s gets 401', async (_name, username, password) => {
    const g = await start(withAuth);
    const asterisk = new FakeAsterisk({ url: g.gw.asteriskUrl, username, password });
    expect(await dialError(asterisk)).toContain('HTTP 401');
    expect(refusals(g)).toEqual([expect.objectContaining({ reason: 'credentials_wrong' })]);
  });

  test('another scheme than Basic is refused as missing credentials', async () => {
    const g = await start(withAuth);
    const res = await handshake(g.gw.asteriskUrl, { protocols: [MEDIA_SUBPROTOCOL], headers: { Authorization: `Bearer ${PASSWORD}` } });
    expect(res.status).toBe(401);
  });

  test('without asterisk_username, credentials are not asked for', async () => {
    const g = await start();
    expect(await dialError(g.asterisk)).toBe('accepted');
  });
});

describe('the order of the Asterisk checks: IP (403), Basic (401), Origin (403), subprotocol (400)', () => {
  test('an address outside allowed_asterisk_ips gets 403 before credentials are looked at', async () => {
    const g = await start({ allowed_asterisk_ips: ['10.0.0.0/8', '::1'], asterisk_username: USER, asterisk_password: PASSWORD });
    const res = await handshake(g.gw.asteriskUrl, { protocols: [MEDIA_SUBPROTOCOL], headers: { Authorization: basic(USER, PASSWORD) } });
    expect(res.status).toBe(403);
    expect(refusals(g)).toEqual([expect.objectContaining({ ip: '127.0.0.1', reason: 'ip_not_allowed' })]);
  });

  test('missing credentials get 401 even when an Origin header is present', async () => {
    const g = await start({ asterisk_username: USER, asterisk_password: PASSWORD });
    const res = await handshake(g.gw.asteriskUrl, { protocols: [MEDIA_SUBPROTOCOL], origin: 'http://phone.test' });
    expect(res.status).toBe(401);
  });

  test('right credentials with an Origin header get 403: browsers may not use the Asterisk port', async () => {
    const g = await start({ asterisk_username: USER, asterisk_password: PASSWORD });
    const res = await handshake(g.gw.asteriskUrl, { protocols: [MEDIA_SUBPROTOCOL], origin: 'http://phone.test', headers: { Authorization: basic(USER, PASSWORD) } });
    expect(res.status).toBe(403);
    expect(refusals(g)).toEqual([expect.objectContaining({ reason: 'origin_present' })]);
  });

  test('without subprotocol media the upgrade gets 400', async () => {
    const g = await start();
    expect((await handshake(g.gw.asteriskUrl, { protocols: ['gag.v1'] })).status).toBe(400);
    expect(refusals(g)).toEqual([expect.objectContaining({ reason: 'subprotocol_missing' })]);
  });

  test('over IPv6 loopback, the ACL sees ::1', async () => {
    const g = await start({ asterisk_addr: '[::1]:0', allowed_asterisk_ips: ['127.0.0.1'] });
    expect(g.gw.asteriskUrl).toMatch(/^ws:\/\/\[::1\]:\d+$/);
    expect(await dialError(g.asterisk)).toContain('HTTP 403');
    expect(refusals(g)).toEqual([expect.objectContaining({ ip: '::1', reason: 'ip_not_allowed' })]);
  });

  test('over IPv6 loopback, ::1 in the list lets the call in', async () => {
    const g = await start({ asterisk_addr: '[::1]:0', allowed_asterisk_ips: ['::1'] });
    expect(await dialError(g.asterisk)).toBe('accepted');
  });

  test('a client that never finishes its headers is dropped after the headers timeout', async () => {
    const g = await start({}, { asteriskHeadersTimeoutMs: 200 });
    const { port } = new URL(g.gw.asteriskUrl);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'); // ...and nothing more
    const answer: Buffer[] = [];
    socket.on('data', (c: Buffer) => answer.push(c));
    await once(socket, 'close', { signal: AbortSignal.timeout(5_000) });
    expect(Buffer.concat(answer).toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('IpAcl', () => {
  test.each([
    [['127.0.0.1'], '127.0.0.1', true],
    [['127.0.0.1'], '127.0.0.2', false],
    [['127.0.0.1'], '::ffff:127.0.0.1', true],
    [['192.168.0.0/16'], '192.168.254.234', true],
    [['192.168.0.0/16'], '192.169.0.1', false],
    [['192.168.0.0/16'], '::ffff:192.168.1.1', true],
    [['::1'], '::1', true],
    [['::1'], '127.0.0.1', false],
    [['fd00::/8'], 'fd00::2', true],
    [['fd00::/8'], 'fe80::1', false],
    [['::ffff:10.0.0.0/104'], '10.1.2.3', true],
    [['::ffff:10.0.0.1'], '::ffff:10.0.0.1', true],
    [['10.0.0.0/8'], 'not-an-ip', false],
    [['10.0.0.0/8'], undefined, false],
    [[], '203.0.113.9', true],
  ] as const)('%j allows %s: %s', (rules, address, allowed) => {
    expect(new IpAcl(rules).allows(address)).toBe(allowed);
  });
});

describe('secrets never reach the log', () => {
  test('a Basic password, a token and jwt_secret appear in no log line', async () => {
    const g = await start({ asterisk_username: USER, asterisk_password: PASSWORD }, { asteriskCredentials: { username: USER, password: PASSWORD } });
    const phone = await g.phone('2001');
    await g.asterisk.call('ws-ext-2001');
    await phone.next('incoming');
    await dialError(new FakeAsterisk({ url: g.gw.asteriskUrl, username: USER, password: `${PASSWORD}x` }));
    const expired = await g.token('2002', -60);
    const refused = new TestPhone(g.gw.browserUrl);
    await once(refused.ws, 'open');
    refused.send({ type: 'hello', token: expired });
    expect((await refused.closed).code).toBe(4101);
    await g.gw.reload(g.gw.config, g.gw.groups);

    // Whatever a caller passes, the root logger censors these fields.
    const probe: string[] = [];
    createLogger('debug', { write: (line: string) => void probe.push(line) }).warn(
      { config: g.gw.config, req: { headers: { authorization: basic(USER, PASSWORD) } }, hello: { token: expired }, asterisk_password: PASSWORD },
      'probe',
    );
    expect(probe.join('')).toContain('[redacted]');
    const everything = JSON.stringify(g.logs) + probe.join('');
    expect(g.logs.some((l) => l.msg === 'config reloaded')).toBe(true);
    for (const secret of [PASSWORD, expired, TEST_SECRET, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) {
      expect(everything).not.toContain(secret);
    }
  });
});
