/**
 * The logger the SDK and the component accept: the pino-shaped subset `{ debug, info, warn, error }(obj, msg)`.
 * They write nothing to the console unless given one.
 * @packageDocumentation
 */

/**
 * A pino-shaped logger; `console`-backed adapters work too.
 * @example
 * const logger: GagLogger = { debug: () => {}, info: (o, m) => console.info(m, o), warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };
 * new GagClient({ url, getToken, logger });
 */
export interface GagLogger {
  /** Protocol messages and state changes: `obj` holds the data, `msg` is a constant sentence. */
  debug(obj: object, msg: string): void;
  /** Lifecycle: connected, call answered, call ended. */
  info(obj: object, msg: string): void;
  /** Something went wrong that the SDK recovers from (a reconnect, a ringtone the browser blocked). */
  warn(obj: object, msg: string): void;
  /** A failure no pending call reports, e.g. a bug. */
  error(obj: object, msg: string): void;
}

const nothing = (): void => undefined;

/** The default: says nothing. */
export const silentLogger: GagLogger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
