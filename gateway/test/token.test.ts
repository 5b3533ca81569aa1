import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadTokenKeys } from '../src/access/keys.js';
import { createTokenVerifier, mintToken, verifyToken, type TokenVerifier } from '../src/access/token.js';
import { parseGatewayConfig } from '../src/config/load.js';
import { TokenError } from '../src/errors.js';
import { confusedToken, makeTestKeys, sign, type TestKeys } from './jwt-keys.js';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const key = new TextEncoder().encode(SECRET);
const signHs = (claims: Record<string, unknown>, exp: string | number = '1m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(key);

async function refusal(token: string | undefined): Promise<string> {
  try {
    await verifyToken(token, SECRET);
  } catch (e) {
    if (e instanceof TokenError) return e.reason;
    throw e;
  }
  throw new Error('token accepted');
}

describe('browser tokens', () => {
  test('a token minted for 2001 verifies as extension 2001', async () => {
    const claims = await verifyToken(await mintToken({ secret: SECRET, extension: '2001', ttlSeconds: 60 }), SECRET);
    expect(claims.extension).toBe('2001');
    expect(claims.expiresAtMs).toBeGreaterThan(Date.now());
  });

  test('a numeric ext claim is read as a string', async () => {
    expect((await verifyToken(await signHs({ ext: 2001 }), SECRET)).extension).toBe('2001');
  });

  test.each([
    ['a bad signature', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode('another-secret-0123456789abcdef0123')), 'signature'],
    ['an expired token', () => signHs({ ext: '2001' }, Math.floor(Date.now() / 1000) - 60), 'expired'],
    ['a token not yet valid', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2h').setNotBefore('1h').sign(key), 'not_yet_valid'],
    ['a token without exp', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS256' }).sign(key), 'claims'],
    ['a token without ext', () => signHs({ sub: 'tanaka' }), 'claims'],
    ['alg none', async () => new UnsecuredJWT({ ext: '2001' }).setExpirationTime('1m').encode(), 'algorithm'],
    ['HS512 (not allowed)', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('1m').sign(key), 'algorithm'],
    ['garbage', async () => 'not.a.jwt', 'malformed'],
    ['an oversized token', async () => 'a'.repeat(10_000), 'malformed'],
  ])('%s is refused as %s', async (_name, make, reason) => {
    expect(await refusal(await make())).toBe(reason);
  });

  test('no token at all is refused as missing', async () => {
    expect(await refusal(undefined)).toBe('missing');
  });
});

describe('the token verifier built from the config', () => {
  let keys: TestKeys;
  beforeAll(async () => {
    keys = await makeTestKeys();
  });

  const config = (json: Record<string, unknown>) => parseGatewayConfig('goastgateway.json', json);
  const verifier = async (json: Record<string, unknown>) => {
    const c = config(json);
    return createTokenVerifier(c, await loadTokenKeys(c, 'goastgateway.json'));
  };
  async function outcome(verify: TokenVerifier, token: string): Promise<string> {
    try {
      return (await verify(token)).extension;
    } catch (e) {
      if (e instanceof TokenError) return e.reason;
      throw e;
    }
  }

  test('with jwt_issuer and jwt_audience set, a token must carry both', async () => {
    const verify = await verifier({ jwt_secret: SECRET, jwt_issuer: 'https://crm.test', jwt_audience: 'gag' });
    expect(await outcome(verify, await sign(key, { alg: 'HS256', iss: 'https://crm.test', aud: 'gag' }))).toBe('2001');
    expect(await outcome(verify, await sign(key, { alg: 'HS256', iss: 'https://crm.test' }))).toBe('claims');
    expect(await outcome(verify, await sign(key, { alg: 'HS256', aud: 'gag' }))).toBe('claims');
    expect(await outcome(verify, await sign(key, { alg: 'HS256', iss: 'https://evil.test', aud: 'gag' }))).toBe('claims');
    expect(await outcome(verify, await sign(key, { alg: 'HS256', iss: 'https://crm.test', aud: 'other' }))).toBe('claims');
  });

  test('RS256 with a PEM public key: its own tokens pass, another key and a missing exp do not', async () => {
    const verify = await verifier({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await outcome(verify, await sign(keys.rsa.privateKey, { alg: 'RS256' }))).toBe('2001');
    expect(await outcome(verify, await sign(keys.otherRsa.privateKey, { alg: 'RS256' }))).toBe('signature');
    expect(await outcome(verify, await sign(keys.rsa.privateKey, { alg: 'RS256', expInS: null }))).toBe('claims');
    expect(await outcome(verify, await sign(key, { alg: 'HS256' }))).toBe('algorithm');
  });

  test('ES256 from a JWKS file, picked by kid', async () => {
    const verify = await verifier({ jwt_algorithms: ['ES256', 'RS256'], jwt_jwks_file: keys.jwksFile });
    expect(await outcome(verify, await sign(keys.ec.privateKey, { alg: 'ES256', kid: 'ec-1' }))).toBe('2001');
    expect(await outcome(verify, await sign(keys.ec.privateKey, { alg: 'ES256' }))).toBe('2001');
    expect(await outcome(verify, await sign(keys.rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }))).toBe('2001');
    expect(await outcome(verify, await sign(keys.ec.privateKey, { alg: 'ES256', kid: 'unknown' }))).toBe('signature');
    expect(await outcome(verify, await sign(keys.otherRsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }))).toBe('signature');
  });

  test('several JWKS keys fit a token without kid: each is tried', async () => {
    const jwks = JSON.parse(await readFile(keys.jwksFile, 'utf8')) as { keys: Array<Record<string, unknown>> };
    const other = createPublicKey(keys.otherRsa.publicPem).export({ format: 'jwk' });
    const file = await keys.file('two-rsa.json', JSON.stringify({ keys: [{ ...other, kid: 'old' }, ...jwks.keys] }));
    const verify = await verifier({ jwt_algorithms: ['RS256'], jwt_jwks_file: file });
    expect(await outcome(verify, await sign(keys.rsa.privateKey, { alg: 'RS256' }))).toBe('2001');
    expect(await outcome(verify, await sign(keys.otherRsa.privateKey, { alg: 'RS256' }))).toBe('2001');
  });

  test('HS/RS confusion: an HS256 token keyed with the public PEM is refused', async () => {
    const token = await confusedToken(keys.rsa.publicPem);
    const rsOnly = await verifier({ jwt_algorithms: ['RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await outcome(rsOnly, token)).toBe('algorithm');
    const both = await verifier({ jwt_secret: SECRET, jwt_algorithms: ['HS256', 'RS256'], jwt_public_key_file: keys.rsaPemFile });
    expect(await outcome(both, token)).toBe('signature');
    expect(await outcome(both, await sign(key, { alg: 'HS256' }))).toBe('2001');
    expect(await outcome(both, await sign(keys.rsa.privateKey, { alg: 'RS256' }))).toBe('2001');
  });

  test('the clock tolerance is 5 s: expired 2 s ago passes, 30 s ago does not', async () => {
    const verify = await verifier({ jwt_secret: SECRET });
    expect(await outcome(verify, await sign(key, { alg: 'HS256', expInS: -2 }))).toBe('2001');
    expect(await outcome(verify, await sign(key, { alg: 'HS256', expInS: -30 }))).toBe('expired');
  });

  test('mintToken sets iss and aud when asked, so the verifier of such a config accepts it', async () => {
    const verify = await verifier({ jwt_secret: SECRET, jwt_issuer: 'https://crm.test', jwt_audience: 'gag' });
    const token = await mintToken({ secret: SECRET, extension: '2002', ttlSeconds: 60, issuer: 'https://crm.test', audience: 'gag' });
    expect(await outcome(verify, token)).toBe('2002');
  });
});
