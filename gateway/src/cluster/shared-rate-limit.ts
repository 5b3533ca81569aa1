/**
 * The click-to-call rate limit counted across the cluster (issue 17): the same sliding window as
 * one node's (`originate/rate-limit.ts`, `dial_rate_limit_per_min`), kept in Redis as a sorted set
 * of request times per extension, checked and counted in one script so two nodes cannot both take
 * the last place. Times come from Redis's clock, so the nodes' clocks do not matter. While Redis
 * is away the node counts on its own (undefined: the caller falls back to its local limiter).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { RATE_WINDOW_MS, type RateDecision } from '../originate/rate-limit.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisLink } from './redis-link.js';

/** Drop what left the window; if `limit` remain, say how long until the oldest leaves; else count this one. */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

/**
 * Count one click-to-call of `extension` against `limit` per minute, cluster-wide; undefined when
 * Redis cannot be asked now.
 * @example const rate = (await takeSharedRate(redis, keys, '2001', 6)) ?? localLimiter.take('2001', 6);
 */
export async function takeSharedRate(redis: RedisLink, keys: ClusterKeys, extension: string, limit: number): Promise<RateDecision | undefined> {
  if (!redis.state.up) return undefined;
  try {
    const wait = Number(await redis.client.eval(SLIDING_WINDOW, { keys: [keys.dialRate(extension)], arguments: [String(RATE_WINDOW_MS), String(limit), randomUUID()] }));
    return wait === 0 ? { ok: true } : { ok: false, retryAfterMs: wait };
  } catch {
    return undefined;
  }
}
