import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import { FakeAsterisk, tone } from '@gag/e2e';
import { FRAME_BYTES, PHONE_PATH, SUBPROTOCOL } from '@gag/sdk/protocol';
import { gatewayPerTest } from '@gag/testkit/gateway';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { mintToken } from '../src/access/token.js';
import { NO_GROUPS, parseGroupsConfig } from '../src/config/groups.js';
import { parseGatewayConfig } from '../src/config/load.js';
import type { GatewayConfig, GatewayConfigInput } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';
import { handshake } from './handshake.js';

const CRM2 = 'http://crm2.test';
const t = gatewayPerTest();
const extra: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const x of extra.splice(0)) await x.close();
});

/** The running config with `changes`, parsed as a reload would parse the file. */
const edited = (changes: Partial<GatewayConfigInput>): GatewayConfig =>
  parseGatewayConfig('goastgateway.json', { ...(t.gw.config as GatewayConfigInput), ...changes });

const originStatus = async (origin: string) =>
  (await handshake(t.gw.browserUrl, { path: PHONE_PATH, protocols: [SUBPROTOCOL], origin })).status;

/** A talking call on 2001 with a tone from Asterisk; resolves when the phone hears it. */
async function talkingCall() {
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  call.play(tone(440, { amplitude: 0.5 }));
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await call.answered;
  await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(5);
  return { phone, call };
}

/** Audio keeps flowing both ways on a call that started before the reload. */
async function expectAudioFlows({ phone, call }: Awaited<ReturnType<typeof talkingCall>>): Promise<void> {
  const heard = phone.audio.length;
  await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(heard + 10);
  const received = call.received.frames;
  phone.ws.send(Buffer.alloc(FRAME_BYTES * 5));
  await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(received + 5);
  expect(call.state).toBe('up');
}

describe('gateway.reload', () => {
  test('a new allowed origin admits a new browser while a call in progress keeps its audio', async () => {
    const talking = await talkingCall();
    expect(await originStatus(CRM2)).toBe(403);

    await t.gw.reload(edited({ allowed_origins: [TEST_ORIGIN, CRM2] }), NO_GROUPS);
    expect(t.logs.find((l) => l.msg === 'config reloaded')).toMatchObject({ level: 30, changed: ['allowed_origins'], groupsChanged: false });

    const newcomer = new TestPhone(t.gw.browserUrl, { origin: CRM2 });
    extra.push(newcomer);
    await once(newcomer.ws, 'open', { signal: AbortSignal.timeout(2_000) });
    newcomer.send({ type: 'hello', token: await t.token('2002') });
    await newcomer.next('welcome');
    await expectAudioFlows(talking);
  });

  test('a narrower allowed_asterisk_ips refuses the next call and keeps the current one', async () => {
    const talking = await talkingCall();
    await t.gw.reload(edited({ allowed_asterisk_ips: ['10.0.0.0/8'] }), NO_GROUPS);
    await expect(t.asterisk.call('ws-ext-2001')).rejects.toThrow('HTTP 403');
    await expectAudioFlows(talking);
  });

  test('new Asterisk credentials apply to the next call', async () => {
    await t.gw.reload(edited({ asterisk_username: 'asterisk', asterisk_password: 'new-password-0123456789' }), NO_GROUPS);
    await expect(t.asterisk.call('ws-ext-2001')).rejects.toThrow('HTTP 401');
    const authed = new FakeAsterisk({ url: t.gw.asteriskUrl, username: 'asterisk', password: 'new-password-0123456789' });
    extra.push(authed);
    const phone = await t.phone('2001');
    await authed.call('ws-ext-2001');
    expect((await phone.next('incoming')).extension).toBe('2001');
  });

  test('a new jwt_secret refuses tokens of the old one, for new logins and for the phones online (4101: they log in again)', async () => {
    const online = await t.phone('2001');
    const newSecret = 'rotated-secret-0123456789abcdef0123456789';
    await t.gw.reload(edited({ jwt_secret: newSecret }), NO_GROUPS);
    const stale = new TestPhone(t.gw.browserUrl);
    extra.push(stale);
    await once(stale.ws, 'open', { signal: AbortSignal.timeout(2_000) });
    stale.send({ type: 'hello', token: await t.token('2002') });
    expect((await stale.closed).code).toBe(4100);
    expect((await online.closed).code).toBe(4101); // its token no longer verifies (issue 15, item 3)
    const fresh = await TestPhone.login(t.gw.browserUrl, await mintToken({ secret: newSecret, extension: '2001', ttlSeconds: 60 }));
    extra.push(fresh);
    const call = await t.asterisk.call('ws-ext-2001');
    expect((await fresh.next('incoming')).extension).toBe('2001');
    await call.hangup();
  });

  test('new groups apply to the next call', async () => {
    const [a, b] = [await t.phone('201'), await t.phone('202')];
    const groups = parseGroupsConfig('gag_groups.json', { G09: { strategy: 'ringall', members: ['201', '202'] } });
    await t.gw.reload(t.gw.config, groups);
    expect(t.logs.find((l) => l.msg === 'config reloaded')).toMatchObject({ changed: [], groupsChanged: true });
    await t.asterisk.call('ws-ext-G09');
    expect((await a.next('incoming')).group).toBe('G09');
    expect((await b.next('incoming')).group).toBe('G09');
  });

  test('a changed listen address is not applied: a warn line says a restart is needed', async () => {
    const before = t.gw.asteriskUrl;
    await t.gw.reload(edited({ asterisk_addr: '127.0.0.1:1', cert_file: '/x.pem', key_file: '/x-key.pem' }), NO_GROUPS);
    const warning = t.logs.find((l) => l.msg === 'config change needs a restart to apply');
    expect(warning).toMatchObject({ level: 40, keys: ['asterisk_addr', 'cert_file', 'key_file'] });
    expect(t.gw.asteriskUrl).toBe(before);
    expect(t.gw.browserUrl).toMatch(/^ws:/);
    const phone = await t.phone('2001');
    await t.asterisk.call('ws-ext-2001');
    await phone.next('incoming');
  });

  test('a new log_level applies to what happens after the reload', async () => {
    const debugLines = () => t.logs.filter((l) => l.level === 20).length;
    await t.gw.reload(edited({ log_level: 'INFO' }), NO_GROUPS);
    const before = debugLines();
    const phone = await t.phone('2001');
    await t.asterisk.call('ws-ext-2001');
    await phone.next('incoming');
    expect(debugLines()).toBe(before);
    await t.gw.reload(edited({ log_level: 'debug' }), NO_GROUPS);
    await t.phone('2002');
    expect(debugLines()).toBeGreaterThan(before);
  });

  test('a key file that cannot be read refuses the reload; the old config stays', async () => {
    const before = t.gw.config;
    const bad = edited({ allowed_origins: [CRM2], jwt_algorithms: ['HS256', 'RS256'], jwt_public_key_file: '/nonexistent/rs.pem' });
    const error = await t.gw.reload(bad, NO_GROUPS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ key: 'jwt_public_key_file', message: expect.stringContaining('cannot read /nonexistent/rs.pem (ENOENT)') });
    expect(t.gw.config).toBe(before);
    expect(await originStatus(TEST_ORIGIN)).toBe(101);
    expect(await originStatus(CRM2)).toBe(403);
    expect(t.logs.some((l) => l.msg === 'config reloaded')).toBe(false);
  });
});
