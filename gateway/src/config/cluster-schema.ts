/**
 * The `cluster` key of `goastgateway.json` (issue 17, docs/cluster.md): with it the gateway is a
 * node of a cluster on Redis; without it, exactly the single process it always was (no Redis).
 * Spread into the gateway's strict schema (`schema.ts`), so a misspelled key is still an error
 * that names it.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { parseListenAddress } from './address.js';

/** The cluster's shared secret is at least this long (it signs the node links). */
export const MIN_CLUSTER_SECRET_CHARS = 32;

const NAME = /^[\w.-]{1,64}$/;

const Cluster = v.pipe(
  v.strictObject(
    {
      /** Redis for the shared state, `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). */
      redis_url: v.pipe(v.string('must be a string'), v.regex(/^rediss?:\/\/[^\s]+$/, 'must be a Redis URL, e.g. "redis://10.0.0.9:6379"')),
      /** The cluster's name: the prefix of its keys, so clusters (or other programs) can share a Redis. */
      name: v.optional(v.pipe(v.string('must be a string'), v.regex(NAME, 'letters, digits, ".", "_" or "-", e.g. "prod"')), 'gag'),
      /** This node's id, unique in the cluster, e.g. "gw-a" (logs, /api, metrics labels). */
      node_id: v.pipe(v.string('must be a string'), v.regex(NAME, 'letters, digits, ".", "_" or "-", unique per node, e.g. "gw-a"')),
      /** The secret every node of the cluster shares: it signs the links between nodes. */
      secret: v.pipe(v.string('must be a string'), v.minLength(MIN_CLUSTER_SECRET_CHARS, `must be at least ${MIN_CLUSTER_SECRET_CHARS} characters, e.g. the output of "openssl rand -hex 32"`)),
      /** Where this node listens for the other nodes' media links, `host:port`. */
      link_listen: v.pipe(v.string('must be a string'), v.check((s) => parseListenAddress(s) !== undefined, 'write host:port, e.g. "10.0.0.5:9100"')),
      /** The `host:port` other nodes dial to reach `link_listen` (needed when it listens on every address). */
      link_advertise: v.optional(v.pipe(v.string('must be a string'), v.check((s) => parseListenAddress(s)?.host !== undefined, 'write host:port other nodes can reach, e.g. "10.0.0.5:9100"'))),
      /** How long a node that stopped beating still counts as alive, ms: its phones vanish after it (default 4000). */
      node_ttl_ms: v.optional(v.pipe(v.number('must be a number'), v.integer('must be whole milliseconds'), v.minValue(1_000, 'must be at least 1000'), v.maxValue(60_000, 'must be at most 60000')), 4_000),
    },
    'must be an object with redis_url, node_id, secret and link_listen, e.g. {"redis_url": "redis://10.0.0.9:6379", "node_id": "gw-a", "secret": "…", "link_listen": "10.0.0.5:9100"}',
  ),
  v.forward(
    v.check((c) => c.link_advertise !== undefined || !isWildcard(c.link_listen), 'link_listen listens on every address: say in link_advertise where other nodes reach it, e.g. "10.0.0.5:9100"'),
    ['link_advertise'],
  ),
);

/** Whether `address` binds every interface (no host, 0.0.0.0 or ::), which other nodes cannot dial. */
function isWildcard(address: string): boolean {
  const host = parseListenAddress(address)?.host;
  return host === undefined || host === '0.0.0.0' || host === '::';
}

/**
 * The `cluster` settings as the config holds them.
 * @example const cluster: ClusterConfig = { redis_url: 'redis://10.0.0.9:6379', name: 'gag', node_id: 'gw-a', secret, link_listen: '10.0.0.5:9100', node_ttl_ms: 4000 };
 * @interface
 */
export type ClusterConfig = Readonly<v.InferOutput<typeof Cluster>>;

/** The cluster key, spread into `GatewaySchema`'s object. */
export const CLUSTER_KEYS = {
  /** Join a cluster on Redis (docs/cluster.md); absent: one process, in memory, as ever. */
  cluster: v.optional(Cluster),
} as const;
