/**
 * The one root logger. Secrets are redacted here, once, whatever a caller binds; lines carry
 * constant messages with data in fields (connId, callId, exten, side).
 * @packageDocumentation
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Log levels the config accepts (GoAstGateway wrote them in capitals: `"DEBUG"`). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  '*.token',
  'jwt_secret',
  '*.jwt_secret',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

/** The root logger, JSON lines to `destination` (stdout by default). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'gag-gateway' } }, destination);
}
