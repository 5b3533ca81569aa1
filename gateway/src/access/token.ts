/**
 * Browser tokens: JWTs with the extension in claim `ext`, verified with jose against the
 * algorithms `jwt_algorithms` allows (HS* with `jwt_secret`, RS, PS or ES with a public key or a
 * JWKS), `exp` required, and `iss`/`aud` when configured. The key follows from the algorithm
 * family, so an HS256 token can never be checked against a public key (no alg confusion).
 * @packageDocumentation
 */
import type { JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import type * as JoseErrors from 'jose/errors';
import type { jwtVerify } from 'jose/jwt/verify';
import { MAX_TOKEN_CHARS, SUPERVISOR_ROLE } from '@gag/sdk/protocol';
import { isHmac, type GatewayConfig } from '../config/schema.js';
import { TokenError, type TokenRefusal } from '../errors.js';
import { hmacKeys, type TokenKeys } from './keys.js';

/** Clock skew tolerated between the token issuer and the gateway. */
export const CLOCK_TOLERANCE_S = 5;

/**
 * What a valid token says.
 * @example const { extension, expiresAtMs }: TokenClaims = await verify(token);
 */
export interface TokenClaims {
  /** The extension the phone logs in as (the token's `ext` claim). */
  readonly extension: string;
  /** Expiry, ms since the epoch. */
  readonly expiresAtMs: number;
  /** The token asks for this agent's calls to be recorded (claim `gag_record: true`; docs/fork-and-record.md). */
  readonly record?: boolean;
  /** The token asks for this agent's calls to be forked to `fork_url` (claim `gag_fork: true`). */
  readonly fork?: boolean;
  /** The token logs in a supervisor (claim `gag_role: "supervisor"`; docs/supervisors.md): the config still says what it may see. */
  readonly supervisor?: boolean;
}

/**
 * Verifies one browser token; built once per config by {@link createTokenVerifier}.
 * @throws TokenError (`GAG_TOKEN_INVALID`) with a `reason` to log and count.
 * @example const verify: TokenVerifier = createTokenVerifier(config, await loadTokenKeys(config, file));
 */
export type TokenVerifier = (token: string | undefined) => Promise<TokenClaims>;

/**
 * The config keys a verifier follows.
 * @example createTokenVerifier({ jwt_algorithms: ['HS256'], jwt_issuer: 'crm', jwt_audience: undefined } satisfies VerifierConfig, keys);
 */
export type VerifierConfig = Pick<GatewayConfig, 'jwt_algorithms' | 'jwt_audience' | 'jwt_issuer'>;

/** What verifying needs of jose: see {@link loadJose}. */
interface Jose {
  readonly jwtVerify: typeof jwtVerify;
  readonly errors: typeof JoseErrors;
}

/**
 * jose's verification and its errors, loaded at the first token rather than at start-up: an idle
 * gateway verifies none (issue 16). By subpath, because jose's index also loads every JWE and JWK
 * module: the index cost about 0.5 MiB of heap and 2.5 MiB of RSS, these files 0.3 and 1. After
 * the first call the module map has them, and this resolves at once.
 */
async function loadJose(): Promise<Jose> {
  const [verify, errors] = await Promise.all([import('jose/jwt/verify'), import('jose/errors')]);
  return { jwtVerify: verify.jwtVerify, errors };
}

function refusalOf(e: unknown, { errors }: Jose): TokenRefusal {
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) return 'signature';
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return 'algorithm';
  if (e instanceof errors.JWTClaimValidationFailed) return e.claim === 'nbf' ? 'not_yet_valid' : 'claims';
  return 'malformed';
}

/** The key for a token's header: the family of `alg` decides where it may come from. */
function keyResolver(keys: TokenKeys, { errors }: Jose): JWTVerifyGetKey {
  return async (header, token) => {
    const alg = header.alg ?? '';
    if (isHmac(alg)) {
      if (keys.secret === undefined) throw new errors.JWKSNoMatchingKey();
      return keys.secret;
    }
    const pem = keys.publicKeys.get(alg);
    if (keys.jwks !== undefined && (header.kid !== undefined || pem === undefined)) return keys.jwks(header, token);
    if (pem === undefined) throw new errors.JWKSNoMatchingKey();
    return pem;
  };
}

async function verifyJwt({ jwtVerify, errors }: Jose, token: string, getKey: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, getKey, options)).payload;
  } catch (e) {
    if (!(e instanceof errors.JWKSMultipleMatchingKeys)) throw e;
    // Several JWKS keys fit a token without `kid`: try each, as jose's documentation shows.
    for await (const key of e) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/**
 * Build the verifier for a config and its keys (see `loadTokenKeys`).
 * @example
 * const verify = createTokenVerifier(config, await loadTokenKeys(config, 'goastgateway.json'));
 * const { extension } = await verify(token); // '2001'
 */
export function createTokenVerifier(config: VerifierConfig, keys: TokenKeys): TokenVerifier {
  const options: JWTVerifyOptions = {
    algorithms: [...config.jwt_algorithms],
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_S,
    ...(config.jwt_issuer === undefined ? {} : { issuer: config.jwt_issuer }),
    ...(config.jwt_audience === undefined ? {} : { audience: config.jwt_audience }),
  };
  let getKey: JWTVerifyGetKey | undefined; // made once, with jose at the first token
  return async (token) => {
    if (token === undefined || token === '') throw new TokenError('missing', 'no token');
    if (token.length > MAX_TOKEN_CHARS) throw new TokenError('malformed', 'token too long');
    const jose = await loadJose();
    getKey ??= keyResolver(keys, jose);
    let payload: JWTPayload;
    try {
      payload = await verifyJwt(jose, token, getKey, options);
    } catch (cause) {
      const reason = refusalOf(cause, jose);
      throw new TokenError(reason, `token refused: ${reason.replaceAll('_', ' ')}`, { cause });
    }
    const ext = payload['ext'];
    const extension = typeof ext === 'number' && Number.isInteger(ext) ? String(ext) : ext;
    if (typeof extension !== 'string' || !/^[\w.+-]{1,64}$/.test(extension)) {
      throw new TokenError('claims', "token refused: claim 'ext' (the extension) is missing or not a string");
    }
    return { extension, expiresAtMs: (payload.exp ?? 0) * 1000, record: payload['gag_record'] === true, fork: payload['gag_fork'] === true, supervisor: payload['gag_role'] === SUPERVISOR_ROLE };
  };
}

/**
 * Verify an HS256 token with `secret` (GoAstGateway's scheme), without issuer or audience checks.
 * Prefer a verifier from {@link createTokenVerifier}, which follows the whole config.
 * @throws TokenError (`GAG_TOKEN_INVALID`) with a `reason` to log and count.
 * @example
 * const { extension } = await verifyToken(token, secret); // '2001'
 */
export function verifyToken(token: string | undefined, secret: string): Promise<TokenClaims> {
  return createTokenVerifier({ jwt_algorithms: ['HS256'], jwt_audience: undefined, jwt_issuer: undefined }, hmacKeys(secret))(token);
}

/**
 * Sign an HS256 token for `extension` (the demo, tests, and backends that mint tokens in Node).
 * `issuer` and `audience` match `jwt_issuer` and `jwt_audience` when those are set; `record` and
 * `fork` add the claims `gag_record` / `gag_fork`, which record or fork the agent's calls
 * (docs/fork-and-record.md); `supervisor` adds `gag_role: "supervisor"` (docs/supervisors.md).
 * @example
 * const token = await mintToken({ secret, extension: '2001', ttlSeconds: 3600 });
 * const recorded = await mintToken({ secret, extension: '2001', ttlSeconds: 3600, record: true });
 */
export async function mintToken(options: { secret: string; extension: string; ttlSeconds: number; issuer?: string; audience?: string; record?: boolean; fork?: boolean; supervisor?: boolean }): Promise<string> {
  const { SignJWT } = await import('jose/jwt/sign');
  const jwt = new SignJWT({
    ext: options.extension,
    ...(options.record === true ? { gag_record: true } : {}),
    ...(options.fork === true ? { gag_fork: true } : {}),
    ...(options.supervisor === true ? { gag_role: SUPERVISOR_ROLE } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds}s`);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
