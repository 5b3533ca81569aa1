/**
 * The schema of `goastgateway.json`. GoAstGateway's keys are public interface and keep their
 * meaning; new keys are snake_case with a unit suffix. Objects are strict: a misspelled key is an
 * error that names it.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { isIpRule } from '../access/ip-acl.js';
import { LOG_LEVELS } from '../log.js';
import { isLoopback, parseListenAddress } from './address.js';

const compiles = (pattern: string): boolean => {
  try {
    return new RegExp(`(?:${pattern})|`).exec('')!.length > 1;
  } catch {
    return false;
  }
};

const Address = (example: string) =>
  v.pipe(v.string(), v.check((s) => parseListenAddress(s) !== undefined, `write host:port or :port, e.g. "${example}"`));

const IpList = v.array(
  v.pipe(v.string(), v.check(isIpRule, 'each entry must be an IP address or a CIDR, e.g. "127.0.0.1" or "192.168.0.0/16"')),
);

const Origin = v.pipe(
  v.string(),
  v.check((s) => {
    try {
      return new URL(s).origin === s;
    } catch {
      return false;
    }
  }, 'write each origin exactly as the browser sends it: scheme://host[:port], no path or trailing slash, e.g. "https://crm.example.com"'),
);

export const GatewaySchema = v.pipe(
  v.strictObject({
    asterisk_addr: v.optional(Address(':8765'), '127.0.0.1:8765'),
    browser_addr: v.optional(Address(':8766'), '127.0.0.1:8766'),
    asterisk_format: v.optional(v.picklist(['text', 'json'], 'must be "text" or "json"'), 'text'),
    extension_variable: v.optional(v.pipe(v.string(), v.minLength(1)), 'WS_EXTEN'),
    exten_search_pattern: v.optional(
      v.pipe(v.string(), v.check(compiles, 'must be a regular expression with one capture group, e.g. "ws-ext-(\\\\w+)"')),
      'ws-ext-(\\w+)',
    ),
    cert_file: v.optional(v.pipe(v.string(), v.minLength(1))),
    key_file: v.optional(v.pipe(v.string(), v.minLength(1))),
    allowed_asterisk_ips: v.optional(IpList, ['127.0.0.1', '::1']),
    allowed_browser_ips: v.optional(IpList, []),
    allowed_origins: v.optional(v.array(Origin), []),
    jwt_secret: v.pipe(
      v.string('must be a string'),
      v.minLength(32, 'too short — use at least 32 random characters (openssl rand -hex 32)'),
    ),
    log_level: v.optional(
      v.pipe(v.string(), v.toLowerCase(), v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)),
      'info',
    ),
    // New in GAG.
    ring_timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000, 'must be at least 1000 (1 s)')), 60_000),
    caller_number_param: v.optional(v.pipe(v.string(), v.minLength(1)), 'from'),
    caller_name_param: v.optional(v.pipe(v.string(), v.minLength(1)), 'name'),
    allow_insecure_browser: v.optional(v.boolean(), false),
  }),
  v.forward(
    v.partialCheck(
      [['cert_file'], ['key_file']],
      (c) => (c.cert_file === undefined) === (c.key_file === undefined),
      'cert_file and key_file go together: set both (wss://) or neither (ws:// on loopback)',
    ),
    ['key_file'],
  ),
  v.forward(
    v.partialCheck(
      [['browser_addr'], ['cert_file'], ['allow_insecure_browser']],
      (c) => c.cert_file !== undefined || c.allow_insecure_browser || isLoopback(parseListenAddress(c.browser_addr)!),
      'plain ws:// is only allowed on loopback: set cert_file and key_file for wss://, bind to 127.0.0.1, or set "allow_insecure_browser": true behind a TLS proxy',
    ),
    ['browser_addr'],
  ),
);

/** The gateway's configuration, parsed and frozen. */
export type GatewayConfig = Readonly<v.InferOutput<typeof GatewaySchema>>;
/** What a config file may contain (every key but `jwt_secret` optional). */
export type GatewayConfigInput = v.InferInput<typeof GatewaySchema>;
