/**
 * Which gateway nodes are alive (issue 17): each node keeps a key with a short TTL and refreshes
 * it; a node that dies (SIGKILL, power) stops refreshing, and its key, and with it everything it
 * published under the same TTL, is gone within one TTL. No membership protocol of our own.
 * @packageDocumentation
 */
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisLink } from './redis-link.js';

/** What a node says of itself. */
export interface NodeInfo {
  /** Its id (`cluster.node_id`). */
  readonly id: string;
  /** Where other nodes reach it (`cluster.advertise`, `host:port` of its node link). */
  readonly address: string;
  /** When it started, ms since the epoch. */
  readonly startedAt: number;
}

/** Liveness TTL and refresh period of a node and its published state. */
export interface PresenceTiming {
  /** A node not heard of for this long is dead. */
  readonly ttlMs: number;
  /** How often a node refreshes (a third of the TTL or less, so two refreshes may fail). */
  readonly refreshMs: number;
}

/** Dead within 4 s, refreshed every second. */
export const DEFAULT_PRESENCE: PresenceTiming = { ttlMs: 4_000, refreshMs: 1_000 };

/**
 * This node's liveness in Redis, and the list of live nodes.
 * @example
 * const presence = new NodePresence(redis, keys, { id: 'gw-a', address: '10.0.0.5:9100', startedAt: Date.now() });
 * await presence.beat(); // on a timer of timing.refreshMs, and when Redis comes back
 * const nodes = await presence.liveNodes();
 */
export class NodePresence {
  readonly #redis: RedisLink;
  readonly #keys: ClusterKeys;
  readonly #self: NodeInfo;
  readonly #ttlMs: number;

  constructor(redis: RedisLink, keys: ClusterKeys, self: NodeInfo, timing: PresenceTiming = DEFAULT_PRESENCE) {
    this.#redis = redis;
    this.#keys = keys;
    this.#self = self;
    this.#ttlMs = timing.ttlMs;
  }

  /** Say this node is alive for another TTL. */
  async beat(): Promise<void> {
    await this.#redis.client
      .multi()
      .sAdd(this.#keys.nodes, this.#self.id)
      .set(this.#keys.alive(this.#self.id), JSON.stringify(this.#self), { PX: this.#ttlMs })
      .exec();
  }

  /** Leave the cluster now (a clean shutdown), rather than one TTL later. */
  async leave(): Promise<void> {
    await this.#redis.client.multi().sRem(this.#keys.nodes, this.#self.id).del(this.#keys.alive(this.#self.id)).exec();
  }

  /** The nodes alive now, this one included (dead members are removed from the set on the way). */
  async liveNodes(): Promise<NodeInfo[]> {
    const ids = await this.#redis.client.sMembers(this.#keys.nodes);
    if (ids.length === 0) return [];
    const infos = await this.#redis.client.mGet(ids.map((id) => this.#keys.alive(id)));
    const live: NodeInfo[] = [];
    const dead: string[] = [];
    ids.forEach((id, i) => {
      const info = infos[i];
      if (info === null || info === undefined) dead.push(id);
      else live.push(JSON.parse(info) as NodeInfo);
    });
    if (dead.length > 0) await this.#redis.client.sRem(this.#keys.nodes, dead);
    return live;
  }
}
