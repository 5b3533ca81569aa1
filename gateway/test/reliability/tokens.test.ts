/**
 * Bad tokens, while a healthy call talks on the same gateway: forged, expired, not yet valid,
 * `alg: none`, HS/RS confusion, missing claims, oversized and malformed. Each case asserts the
 * close code and reason (or the HTTP status for the legacy `?token=`), the log line with its
 * reason, that the token never reaches the log, and that the healthy call still carries its tones.
 */
import { once } from 'node:events';
import { UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { MAX_TOKEN_CHARS } from '@gag/sdk/protocol';
import { TEST_SECRET } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { confusedToken, makeTestKeys, sign, type TestKeys } from '../jwt-keys.js';
import { legacyRefusal } from '../legacy-phone.js';
import { healthyGateway } from './healthy-call.js';

const g = healthyGateway();
const hs = new TextEncoder().encode(TEST_SECRET);
const nowS = (): number => Math.floor(Date.now() / 1000);
let keys: TestKeys;
beforeAll(async () => {
  keys = await makeTestKeys();
});

/** Say hello with `token` on a new gag.v1 connection; how the gateway closed it. */
async function helloWith(token: string): Promise<{ code: number; reason: string }> {
  const phone = new TestPhone(g.t.gw.browserUrl);
  onTestFinished(() => phone.close());
  await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
  phone.send({ type: 'hello', token });
  return phone.closed;
}

const refused = (code: number, reason: string) => ({ close: { code, reason: `token refused: ${reason.replaceAll('_', ' ')}` }, log: { msg: 'refused: token', side: 'browser', reason } });

describe('hello with a bad token', () => {
  test.each([
    { name: 'forged (HS256 signed with another secret)', make: () => sign(new TextEncoder().encode(`${TEST_SECRET}-forged`), { alg: 'HS256' }), ...refused(4100, 'signature') },
    { name: 'expired an hour ago', make: () => sign(hs, { alg: 'HS256', expInS: -3_600 }), ...refused(4101, 'expired') },
    { name: 'not yet valid (nbf in an hour)', make: () => sign(hs, { alg: 'HS256' }, { ext: '2001', nbf: nowS() + 3_600 }), ...refused(4100, 'not_yet_valid') },
    { name: 'alg none', make: () => new UnsecuredJWT({ ext: '2001' }).setExpirationTime('1m').encode(), ...refused(4100, 'algorithm') },
    { name: 'HS512 where jwt_algorithms is HS256', make: () => sign(hs, { alg: 'HS512' }), ...refused(4100, 'algorithm') },
    { name: 'without exp (missing claim)', make: () => sign(hs, { alg: 'HS256', expInS: null }), ...refused(4100, 'claims') },
    { name: 'not a JWT', make: async () => 'not-a-jwt', ...refused(4100, 'malformed') },
    {
      name: 'without ext (missing claim)',
      make: () => sign(hs, { alg: 'HS256' }, { sub: 'tanaka' }),
      close: { code: 4100, reason: 'token refused: claims' },
      log: { msg: 'refused: token', side: 'browser', reason: 'claims' },
    },
    {
      name: 'with an ext that is a path',
      make: () => sign(hs, { alg: 'HS256' }, { ext: '../2001' }),
      close: { code: 4100, reason: 'token refused: claims' },
      log: { msg: 'refused: token', side: 'browser', reason: 'claims' },
    },
    {
      name: `oversized (${MAX_TOKEN_CHARS + 808} characters)`,
      make: async () => 'e'.repeat(MAX_TOKEN_CHARS + 808),
      close: { code: 4000, reason: `client message: token: Invalid length: Expected <=${MAX_TOKEN_CHARS} but received ${MAX_TOKEN_CHARS + 808}` },
      log: { msg: 'closing browser connection', side: 'browser', code: 4000 },
    },
    {
      name: 'empty',
      make: async () => '',
      close: { code: 4000, reason: 'client message: token: Invalid length: Expected >=1 but received 0' },
      log: { msg: 'closing browser connection', side: 'browser', code: 4000 },
    },
  ])('$name', async ({ make, close, log }) => {
    const token = await make();
    expect(await helloWith(token)).toEqual(close);
    expect(g.logs).toContainEqual(expect.objectContaining(log));
    if (token.length > 10) expect(JSON.stringify(g.logs)).not.toContain(token);
    await g.healthy.stillFlows();
  });

  test('HS/RS confusion (HS256 keyed with the RS256 public key PEM): 4100 with HS256 allowed too, and with RS256 alone', async () => {
    const token = await confusedToken(keys.rsa.publicPem);
    await g.withConfig({ jwt_algorithms: ['HS256', 'RS256'], jwt_public_key_file: keys.rsaPemFile }, async () => {
      expect(await helloWith(token)).toEqual({ code: 4100, reason: 'token refused: signature' });
    });
    await g.withConfig({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile }, async () => {
      expect(await helloWith(token)).toEqual({ code: 4100, reason: 'token refused: algorithm' });
      // The key itself works: a real RS256 token logs in.
      const phone = await TestPhone.login(g.t.gw.browserUrl, await sign(keys.rsa.privateKey, { alg: 'RS256' }, { ext: '2003' }));
      phone.close();
    });
    expect(g.logs.filter((l) => l.msg === 'refused: token').map((l) => l['reason'])).toEqual(['signature', 'algorithm']);
    await g.healthy.stillFlows();
  });
});

describe('the legacy webphone (?token=)', () => {
  test(`an oversized token (${MAX_TOKEN_CHARS + 808} characters) in the URL: 401 before it is parsed`, async () => {
    const token = 'e'.repeat(MAX_TOKEN_CHARS + 808);
    expect(await legacyRefusal(g.t.gw.browserUrl, { token })).toEqual({ status: 401, body: 'token too long' });
    expect(g.logs).toContainEqual(expect.objectContaining({ msg: 'refused: token', reason: 'malformed', protocol: 'legacy' }));
    await g.healthy.stillFlows();
  });
});
