/**
 * The logger the SDK and the component accept: the pino-shaped subset `{ debug, info, warn, error }(obj, msg)`.
 * They write nothing to the console unless given one.
 * @packageDocumentation
 */

/** A pino-shaped logger; `console`-backed adapters work too. */
export interface GagLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const nothing = (): void => undefined;

/** The default: says nothing. */
export const silentLogger: GagLogger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
