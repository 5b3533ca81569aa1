/**
 * The one root logger. Secrets are redacted here, once, whatever a caller binds; lines carry
 * constant messages with data in fields (connId, callId, exten, side).
 * @packageDocumentation
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Log levels the config accepts (GoAstGateway wrote them in capitals: `"DEBUG"`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** A pino level name. */
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

/**
 * The root logger, JSON lines to `destination` (stdout by default), at `level` from the config.
 * @example
 * const log = createLogger(config.log_level as LogLevel);
 * log.info({ asterisk: '127.0.0.1:8765' }, 'gateway listening');
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' }, base: { app: 'gag-gateway' } }, destination);
}
