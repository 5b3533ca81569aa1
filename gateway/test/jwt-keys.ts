/**
 * Token keys for tests: an RSA and an EC P-256 key pair, written as a PEM public key and a JWKS
 * in a temporary directory, and a signer for tokens with any header and claims.
 */
import { createPublicKey } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';

export interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly publicPem: string;
}

export interface TestKeys {
  readonly dir: string;
  readonly rsa: KeyPair;
  /** Another RSA key, not in any file: its tokens must be refused. */
  readonly otherRsa: KeyPair;
  readonly ec: KeyPair;
  /** `rsa`'s public key as PEM. */
  readonly rsaPemFile: string;
  /** `ec`'s public key as PEM (an EC key, for type-mismatch cases). */
  readonly ecPemFile: string;
  /** A JWKS with `ec` (kid "ec-1", alg ES256) and `rsa` (kid "rsa-1"). */
  readonly jwksFile: string;
  /** Write `text` to a new file in `dir`. */
  file(name: string, text: string): Promise<string>;
}

async function pair(alg: 'RS256' | 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicPem: await exportSPKI(publicKey) };
}

/** Generate the keys and their files (once per test file: RSA generation takes a moment). */
export async function makeTestKeys(): Promise<TestKeys> {
  const dir = await mkdtemp(join(tmpdir(), 'gag-keys-'));
  const [rsa, otherRsa, ec] = await Promise.all([pair('RS256'), pair('RS256'), pair('ES256')]);
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const jwk = (pem: string) => createPublicKey(pem).export({ format: 'jwk' });
  const jwks = { keys: [{ ...jwk(ec.publicPem), kid: 'ec-1', alg: 'ES256', use: 'sig' }, { ...jwk(rsa.publicPem), kid: 'rsa-1' }] };
  return {
    dir,
    rsa,
    otherRsa,
    ec,
    rsaPemFile: await file('rsa.pem', rsa.publicPem),
    ecPemFile: await file('ec.pem', ec.publicPem),
    jwksFile: await file('jwks.json', JSON.stringify(jwks)),
    file,
  };
}

/** Options of {@link sign}: the header's `alg`/`kid`, expiry in seconds from now (negative: past), `iss`/`aud`. */
export interface SignOptions {
  readonly alg: string;
  readonly kid?: string;
  readonly expInS?: number | null;
  readonly iss?: string;
  readonly aud?: string;
}

/** Sign `claims` (default `{ ext: '2001' }`) with `key`; `expInS: null` leaves `exp` out. */
export function sign(key: CryptoKey | Uint8Array, options: SignOptions, claims: JWTPayload = { ext: '2001' }): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg, ...(options.kid === undefined ? {} : { kid: options.kid }) });
  if (options.expInS !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expInS ?? 60));
  if (options.iss !== undefined) jwt.setIssuer(options.iss);
  if (options.aud !== undefined) jwt.setAudience(options.aud);
  return jwt.sign(key);
}

/** The HS/RS confusion attack: an HS256 token whose HMAC key is the server's public key PEM. */
export function confusedToken(publicPem: string): Promise<string> {
  return sign(new TextEncoder().encode(publicPem), { alg: 'HS256' });
}
