/**
 * Reads, validates and freezes the gateway config. The first problem becomes a `ConfigError`
 * naming the file, the key and the fix.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { ConfigError } from '../errors.js';
import { GatewaySchema, type GatewayConfig, type GatewayConfigInput } from './schema.js';

const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  jwt_secret: ': the HS256 secret that signs browser tokens, at least 32 random characters (openssl rand -hex 32)',
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Validate an already-parsed JSON value as read from `file`. */
export function parseGatewayConfig(file: string, json: unknown): GatewayConfig {
  const r = v.safeParse(GatewaySchema, json);
  if (r.success) return deepFreeze(r.output);
  const [issue] = r.issues;
  const key = v.getDotPath(issue) ?? '(top level)';
  // A missing key is reported by the object, not by the key's own schema (and its message).
  const fix = issue.input === undefined ? `is required${REQUIRED_HINTS[key] ?? ''}` : issue.message;
  throw new ConfigError({ file, key, fix });
}

/** Read and validate `file`. */
export async function loadGatewayConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError({ file, key: '(file)', fix: code === 'ENOENT' ? 'no such file — pass the path with -c' : `cannot be read (${code})` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError({ file, key: '(syntax)', fix: `not valid JSON: ${(cause as Error).message}` });
  }
  return parseGatewayConfig(file, json);
}

/**
 * Safe local defaults for running without a file: both listeners on loopback, plain ws://, a
 * random secret that lives only in this process.
 */
export function devConfig(overrides: Partial<GatewayConfigInput> = {}): GatewayConfig {
  return parseGatewayConfig('(built-in dev defaults)', { jwt_secret: randomBytes(32).toString('hex'), ...overrides });
}
