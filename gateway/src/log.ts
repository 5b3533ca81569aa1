/**
 * The one root logger. Secrets are redacted here, once, whatever a caller binds; lines carry
 * constant messages with data in fields (connId, callId, exten, side).
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Log levels the config accepts (GoAstGateway wrote them in capitals: `"DEBUG"`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/**
 * A pino level name.
 * @example const log = createLogger('debug' satisfies LogLevel);
 * @useDeclaredType
 */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Paths censored on every line, whatever a caller passes: request headers that carry credentials
 * and every config key or field that holds a secret (fixed here, never from input, as pino asks).
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  '*.authorization',
  'token',
  '*.token',
  'jwt_secret',
  '*.jwt_secret',
  'asterisk_password',
  '*.asterisk_password',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'ami_secret',
  '*.ami_secret',
  'ari_password',
  '*.ari_password',
  'admin_token',
  '*.admin_token',
];

/** How log lines look: JSON for machines (journald, shippers), or one readable line for a person at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The human form of a line: local time in ISO form, the level, the message, then the fields
 * (`2026-12-07T03:30:12.345+0000 INFO: gateway listening {"asterisk":"127.0.0.1:8765"}`).
 */
function prettyStream(destination: DestinationStream | undefined, colorize: boolean): DestinationStream {
  // Required here, not imported at the top: a service logs JSON, and pino-pretty with its 30-odd
  // modules is 0.4 MiB of heap and about 1 MiB of an idle gateway's RSS (issue 16). It is
  // CommonJS, so `require` loads it synchronously and createLogger stays synchronous.
  const { PinoPretty } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return PinoPretty({
    colorize,
    translateTime: "SYS:yyyy-mm-dd'T'HH:MM:ss.lo",
    ignore: 'pid,hostname,app',
    singleLine: true,
    sync: true,
    ...(destination === undefined ? {} : { destination }),
  });
}

/**
 * The root logger at `level` from the config: JSON lines to `destination` (stdout by default),
 * or with `format: 'pretty'` one readable line each (the CLI's choice on a terminal). Redaction
 * applies to both forms.
 * @example
 * const log = createLogger(config.log_level as LogLevel);
 * log.info({ asterisk: '127.0.0.1:8765' }, 'gateway listening');
 */
export function createLogger(level: LogLevel, destination?: DestinationStream, options: { format?: LogFormat; colorize?: boolean } = {}): Logger {
  const out = options.format === 'pretty' ? prettyStream(destination, options.colorize ?? false) : destination;
  return pino({ level, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' }, base: { app: 'gag-gateway' } }, out);
}
