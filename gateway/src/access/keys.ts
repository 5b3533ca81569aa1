/**
 * The keys browser tokens are verified with, read once at start-up (and on reload): the HMAC
 * secret (`jwt_secret`), a PEM public key (`jwt_public_key_file`) and a local JWKS
 * (`jwt_jwks_file`). Every algorithm `jwt_algorithms` allows must have a key here, or the config
 * is refused: a key problem shows at start-up, not as refused logins.
 * @packageDocumentation
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CryptoKey, JSONWebKeySet, JWK, JWTVerifyGetKey } from 'jose';
import { isHmac, type GatewayConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/**
 * Verification keys, built once per config.
 * @example const keys: TokenKeys = await loadTokenKeys(config, 'goastgateway.json');
 */
export interface TokenKeys {
  /** The HMAC key of HS* tokens (`jwt_secret`). */
  readonly secret: Uint8Array | undefined;
  /** `jwt_public_key_file`, imported once for each algorithm it serves. */
  readonly publicKeys: ReadonlyMap<string, CryptoKey>;
  /** `jwt_jwks_file`: picks a key by the token's `kid` and `alg`. */
  readonly jwks: JWTVerifyGetKey | undefined;
}

/**
 * The config keys the token keys come from.
 * @example await loadTokenKeys({ jwt_secret: undefined, jwt_algorithms: ['RS256'], jwt_public_key_file: '/etc/gag/jwt.pub', jwt_jwks_file: undefined } satisfies KeyConfig, 'inline');
 */
export type KeyConfig = Pick<GatewayConfig, 'jwt_secret' | 'jwt_algorithms' | 'jwt_public_key_file' | 'jwt_jwks_file'>;

/** What a public key can verify: the JWK `kty`/`crv` that jose's key selection matches on. */
interface KeyShape {
  readonly kty: string;
  readonly crv?: string;
}

/** OpenSSL curve names → JWK `crv`. */
const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
/** The curve each ECDSA algorithm signs with (RFC 7518 §3.4). */
const ES_CURVES: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const MIN_RSA_BITS = 2048; // jose refuses smaller RSA keys at verification time

/** Whether a key of `shape` can verify `alg` (RS and PS need RSA, ES256/384/512 need P-256/384/521). */
function serves(shape: KeyShape, alg: string): boolean {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return shape.kty === 'RSA';
  return shape.kty === 'EC' && shape.crv !== undefined && shape.crv === ES_CURVES[alg];
}

const describe = (shape: KeyShape): string => (shape.kty === 'EC' ? `an EC ${shape.crv ?? ''} key` : `an ${shape.kty} key`);

/** HMAC-only keys from a secret (the legacy `verifyToken(token, secret)`). */
export function hmacKeys(secret: string): TokenKeys {
  return { secret: new TextEncoder().encode(secret), publicKeys: new Map(), jwks: undefined };
}

async function readKeyFile(file: string, key: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError({ file, key, fix: `cannot read ${path} (${code}) — check the path and that the gateway's user may read it` });
  }
}

function shapeOf(key: KeyObject): KeyShape {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return { kty: 'RSA' };
  if (type === 'ec') return { kty: 'EC', crv: CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'unsupported curve' };
  return { kty: type ?? 'unknown' };
}

async function loadPem(config: KeyConfig, file: string, path: string): Promise<Map<string, CryptoKey>> {
  const key = 'jwt_public_key_file';
  const pem = await readKeyFile(file, key, path);
  const refuse = (fix: string): ConfigError => new ConfigError({ file, key, fix: `${path} ${fix}` });
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw refuse('is a private key — give the gateway only the public key (openssl pkey -in key.pem -pubout -out public.pem)');
  }
  if (pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw refuse('is a certificate — extract its public key (openssl x509 -in cert.pem -pubkey -noout > public.pem)');
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) throw refuse('is not a PEM public key — it must start with -----BEGIN PUBLIC KEY----- (SPKI)');
  let object: KeyObject;
  try {
    object = createPublicKey(pem);
  } catch (cause) {
    throw refuse(`is not a readable PEM public key (${(cause as Error).message})`);
  }
  const shape = shapeOf(object);
  const bits = object.asymmetricKeyDetails?.modulusLength;
  if (shape.kty === 'RSA' && bits !== undefined && bits < MIN_RSA_BITS) {
    throw refuse(`is a ${bits}-bit RSA key — use at least ${MIN_RSA_BITS} bits (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)`);
  }
  const keys = new Map<string, CryptoKey>();
  // jose only with a key file, and by subpath (as in token.ts): a gateway with jwt_secret alone never needs it to start.
  const { importSPKI } = await import('jose/key/import');
  for (const alg of config.jwt_algorithms) {
    if (serves(shape, alg)) keys.set(alg, await importSPKI(pem, alg));
  }
  if (keys.size === 0 && config.jwt_jwks_file === undefined) {
    const wanted = config.jwt_algorithms.filter((a) => !isHmac(a)).join(', ');
    throw refuse(`is ${describe(shape)}, which verifies none of ${wanted} — give a matching key or fix jwt_algorithms`);
  }
  return keys;
}

async function loadJwks(file: string, path: string): Promise<{ getKey: JWTVerifyGetKey; shapes: Array<KeyShape & { alg?: string; use?: string }> }> {
  const key = 'jwt_jwks_file';
  const text = await readKeyFile(file, key, path);
  const refuse = (fix: string): ConfigError => new ConfigError({ file, key, fix: `${path} ${fix}` });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw refuse(`is not valid JSON (${(cause as Error).message})`);
  }
  let getKey: JWTVerifyGetKey;
  const { createLocalJWKSet } = await import('jose/jwks/local'); // only with a JWKS file, as importSPKI above
  try {
    getKey = createLocalJWKSet(json as JSONWebKeySet);
  } catch {
    throw refuse('is not a JWKS — write {"keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}]}');
  }
  const jwks = (json as { keys: JWK[] }).keys;
  const shapes = jwks.map((jwk, i) => {
    if (jwk.kty === 'oct') throw refuse(`keys[${i}] is a secret (oct) key — a JWKS here holds public keys only; HS* tokens use jwt_secret`);
    if (jwk.d !== undefined) throw refuse(`keys[${i}] contains a private key ("d") — publish only the public part`);
    let object: KeyObject;
    try {
      object = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch (cause) {
      throw refuse(`keys[${i}] is not a valid public key (${(cause as Error).message})`);
    }
    const bits = object.asymmetricKeyDetails?.modulusLength;
    if (jwk.kty === 'RSA' && bits !== undefined && bits < MIN_RSA_BITS) {
      throw refuse(`keys[${i}] is a ${bits}-bit RSA key — use at least ${MIN_RSA_BITS} bits`);
    }
    return { kty: jwk.kty ?? '', ...(jwk.crv === undefined ? {} : { crv: jwk.crv }), ...(jwk.alg === undefined ? {} : { alg: jwk.alg }), ...(jwk.use === undefined ? {} : { use: jwk.use }) };
  });
  return { getKey, shapes };
}

/**
 * Read and check the token keys a config names.
 * @param file the config file's name, for errors.
 * @throws ConfigError (`GAG_CONFIG_INVALID`) naming `jwt_public_key_file` or `jwt_jwks_file` when a
 * file cannot be read or parsed, holds a private or secret key, or leaves an allowed algorithm without a key.
 * @example
 * const keys = await loadTokenKeys(config, 'goastgateway.json');
 * const verify = createTokenVerifier(config, keys);
 */
export async function loadTokenKeys(config: KeyConfig, file: string): Promise<TokenKeys> {
  const publicKeys = config.jwt_public_key_file === undefined ? new Map<string, CryptoKey>() : await loadPem(config, file, config.jwt_public_key_file);
  const jwks = config.jwt_jwks_file === undefined ? undefined : await loadJwks(file, config.jwt_jwks_file);
  for (const alg of config.jwt_algorithms) {
    if (isHmac(alg) || publicKeys.has(alg)) continue;
    const inJwks = jwks?.shapes.some((s) => serves(s, alg) && (s.alg === undefined || s.alg === alg) && (s.use === undefined || s.use === 'sig'));
    if (inJwks === true) continue;
    const key = config.jwt_jwks_file === undefined ? 'jwt_public_key_file' : 'jwt_jwks_file';
    const need = alg.startsWith('ES') ? `an EC ${ES_CURVES[alg] ?? ''} key` : 'an RSA key';
    throw new ConfigError({ file, key, fix: `has no key for ${alg} (jwt_algorithms) — add ${need}, or remove ${alg} from jwt_algorithms` });
  }
  return {
    secret: config.jwt_secret === undefined ? undefined : new TextEncoder().encode(config.jwt_secret),
    publicKeys,
    jwks: jwks?.getKey,
  };
}
