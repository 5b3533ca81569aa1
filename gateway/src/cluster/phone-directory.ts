/**
 * Which phones are logged in where, cluster-wide (issue 17): each node publishes its own phones
 * per extension in Redis under its liveness TTL, refreshes them with its heartbeat, and writes them
 * all again when Redis comes back; any node finds an extension's phones on every live node. A dead
 * node's phones expire with it, so they are never rung after its TTL.
 * @packageDocumentation
 */
import type { WireFormat } from '@gag/sdk/protocol';
import type { ClusterKeys } from './cluster-keys.js';
import type { NodeInfo, PresenceTiming } from './node-presence.js';
import type { RedisLink } from './redis-link.js';

/** A phone as the cluster knows it. */
export interface PhoneEntry {
  readonly sessionId: string;
  readonly protocol: 'gag.v1' | 'legacy';
  /** The codecs it speaks: a call in another one does not ring it. */
  readonly formats: readonly WireFormat[];
}

/** A phone somewhere in the cluster. */
export interface RemotePhone extends PhoneEntry {
  /** The node it is logged in on. */
  readonly node: string;
}

/**
 * This node's phones in Redis, and lookups over the whole cluster.
 * @example
 * directory.add('2001', { sessionId, protocol: 'gag.v1', formats: ['slin16'] });
 * const phones = await directory.lookup('2001', await presence.liveNodes());
 */
export class PhoneDirectory {
  readonly #redis: RedisLink;
  readonly #keys: ClusterKeys;
  readonly #node: string;
  readonly #ttlMs: number;
  /** This node's phones: extension → session id → entry (the truth Redis is rebuilt from). */
  readonly #mine = new Map<string, Map<string, PhoneEntry>>();

  constructor(redis: RedisLink, keys: ClusterKeys, node: string, timing: PresenceTiming) {
    this.#redis = redis;
    this.#keys = keys;
    this.#node = node;
    this.#ttlMs = timing.ttlMs;
  }

  /** Phones of this node, for /api/sessions and tests. */
  get size(): number {
    let n = 0;
    for (const phones of this.#mine.values()) n += phones.size;
    return n;
  }

  /** A phone logged in here. Written through when Redis is up; otherwise by {@link PhoneDirectory.republish}. */
  async add(extension: string, entry: PhoneEntry): Promise<void> {
    let phones = this.#mine.get(extension);
    if (phones === undefined) this.#mine.set(extension, (phones = new Map()));
    phones.set(entry.sessionId, entry);
    if (!this.#redis.state.up) return;
    const key = this.#keys.phones(this.#node, extension);
    await this.#redis.client.multi().hSet(key, entry.sessionId, JSON.stringify(entry)).pExpire(key, this.#ttlMs).exec();
  }

  /** A phone here logged out (or its connection closed). */
  async remove(extension: string, sessionId: string): Promise<void> {
    const phones = this.#mine.get(extension);
    if (phones?.delete(sessionId) !== true) return;
    if (phones.size === 0) this.#mine.delete(extension);
    if (!this.#redis.state.up) return;
    await this.#redis.client.hDel(this.#keys.phones(this.#node, extension), sessionId);
  }

  /** Another TTL for every extension with phones here: with each heartbeat. */
  async refresh(): Promise<void> {
    if (this.#mine.size === 0) return;
    const batch = this.#redis.client.multi();
    for (const extension of this.#mine.keys()) batch.pExpire(this.#keys.phones(this.#node, extension), this.#ttlMs);
    await batch.execAsPipeline();
  }

  /** Write every phone of this node again (Redis came back, perhaps empty). */
  async republish(): Promise<void> {
    if (this.#mine.size === 0) return;
    const batch = this.#redis.client.multi();
    for (const [extension, phones] of this.#mine) {
      const key = this.#keys.phones(this.#node, extension);
      batch.del(key);
      batch.hSet(key, Object.fromEntries([...phones].map(([id, entry]) => [id, JSON.stringify(entry)])));
      batch.pExpire(key, this.#ttlMs);
    }
    await batch.execAsPipeline();
  }

  /** Every phone of `extension` on the `nodes` (the live ones: a dead node's entries are not asked for). */
  async lookup(extension: string, nodes: readonly NodeInfo[]): Promise<RemotePhone[]> {
    if (nodes.length === 0) return [];
    const batch = this.#redis.client.multi();
    for (const node of nodes) batch.hGetAll(this.#keys.phones(node.id, extension));
    const replies = (await batch.execAsPipeline()) as unknown as Record<string, string>[];
    const found: RemotePhone[] = [];
    nodes.forEach((node, i) => {
      for (const json of Object.values(replies[i] ?? {})) found.push({ ...(JSON.parse(json) as PhoneEntry), node: node.id });
    });
    return found;
  }
}
