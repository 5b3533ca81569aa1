/**
 * The gateway's connection to Redis when it runs in a cluster (issue 17, docs/cluster.md), with
 * `@redis/client` (Redis's own client: typed, no dependencies, reconnects by itself). Redis down
 * is a state, never a crash: commands fail at once instead of queueing (`disableOfflineQueue`), the
 * link retries with a capped backoff forever, and says `up` / `down` so the node can re-publish
 * its state when Redis is back and `/readyz` can say why it is not ready.
 * @packageDocumentation
 */
import { createClient, type RedisClientType } from '@redis/client';
import { EventEmitter } from 'eventemitter3';
import type { Logger } from '../log.js';

/** The longest wait between two connection attempts while Redis is unreachable. */
export const REDIS_RETRY_MAX_MS = 2_000;
/** How long a connection attempt may take. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;
/** A PING this often finds a dead connection that TCP has not noticed. */
export const REDIS_PING_INTERVAL_MS = 1_000;

/** Where the link is: up, or down with the reason (`/readyz` shows it). */
export type RedisState = { readonly up: true } | { readonly up: false; readonly why: string };

/** Events of a {@link RedisLink}. */
export interface RedisLinkEvents {
  /** Connected (again): state written while Redis was away must be written again. */
  up: () => void;
  /** The connection is lost (or never came); the link keeps trying. */
  down: (why: string) => void;
}

/** The wait before attempt `retries + 1`: 100 ms doubling to {@link REDIS_RETRY_MAX_MS}. */
export const redisRetryDelayMs = (retries: number): number => Math.min(100 * 2 ** Math.min(retries, 10), REDIS_RETRY_MAX_MS);

/** `url` without its password, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'redis url (unparsable)';
  }
}

/**
 * One Redis connection that comes back by itself.
 * @example
 * const redis = new RedisLink('redis://127.0.0.1:6379', log);
 * redis.on('up', () => void directory.republish());
 * redis.start();
 * if (redis.state.up) await redis.client.set(key, value, { PX: 4_000 });
 */
export class RedisLink extends EventEmitter<RedisLinkEvents> {
  readonly client: RedisClientType;
  readonly #log: Logger;
  #state: RedisState = { up: false, why: 'connecting' };
  #closed = false;

  constructor(url: string, log: Logger) {
    super();
    this.#log = log.child({ redis: redactRedisUrl(url) });
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      pingInterval: REDIS_PING_INTERVAL_MS,
      socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS, reconnectStrategy: (retries: number) => redisRetryDelayMs(retries) },
    });
    this.client.on('ready', () => this.#setState({ up: true }));
    this.client.on('error', (err: Error & { code?: string }) => {
      // Every failed attempt emits one: logged once per outage, by #setState.
      this.#setState({ up: false, why: err.code ?? err.message });
    });
  }

  /** The link's state now. */
  get state(): RedisState {
    return this.#state;
  }

  /** Start connecting (in the background: `up` fires once connected). */
  start(): void {
    this.client.connect().catch((err: unknown) => {
      if (!this.#closed) this.#log.error({ err }, 'redis connect gave up');
    });
  }

  /** Close for good (no more attempts). */
  close(): void {
    this.#closed = true;
    this.#state = { up: false, why: 'closed' };
    if (this.client.isOpen) this.client.destroy();
  }

  #setState(state: RedisState): void {
    if (this.#closed) return;
    const was = this.#state;
    this.#state = state;
    if (state.up && !was.up) {
      this.#log.info('redis up');
      this.emit('up');
    } else if (!state.up && (was.up || was.why === 'connecting')) {
      this.#log.warn({ why: state.why }, 'redis down: retrying');
      this.emit('down', state.why);
    }
  }
}
