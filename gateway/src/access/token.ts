/**
 * Browser tokens: HS256 JWTs signed with `jwt_secret`, with the extension in claim `ext`.
 * Verified with jose and an explicit algorithm allow-list; `exp` is required.
 * @packageDocumentation
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { MAX_TOKEN_CHARS } from '@gag/sdk/protocol';
import { TokenError, type TokenRefusal } from '../errors.js';

/** Clock skew tolerated between the token issuer and the gateway. */
export const CLOCK_TOLERANCE_S = 5;
const ALGORITHMS = ['HS256'];

/** What a valid token says. */
export interface TokenClaims {
  readonly extension: string;
  /** Expiry, ms since the epoch. */
  readonly expiresAtMs: number;
}

const encoder = new TextEncoder();

function refusalOf(e: unknown): TokenRefusal {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return 'algorithm';
  if (e instanceof errors.JWTClaimValidationFailed) return e.claim === 'nbf' ? 'not_yet_valid' : 'claims';
  return 'malformed';
}

/**
 * Verify a browser token.
 * @throws TokenError (`GAG_TOKEN_INVALID`) with a `reason` to log and count.
 * @example
 * const { extension } = await verifyToken(token, secret); // '2001'
 */
export async function verifyToken(token: string | undefined, secret: string): Promise<TokenClaims> {
  if (token === undefined || token === '') throw new TokenError('missing', 'no token');
  if (token.length > MAX_TOKEN_CHARS) throw new TokenError('malformed', 'token too long');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, encoder.encode(secret), {
      algorithms: ALGORITHMS,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
  } catch (cause) {
    const reason = refusalOf(cause);
    throw new TokenError(reason, `token refused: ${reason.replaceAll('_', ' ')}`, { cause });
  }
  const ext = payload['ext'];
  const extension = typeof ext === 'number' && Number.isInteger(ext) ? String(ext) : ext;
  if (typeof extension !== 'string' || !/^[\w.+-]{1,64}$/.test(extension)) {
    throw new TokenError('claims', "token refused: claim 'ext' (the extension) is missing or not a string");
  }
  return { extension, expiresAtMs: (payload.exp ?? 0) * 1000 };
}

/**
 * Sign a token for `extension` (the demo, tests, and backends that mint tokens in Node).
 * @example
 * const token = await mintToken({ secret, extension: '2001', ttlSeconds: 3600 });
 */
export async function mintToken(options: { secret: string; extension: string; ttlSeconds: number }): Promise<string> {
  return new SignJWT({ ext: options.extension })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds}s`)
    .sign(encoder.encode(options.secret));
}
