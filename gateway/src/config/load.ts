/**
 * Reads, validates and freezes the gateway config, and reads its TLS certificate and key (the
 * token keys are read by `access/keys.ts`; `access/credentials.ts` reads both). The problems
 * become one `ConfigError` naming the file and, for each, the key and the fix.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import * as v from 'valibot';
import { ConfigError } from '../errors.js';
import { problemsOf } from './issue-words.js';
import { readJsonFile } from './json-file.js';
import { GatewaySchema, type GatewayConfig, type GatewayConfigInput } from './schema.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

function unknownKey(key: string): string {
  const known = Object.keys(GatewaySchema.pipe[0].entries);
  const [best] = known.map((k) => [k, distance(key, k)] as const).sort((x, y) => x[1] - y[1]);
  const hint = best !== undefined && best[1] <= 3 ? `did you mean "${best[0]}"?` : 'check its spelling against the README';
  return `unknown key — ${hint}`;
}

/**
 * Validate an already-parsed JSON value as read from `file`.
 * @throws ConfigError (`GAG_CONFIG_INVALID`) with every problem (`problems`), the first in its message.
 * @example
 * const config = parseGatewayConfig('goastgateway.json', JSON.parse(text));
 */
export function parseGatewayConfig(file: string, json: unknown): GatewayConfig {
  const r = v.safeParse(GatewaySchema, json);
  if (r.success) return deepFreeze(r.output);
  const [first, ...rest] = problemsOf(r.issues, unknownKey);
  throw ConfigError.of(file, [first!, ...rest]);
}

/**
 * Read and validate `file` (the files it names are read by `loadConfigFiles` in access/credentials.ts).
 * @throws ConfigError (`GAG_CONFIG_INVALID`) when the file is missing, not JSON, or invalid.
 * @example
 * const config = await loadGatewayConfig('/usr/local/etc/goastgateway.json');
 */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  return parseGatewayConfig(file, await readJsonFile(file, { missingFix: 'pass the path with -c' }));
}

/**
 * Safe local defaults for running without a file: both listeners on loopback, plain ws://, a
 * random secret that lives only in this process.
 * @throws ConfigError (`GAG_CONFIG_INVALID`) when an override is not a valid config key or value.
 * @example
 * const config = devConfig({ allowed_origins: ['http://localhost:8080'] });
 */
export function devConfig(overrides: Partial<GatewayConfigInput> = {}): GatewayConfig & {
  /** The random HMAC secret tokens for this gateway are signed with (`mintToken`). */
  readonly jwt_secret: string;
} {
  const config = parseGatewayConfig('(built-in dev defaults)', { jwt_secret: randomBytes(32).toString('hex'), ...overrides });
  if (config.jwt_secret === undefined) throw new ConfigError({ file: '(built-in dev defaults)', key: 'jwt_secret', fix: 'must not be removed from the dev defaults' });
  return config as GatewayConfig & { readonly jwt_secret: string };
}

/** The certificate and key of wss://, read from `cert_file` and `key_file`. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

async function readNamedFile(file: string, key: 'cert_file' | 'key_file', path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError({ file, key, fix: `cannot read ${path} (${code}) — check the path and that the gateway's user may read it` });
  }
}

/**
 * Read `cert_file` and `key_file` and check that they are PEM and belong together.
 * @throws ConfigError naming `cert_file` or `key_file`.
 */
export async function loadTls(config: GatewayConfig, file: string): Promise<TlsFiles | undefined> {
  if (config.cert_file === undefined || config.key_file === undefined) return undefined;
  const cert = await readNamedFile(file, 'cert_file', config.cert_file);
  const key = await readNamedFile(file, 'key_file', config.key_file);
  try {
    createSecureContext({ cert });
  } catch (cause) {
    throw new ConfigError({ file, key: 'cert_file', fix: `${config.cert_file} is not a PEM certificate (${(cause as Error).message})` });
  }
  try {
    createSecureContext({ cert, key });
  } catch (cause) {
    const fix = `${config.key_file} is not the PEM private key of ${config.cert_file} (${(cause as Error).message})`;
    throw new ConfigError({ file, key: 'key_file', fix });
  }
  return { cert, key };
}
