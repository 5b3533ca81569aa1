/**
 * The schema of `goastgateway.json`. GoAstGateway's keys are public interface and keep their
 * meaning; new keys are snake_case with a unit suffix. Objects are strict: a misspelled key is an
 * error that names it. Cross-field rules are here too (`v.forward`), so they still name a key.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { PACKET_TIMES_MS } from '@gag/sdk/protocol';
import { LOG_LEVELS } from '../log.js';
import { isIpRule, isLoopback, parseListenAddress } from './address.js';
import { FORK_KEYS, FORK_URL_NEEDED, RECORDING_DIR_NEEDED, RECORDING_KEYS, forkUrlOk, recordingDirOk } from './media-schema.js';
import { SUPERVISOR_KEYS } from './supervisor-schema.js';
import { CLUSTER_KEYS } from './cluster-schema.js';

/** JWS algorithms a token may be signed with (`jwt_algorithms`). HS* use `jwt_secret`, the rest a public key. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
/** A token algorithm `jwt_algorithms` may allow. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Whether `alg` is an HMAC algorithm (verified with `jwt_secret`, never with a public key). */
export const isHmac = (alg: string): boolean => alg.startsWith('HS');

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern); // on its own first: `a)|(b` compiles only inside the wrapper below
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

/** A whole number of things, at least `min`. */
const Count = (min: number) =>
  v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(min, `must be at least ${min}`));

const NonEmpty = (fix: string) => v.pipe(v.string('must be a string'), v.minLength(1, fix));
const FilePath = NonEmpty('must not be empty — write the path of the file, or remove the key');
const ChannelVariable = v.pipe(
  v.string('must be a string'),
  v.regex(/^[A-Za-z_]\w{0,79}$/, 'must be a channel variable name, e.g. "GAG_CALLER_NUM" (set it with a leading _ in the dialplan so it is inherited)'),
);

/** Whether every `{…}` placeholder of a click-to-call template is one of `allowed` (`{ext}`: the token's extension, `{number}`: the number dialled). */
const placeholdersOk = (text: string, allowed: readonly string[]): boolean => (text.match(/\{[^}]*\}/g) ?? []).every((p) => allowed.includes(p));
/** AMI header values and ARI query values: one line of printable text (no header injection). */
const printable = (s: string): boolean => /^[\x20-\x7e\u00a0-\uffff]*$/.test(s);
const fullMatchCompiles = (pattern: string): boolean => {
  try {
    // The bare pattern first: `0\d{9})|(.*` compiles only once wrapped, as `^(?:0\d{9})|(.*)$`, and
    // would then allow any number (issue 15). Unicode mode: a stray `{` or `]` is an error, not a literal.
    new RegExp(pattern, 'u');
    new RegExp(`^(?:${pattern})$`, 'u');
    return true;
  } catch {
    return false;
  }
};
/**
 * The default `dial_number_pattern`: Japanese national numbers only (docs/click-to-call.md#which-numbers).
 * Fixed lines and free dial 0120 (10 digits: 0, then 1–9), mobiles 070/080/090, IP phones 050 and
 * free dial 0800 (11 digits). Refused: the international prefix 010, carrier selection and
 * carrier-routed international (00XY: 0033, 0041, 0061, 0070, 0077, 0088, 0091 …; every number
 * starting 00), `+`, and the caller-paid services 0570 (navi dial), 0180 and 0990.
 * @example new RegExp(`^(?:${DEFAULT_DIAL_NUMBER_PATTERN})$`).test('0312345678'); // true (and false for '0570000000')
 */
export const DEFAULT_DIAL_NUMBER_PATTERN = '(?!010|0570|0180|0990)0[1-9]\\d{8}|0[5789]0\\d{8}';
/** The originate backends (`originate`): `none` turns click-to-call off. */
export const ORIGINATE_BACKENDS = ['none', 'ami', 'ari'] as const;

/** The valibot schema of `goastgateway.json`: GoAstGateway's keys plus GAG's, strict. */
export const GatewaySchema = v.pipe(
  v.strictObject({
    // GoAstGateway's keys.
    /** Where Asterisk connects (plain ws://), `host:port` or `:port`. */
    asterisk_addr: v.optional(Address(':8765'), '127.0.0.1:8765'),
    /** Where browsers connect (`/phone`), `host:port` or `:port`. */
    browser_addr: v.optional(Address(':8766'), '127.0.0.1:8766'),
    /** Accepted so GoAstGateway configs load, but unused: each call's control format is detected from its MEDIA_START. */
    asterisk_format: v.optional(v.picklist(['text', 'json'], 'must be "text" or "json"'), 'text'),
    /** The channel variable that names the called extension (GoAstGateway's; Asterisk sends it in MEDIA_START). */
    extension_variable: v.optional(v.pipe(v.string(), v.minLength(1)), 'WS_EXTEN'),
    /** A regular expression with one capture group that reads the extension from the connection id, e.g. `ws-ext-(\w+)`. */
    exten_search_pattern: v.optional(
      v.pipe(v.string(), v.check(compiles, 'must be a regular expression with one capture group, e.g. "ws-ext-(\\\\w+)"')),
      'ws-ext-(\\w+)',
    ),
    /** PEM certificate (chain) for wss:// on `browser_addr`; read at start-up, not on reload. */
    cert_file: v.optional(FilePath),
    /** PEM private key of `cert_file`. */
    key_file: v.optional(FilePath),
    /** Addresses (or CIDR ranges) Asterisk may connect from; others are refused with 403 before the upgrade. */
    allowed_asterisk_ips: v.optional(IpList, ['127.0.0.1', '::1']),
    /** Addresses (or CIDR ranges) browsers may connect from; empty: any. */
    allowed_browser_ips: v.optional(IpList, []),
    /** Origins of the pages allowed to open a phone, exactly, e.g. `https://crm.example.com`; empty: none (every browser is refused). */
    allowed_origins: v.optional(v.array(Origin), []),
    /** HMAC secret of HS* tokens; required while `jwt_algorithms` allows an HS algorithm. */
    jwt_secret: v.optional(
      v.pipe(v.string('must be a string'), v.minLength(32, 'too short — use at least 32 random characters (openssl rand -hex 32)')),
    ),
    /** The lowest level logged: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent` (any case). */
    log_level: v.optional(
      v.pipe(v.string(), v.toLowerCase(), v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)),
      'info',
    ),
    // New in GAG.
    /** How long a call rings before it is given up, in ms. */
    ring_timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1_000, 'must be at least 1000 (1 s)')), 60_000),
    /** URI parameter (`v(from=…)` in the dial string) carrying the caller's number. */
    caller_number_param: v.optional(v.pipe(v.string(), v.minLength(1)), 'from'),
    /** URI parameter carrying the caller's name. */
    caller_name_param: v.optional(v.pipe(v.string(), v.minLength(1)), 'name'),
    /** Channel variable (JSON format, `Set(_GAG_CALLER_NUM=${CALLERID(num)})`) carrying the caller's number. */
    caller_number_variable: v.optional(ChannelVariable, 'GAG_CALLER_NUM'),
    /** Channel variable carrying the caller's name. */
    caller_name_variable: v.optional(ChannelVariable, 'GAG_CALLER_NAME'),
    /** Audio per message towards gag.v1 browsers, ms (20, 40 or 60): fewer messages cost less CPU and add latency (docs/performance.md#packet-time). */
    browser_packet_ms: v.optional(v.picklist(PACKET_TIMES_MS, 'must be 20, 40 or 60 (ms of audio in each message to and from gag.v1 browsers)'), 20),
    /** Accept plain ws:// on a non-loopback `browser_addr` (behind a TLS-terminating proxy). */
    allow_insecure_browser: v.optional(v.boolean(), false),
    /** HTTP Basic user Asterisk must send (`username` in websocket_client.conf); set with `asterisk_password`. */
    asterisk_username: v.optional(
      v.pipe(NonEmpty('must not be empty'), v.check((s) => !s.includes(':'), 'must not contain ":" (HTTP Basic forbids it)')),
    ),
    /** HTTP Basic password Asterisk must send (`password` in websocket_client.conf). Never logged. */
    asterisk_password: v.optional(NonEmpty('must not be empty — use a long random password (openssl rand -hex 16)')),
    /** Tokens must carry this `aud`; unset, `aud` is not checked. */
    jwt_audience: v.optional(NonEmpty('must not be empty — write the audience your token issuer sets, e.g. "gag", or remove the key')),
    /** Tokens must carry this `iss`; unset, `iss` is not checked. */
    jwt_issuer: v.optional(NonEmpty('must not be empty — write the issuer your tokens carry, e.g. "https://crm.example.com", or remove the key')),
    /** PEM public key (SPKI, `-----BEGIN PUBLIC KEY-----`) for the RS*, PS* or ES* algorithms in `jwt_algorithms`. */
    jwt_public_key_file: v.optional(FilePath),
    /** A local JWKS file (`{"keys": [...]}`, public keys only); tokens pick a key by `kid`. */
    jwt_jwks_file: v.optional(FilePath),
    /** The algorithms a token may be signed with; anything else is refused. */
    jwt_algorithms: v.optional(
      v.pipe(
        v.array(v.picklist(JWT_ALGORITHMS, `each entry must be one of ${JWT_ALGORITHMS.join(', ')}`)),
        v.minLength(1, 'list at least one algorithm, e.g. ["HS256"]'),
      ),
      ['HS256'],
    ),
    /**
     * Bearer token for the operations API (`/api/…`, `/metrics`, `/monitor`). Unset, those answer
     * only loopback requests that did not come through a proxy.
     */
    admin_token: v.optional(
      v.pipe(v.string('must be a string'), v.minLength(32, 'too short — use at least 32 random characters (openssl rand -hex 32)')),
    ),
    // Click-to-call (docs/click-to-call.md).
    /** How the gateway asks Asterisk to ring a user back: AMI, ARI, or not at all. */
    originate: v.optional(v.picklist(ORIGINATE_BACKENDS, 'must be "none", "ami" or "ari"'), 'none'),
    /** The AMI host (manager.conf `bindaddr`). */
    ami_host: v.optional(NonEmpty('must not be empty — e.g. "127.0.0.1"'), '127.0.0.1'),
    /** The AMI TCP port (manager.conf `port`). */
    ami_port: v.optional(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1, 'must be 1–65535'), v.maxValue(65_535, 'must be 1–65535')), 5038),
    /** The manager.conf section name the gateway logs in as. */
    ami_username: v.optional(v.pipe(NonEmpty('must not be empty'), v.check(printable, 'must be one line of printable text'))),
    /** That section's `secret`. Never logged. */
    ami_secret: v.optional(v.pipe(NonEmpty('must not be empty — the secret of the manager.conf section'), v.check(printable, 'must be one line of printable text'))),
    /** Asterisk's HTTP server (http.conf), without `/ari`: the gateway adds `/ari/channels`. */
    ari_url: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.check((s) => {
          try {
            const u = new URL(s);
            return (u.protocol === 'http:' || u.protocol === 'https:') && (u.pathname === '/' || u.pathname === '') && u.search === '' && u.username === '';
          } catch {
            return false;
          }
        }, 'write the base URL of Asterisk\'s HTTP server without a path or credentials, e.g. "http://127.0.0.1:8088"'),
      ),
      'http://127.0.0.1:8088',
    ),
    /** The ari.conf user the gateway authenticates as (HTTP Basic). */
    ari_username: v.optional(v.pipe(NonEmpty('must not be empty'), v.check((s) => !s.includes(':'), 'must not contain ":" (HTTP Basic forbids it)'))),
    /** That user's `password`. Never logged. */
    ari_password: v.optional(NonEmpty('must not be empty — the password of the ari.conf user')),
    /** The channel Asterisk rings first: the user's own extension. `{ext}` is the token's `ext`. */
    originate_channel_template: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.check((s) => s.includes('{ext}') && placeholdersOk(s, ['{ext}']) && printable(s) && !/\s/.test(s), 'must contain {ext} and no other placeholder or space, e.g. "Local/{ext}@inhouse"'),
      ),
      'Local/{ext}@inhouse',
    ),
    /** The dialplan context Asterisk dials the number in once the user answered. */
    originate_context: v.optional(v.pipe(v.string('must be a string'), v.regex(/^[\w.+-]{1,79}$/, 'must be a dialplan context name, e.g. "outgoing"')), 'outgoing'),
    /** Caller ID of the call back (and of the outgoing call); `{ext}` and `{number}` are filled in. Unset: Asterisk's default. */
    originate_caller_id: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.maxLength(80, 'must be at most 80 characters'),
        v.check((s) => placeholdersOk(s, ['{ext}', '{number}']) && printable(s), 'may use only {ext} and {number}, on one line, e.g. "\\"Web {ext}\\" <{ext}>"'),
      ),
    ),
    /** Numbers a user may call: a regular expression the whole normalised number must match; default {@link DEFAULT_DIAL_NUMBER_PATTERN}. */
    dial_number_pattern: v.optional(
      v.pipe(
        v.string('must be a string'),
        v.minLength(1, 'must not be empty'),
        v.check(fullMatchCompiles, 'must be a regular expression that compiles on its own (balanced brackets), matched against the whole number, e.g. "0[1-9]\\d{8}|0[789]0\\d{8}" — remove the key for the safe default (national numbers only)'),
      ),
      DEFAULT_DIAL_NUMBER_PATTERN,
    ),
    /** Calls back one extension may ask for per minute. */
    dial_rate_limit_per_min: v.optional(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1, 'must be at least 1')), 6),
    // Connection limits (browser/admission.ts): every socket holds a file descriptor (docs/deploy.md, LimitNOFILE).
    /** Browser connections that have not logged in yet, in total; past it an upgrade gets HTTP 503. */
    max_pending_connections: v.optional(Count(1), 512),
    /** Browser connections not logged in yet from one address; past it an upgrade gets HTTP 429. */
    max_pending_per_ip: v.optional(Count(1), 64),
    /** Logged-in gag.v1 sessions of one extension (tabs, desks); past it a login is closed with 4200. */
    max_sessions_per_extension: v.optional(Count(1), 20),
    /** Logged-in gag.v1 sessions with one and the same token; past it a login is closed with 4201. */
    max_sessions_per_token: v.optional(Count(1), 10),
    // Call recording (issue 20, config/media-schema.ts).
    ...RECORDING_KEYS,
    ...FORK_KEYS,
    // Supervisors (issue 21, config/supervisor-schema.ts).
    ...SUPERVISOR_KEYS,
    // A cluster on Redis (issue 17, config/cluster-schema.ts).
    ...CLUSTER_KEYS,
  }),
  v.forward(v.partialCheck([['recording_dir'], ['record_all_calls'], ['record_extensions'], ['record_groups']], recordingDirOk, RECORDING_DIR_NEEDED), ['recording_dir']),
  v.forward(v.partialCheck([['fork_url'], ['fork_all_calls'], ['fork_extensions'], ['fork_groups']], forkUrlOk, FORK_URL_NEEDED), ['fork_url']),
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
  v.forward(
    v.partialCheck(
      [['asterisk_username'], ['asterisk_password']],
      (c) => c.asterisk_username === undefined || c.asterisk_password !== undefined,
      'is required with asterisk_username — the password of the websocket_client.conf entry',
    ),
    ['asterisk_password'],
  ),
  v.forward(
    v.partialCheck(
      [['asterisk_username'], ['asterisk_password']],
      (c) => c.asterisk_password === undefined || c.asterisk_username !== undefined,
      'is required with asterisk_password — the username of the websocket_client.conf entry',
    ),
    ['asterisk_username'],
  ),
  v.forward(
    v.partialCheck(
      [['jwt_secret'], ['jwt_algorithms']],
      (c) => c.jwt_secret !== undefined || !c.jwt_algorithms.some(isHmac),
      'is required while jwt_algorithms allows an HS algorithm (the default is ["HS256"]): the secret that signs browser tokens, at least 32 random characters (openssl rand -hex 32)',
    ),
    ['jwt_secret'],
  ),
  v.forward(
    v.partialCheck(
      [['jwt_algorithms'], ['jwt_public_key_file'], ['jwt_jwks_file']],
      (c) => c.jwt_public_key_file !== undefined || c.jwt_jwks_file !== undefined || c.jwt_algorithms.every(isHmac),
      (issue) => {
        const algs = (issue.input as { jwt_algorithms?: readonly string[] }).jwt_algorithms ?? [];
        const alg = algs.find((a) => !isHmac(a)) ?? 'RS256';
        return `${alg} needs a public key — set jwt_public_key_file (PEM) or jwt_jwks_file, or remove ${alg}`;
      },
    ),
    ['jwt_algorithms'],
  ),
  v.forward(
    v.partialCheck(
      [['jwt_algorithms'], ['jwt_public_key_file']],
      (c) => c.jwt_public_key_file === undefined || !c.jwt_algorithms.every(isHmac),
      'is set, but jwt_algorithms allows no public-key algorithm — add e.g. "RS256" or "ES256" to jwt_algorithms (the default is ["HS256"])',
    ),
    ['jwt_public_key_file'],
  ),
  v.forward(
    v.partialCheck(
      [['jwt_algorithms'], ['jwt_jwks_file']],
      (c) => c.jwt_jwks_file === undefined || !c.jwt_algorithms.every(isHmac),
      'is set, but jwt_algorithms allows no public-key algorithm — add e.g. "RS256" or "ES256" to jwt_algorithms (the default is ["HS256"])',
    ),
    ['jwt_jwks_file'],
  ),
  v.forward(
    v.partialCheck([['originate'], ['ami_username']], (c) => c.originate !== 'ami' || c.ami_username !== undefined, 'is required with "originate": "ami" — the manager.conf section name the gateway logs in as'),
    ['ami_username'],
  ),
  v.forward(
    v.partialCheck([['originate'], ['ami_secret']], (c) => c.originate !== 'ami' || c.ami_secret !== undefined, 'is required with "originate": "ami" — the secret of that manager.conf section'),
    ['ami_secret'],
  ),
  v.forward(
    v.partialCheck([['originate'], ['ari_username']], (c) => c.originate !== 'ari' || c.ari_username !== undefined, 'is required with "originate": "ari" — the ari.conf user the gateway authenticates as'),
    ['ari_username'],
  ),
  v.forward(
    v.partialCheck([['originate'], ['ari_password']], (c) => c.originate !== 'ari' || c.ari_password !== undefined, 'is required with "originate": "ari" — the password of that ari.conf user'),
    ['ari_password'],
  ),
);

/**
 * The gateway's configuration, parsed and frozen: every key of `goastgateway.json`, defaults filled in.
 * @example const config = await loadGatewayConfig('/usr/local/etc/goastgateway.json'); config.ring_timeout_ms; // 60000 unless set
 * @interface
 */
export type GatewayConfig = Readonly<v.InferOutput<typeof GatewaySchema>>;
/**
 * What a config file may contain (every key optional; `jwt_secret` is needed for HS* tokens).
 * @example const config = parseGatewayConfig('inline', { browser_addr: ':8766', allowed_origins: ['https://crm.example.com'] } satisfies GatewayConfigInput);
 * @interface
 */
export type GatewayConfigInput = v.InferInput<typeof GatewaySchema>;

/** Keys whose change needs a restart: they shape the listening sockets. */
export const RESTART_KEYS = [
  'asterisk_addr',
  'browser_addr',
  'cert_file',
  'key_file',
  'allow_insecure_browser',
  // The originate backend and its connection are made once, at start-up.
  'originate',
  'ami_host',
  'ami_port',
  'ami_username',
  'ami_secret',
  'ari_url',
  'ari_username',
  'ari_password',
  // Joining (or leaving) a cluster, and its Redis and links, are set up once, at start-up.
  'cluster',
] as const;
