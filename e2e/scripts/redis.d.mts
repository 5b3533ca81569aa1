/** The redis-server executable ($GAG_REDIS_SERVER, `redis-server` on PATH, or /usr/bin/redis-server), or undefined. */
export function findRedisServer(): string | undefined;
