import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import { mintToken, verifyToken } from '../src/access/token.js';
import { TokenError } from '../src/errors.js';

const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const key = new TextEncoder().encode(SECRET);
const sign = (claims: Record<string, unknown>, exp: string | number = '1m') =>
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
    expect((await verifyToken(await sign({ ext: 2001 }), SECRET)).extension).toBe('2001');
  });

  test.each([
    ['a bad signature', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1m').sign(new TextEncoder().encode('another-secret-0123456789abcdef0123')), 'signature'],
    ['an expired token', () => sign({ ext: '2001' }, Math.floor(Date.now() / 1000) - 60), 'expired'],
    ['a token not yet valid', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2h').setNotBefore('1h').sign(key), 'not_yet_valid'],
    ['a token without exp', () => new SignJWT({ ext: '2001' }).setProtectedHeader({ alg: 'HS256' }).sign(key), 'claims'],
    ['a token without ext', () => sign({ sub: 'tanaka' }), 'claims'],
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
