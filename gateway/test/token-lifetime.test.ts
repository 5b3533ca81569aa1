/**
 * A session does not outlive its token (issue 15, item 3): at expiry, or when a reload's keys no
 * longer verify it, the session stops ringing and is closed with 4101 (TOKEN_EXPIRED) — at once
 * when idle, when its call ends when talking; a `token` message over the open connection renews
 * it. Expiry timers run on a fake clock (`setTimeout` only): the tokens' `exp` is real time, and
 * the gateway lapses a session when login would refuse its token (exp + the 5 s clock skew).
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CLOSE, FEATURES } from '@gag/sdk/protocol';
import { TEST_SECRET, gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { CLOCK_TOLERANCE_S, mintToken } from '../src/access/token.js';
import { NO_GROUPS } from '../src/config/groups.js';
import { parseGatewayConfig } from '../src/config/load.js';
import type { GatewayConfigInput } from '../src/config/schema.js';
import { makeTestKeys, sign } from './jwt-keys.js';
import { LegacyTestPhone } from './legacy-phone.js';

/** A short token: 10 s. The fake clock moves past its lapse; the ring timeout (60 s) stays far. */
const SHORT_TTL_S = 10;
/** Past the short token's lapse: exp (at most SHORT_TTL_S from now) + the clock skew tolerated, + 1 s. */
const PAST_SHORT_LAPSE_MS = (SHORT_TTL_S + CLOCK_TOLERANCE_S + 1) * 1000;

const t = gatewayPerTestOnDemand();
const extra: Array<{ close(): void }> = [];
afterEach(() => {
  vi.useRealTimers();
  for (const p of extra.splice(0)) p.close();
});

/** Fake `setTimeout` from here on (before login: the expiry timer is set at `welcome`). */
const fakeClock = (): void => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

async function phoneWith(token: string): Promise<TestPhone> {
  const phone = await TestPhone.login(t.gw.browserUrl, token);
  extra.push(phone);
  return phone;
}

const shortPhone = async (extension: string): Promise<TestPhone> => phoneWith(await t.token(extension, SHORT_TTL_S));

describe('gag.v1 sessions and their token', () => {
  test('welcome lists token_refresh and the token expiry', async () => {
    await t.start();
    const phone = new TestPhone(t.gw.browserUrl);
    extra.push(phone);
    await new Promise((resolve) => phone.ws.once('open', resolve));
    phone.send({ type: 'hello', token: await t.token('2001', SHORT_TTL_S) });
    const welcome = await phone.next('welcome');
    expect(welcome.features).toContain(FEATURES.TOKEN_REFRESH);
    expect(welcome.tokenExpiresAt! - Date.now()).toBeGreaterThan((SHORT_TTL_S - 2) * 1000);
    expect(welcome.tokenExpiresAt! - Date.now()).toBeLessThanOrEqual(SHORT_TTL_S * 1000);
  });

  test('an idle session whose token expires is closed with 4101, and the call ringing it goes on ringing the other phone', async () => {
    await t.start();
    fakeClock();
    const token = await t.token('2001', SHORT_TTL_S);
    const expiring = await phoneWith(token);
    const other = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    await expiring.next('incoming');
    const { callId } = await other.next('incoming');

    vi.advanceTimersByTime(PAST_SHORT_LAPSE_MS);
    expect(await expiring.closed).toMatchObject({ code: CLOSE.TOKEN_EXPIRED.code });
    expect(t.gw.router.calls[0]?.ringing).toHaveLength(1);
    expect(t.logs.filter((l) => l.msg === 'token expired: session ends')).toEqual([expect.objectContaining({ level: 30, reason: 'expired', talking: false })]);
    expect(JSON.stringify(t.logs)).not.toContain(token.split('.')[2]); // never the token, not even its signature

    other.send({ type: 'answer', callId });
    await call.answered;
    vi.useRealTimers();
    await call.hangup();
    await other.next('ended');
  });

  test('a talking session whose token expires finishes its call, rings for no new one, may not dial, and gets 4101 when the call ends', async () => {
    await t.start();
    fakeClock();
    const phone = await shortPhone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;

    vi.advanceTimersByTime(PAST_SHORT_LAPSE_MS);
    expect(t.logs.find((l) => l.msg === 'token expired: session ends')).toMatchObject({ talking: true });
    expect(t.gw.registry.phonesFor('2001')).toHaveLength(1); // still online: the call goes on
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toMatchObject({ requestId: 'r1', code: 'not_enabled', message: 'token expired: log in again to dial' });
    const second = await t.asterisk.call('ws-ext-2001'); // offered to nobody: the only phone's token lapsed
    expect(await second.ended).toMatchObject({ by: 'app-hangup' });

    vi.useRealTimers();
    await call.hangup();
    expect(await phone.next('ended')).toMatchObject({ callId, reason: 'remote_hangup' });
    expect(await phone.closed).toMatchObject({ code: CLOSE.TOKEN_EXPIRED.code });
    expect(phone.messages.filter((m) => m.type === 'incoming')).toEqual([]);
  });

  test('a session that refreshes its token keeps ringing past the first expiry', async () => {
    await t.start();
    fakeClock();
    const phone = await shortPhone('2001');
    phone.send({ type: 'token', token: await t.token('2001', 3_600) });
    const accepted = await phone.next('token_accepted');
    expect(accepted.tokenExpiresAt - Date.now()).toBeGreaterThan(3_500_000);

    vi.advanceTimersByTime(PAST_SHORT_LAPSE_MS);
    expect(t.gw.registry.phonesFor('2001')).toHaveLength(1);
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('incoming');
    vi.useRealTimers();
    await call.hangup();
    await phone.next('ended');
  });

  test('a refreshed token for another extension closes the session with 4100', async () => {
    await t.start();
    const phone = await phoneWith(await t.token('2001'));
    phone.send({ type: 'token', token: await t.token('2002') });
    expect(await phone.closed).toEqual({ code: CLOSE.TOKEN_INVALID.code, reason: 'token refused: claims' });
  });

  test('a refreshed token with a bad signature closes the session with 4100; an expired one with 4101', async () => {
    await t.start();
    const forged = await phoneWith(await t.token('2001'));
    forged.send({ type: 'token', token: await mintToken({ secret: 'another-secret-0123456789abcdef0123456789', extension: '2001', ttlSeconds: 60 }) });
    expect(await forged.closed).toEqual({ code: CLOSE.TOKEN_INVALID.code, reason: 'token refused: signature' });

    const stale = await phoneWith(await t.token('2001'));
    stale.send({ type: 'token', token: await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: -60 }) });
    expect((await stale.closed).code).toBe(CLOSE.TOKEN_EXPIRED.code);
  });
});

describe('reload and the tokens of open sessions', () => {
  test('a reload that rotates jwt_secret closes the sessions whose tokens no longer verify with 4101; the others stay and ring', async () => {
    const keys = await makeTestKeys();
    await t.start({ jwt_algorithms: ['HS256', 'RS256'], jwt_public_key_file: keys.rsaPemFile });
    const hs = await phoneWith(await t.token('2001'));
    const rs = await phoneWith(await sign(keys.rsa.privateKey, { alg: 'RS256' }, { ext: '2001' }));

    const rotated = parseGatewayConfig('goastgateway.json', { ...(t.gw.config as GatewayConfigInput), jwt_secret: 'rotated-secret-0123456789abcdef01234567' });
    await t.gw.reload(rotated, NO_GROUPS);
    expect(await hs.closed).toMatchObject({ code: CLOSE.TOKEN_EXPIRED.code });
    expect(t.logs.filter((l) => l.msg === 'token no longer verifies after reload: session ends')).toEqual([
      expect.objectContaining({ level: 30, reason: 'signature', talking: false }),
    ]);

    const call = await t.asterisk.call('ws-ext-2001');
    await rs.next('incoming');
    expect(t.gw.registry.phonesFor('2001')).toHaveLength(1);
    await call.hangup();
    await rs.next('ended');
  });

  test('a talking session whose token a reload refuses finishes its call, then gets 4101', async () => {
    await t.start();
    const phone = await phoneWith(await t.token('2001'));
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;

    await t.gw.reload(parseGatewayConfig('goastgateway.json', { ...(t.gw.config as GatewayConfigInput), jwt_issuer: 'https://crm.test' }), NO_GROUPS);
    expect(t.logs.find((l) => l.msg === 'token no longer verifies after reload: session ends')).toMatchObject({ reason: 'claims', talking: true });
    expect(call.state).toBe('up');
    await call.hangup();
    await phone.next('ended');
    expect(await phone.closed).toMatchObject({ code: CLOSE.TOKEN_EXPIRED.code });
  });
});

describe('legacy webphone sessions and their token', () => {
  test('a legacy session is told KICKED and closed with 4101 when its token expires', async () => {
    await t.start();
    fakeClock();
    const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001', SHORT_TTL_S) });
    extra.push(phone);
    expect(t.gw.registry.phonesFor('2001')).toHaveLength(1);

    vi.advanceTimersByTime(PAST_SHORT_LAPSE_MS);
    expect(await phone.closed).toMatchObject({ code: CLOSE.TOKEN_EXPIRED.code });
    expect(phone.words).toContain('KICKED');
    expect(t.logs.find((l) => l.msg === 'token expired: session ends')).toMatchObject({ level: 30, protocol: 'legacy', talking: false });
  });

  test('a talking legacy session finishes its call: HANGUP, then KICKED and 4101', async () => {
    await t.start();
    fakeClock();
    const phone = await LegacyTestPhone.connect(t.gw.browserUrl, { token: await t.token('2001', SHORT_TTL_S) });
    extra.push(phone);
    const call = await t.asterisk.call('ws-ext-2001');
    await phone.next('RINGING');
    phone.ws.send('ANSWER');
    await call.answered;

    vi.advanceTimersByTime(PAST_SHORT_LAPSE_MS);
    expect(t.logs.find((l) => l.msg === 'token expired: session ends')).toMatchObject({ protocol: 'legacy', talking: true });
    expect(t.gw.registry.phonesFor('2001')).toHaveLength(1);
    expect(call.state).toBe('up');
    vi.useRealTimers();
    await call.hangup();
    await phone.next('HANGUP');
    await phone.next('KICKED');
    expect(await phone.closed).toMatchObject({ code: CLOSE.TOKEN_EXPIRED.code });
  });
});
