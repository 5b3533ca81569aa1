/**
 * The gateway's own errors. Every one is a `GagError` with a stable code (see `@gag/sdk/protocol`).
 * @packageDocumentation
 */
import { GagError, type TokenRefusal } from '@gag/sdk/protocol';

/**
 * One thing wrong in a config file: the key (a dot path) and what to do.
 * @example for (const { key, fix } of error.problems) console.error(`goastgateway.json: ${key}: ${fix}`);
 */
export interface ConfigProblem {
  /** The key, as a dot path, e.g. `originate.ami_port`. */
  readonly key: string;
  /** What is wrong and how to fix it, e.g. `must be a number of milliseconds, got the string "60000": remove the quotes`. */
  readonly fix: string;
}

/**
 * A config file is wrong. The message reads `file: key: what is wrong — how to fix it` for the
 * first problem; `problems` lists every one (the CLI prints a line each, without a stack, and
 * exits with code 2).
 * @example
 * try { config = await loadGatewayConfig(file); } catch (e) { if (e instanceof ConfigError) for (const p of e.problems) console.error(`${e.file}: ${p.key}: ${p.fix}`); }
 */
export class ConfigError extends GagError {
  /** `'ConfigError'`. */
  override name = 'ConfigError';
  /** The config file, as the CLI was given it. */
  readonly file: string;
  /** The key of the first problem (a dot path). */
  readonly key: string;
  /** What is wrong with the first problem and how to fix it. */
  readonly fix: string;
  /** Every problem found in the file, the first being `key` and `fix`. */
  readonly problems: readonly ConfigProblem[];
  /**
   * @param details the (first) problem, and with `more` the ones after it.
   * @param options.cause what failed underneath, e.g. the listen error (its `code`: `EADDRINUSE`).
   */
  constructor(details: { file: string; key: string; fix: string; more?: readonly ConfigProblem[] }, options?: { cause?: unknown }) {
    super('GAG_CONFIG_INVALID', `${details.file}: ${details.key}: ${details.fix}`, options);
    this.file = details.file;
    this.key = details.key;
    this.fix = details.fix;
    this.problems = [{ key: details.key, fix: details.fix }, ...(details.more ?? [])];
  }

  /** One error for every problem of `file` (at least one). */
  static of(file: string, problems: readonly [ConfigProblem, ...ConfigProblem[]]): ConfigError {
    const [first, ...more] = problems;
    return new ConfigError({ file, key: first.key, fix: first.fix, more });
  }
}

/**
 * Why a token was refused (declared in `@gag/sdk/protocol`: the browser hears it in the close
 * reason); `reason` is logged and counted, never the token.
 * @example if (e instanceof TokenError && e.reason === 'expired') refusals.inc({ reason: e.reason });
 */
export type { TokenRefusal };

/**
 * A browser's token failed verification (code `GAG_TOKEN_INVALID`).
 * @example
 * try { await verify(token); } catch (e) { if (e instanceof TokenError) log.warn({ reason: e.reason }, 'token refused'); }
 */
export class TokenError extends GagError {
  /** `'TokenError'`. */
  override name = 'TokenError';
  /** Why the token was refused, to log and count. */
  readonly reason: TokenRefusal;
  constructor(reason: TokenRefusal, message: string, options?: { cause?: unknown }) {
    super('GAG_TOKEN_INVALID', message, options);
    this.reason = reason;
  }
}
