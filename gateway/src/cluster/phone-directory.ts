/**
 * Which phones are logged in where, cluster-wide (issue 17): each node publishes its own phones
 * per extension in Redis under its liveness TTL, refreshes them with its heartbeat, and writes them
 * all again when Redis comes back; any node finds an extension's phones on every live node. A dead
 * node's phones expire with it, so they are never rung after its TTL.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { WIRE_FORMATS } from '@gag/sdk/protocol';
import type { ClusterKeys } from './cluster-keys.js';
import type { NodeInfo, PresenceTiming } from './node-presence.js';
import type { RedisLink } from './redis-link.js';

/**
 * A phone as the cluster knows it: its session, protocol, the codecs it speaks (a call in another
 * one does not ring it), its token's claims and whether it takes call notices. Checked whenever it
 * is read back from Redis or the bus.
 */
export const PhoneEntrySchema = v.object({
  sessionId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  protocol: v.picklist(['gag.v1', 'legacy']),
  formats: v.pipe(v.array(v.picklist(WIRE_FORMATS)), v.maxLength(8)),
  claims: v.optional(v.object({ record: v.boolean(), fork: v.boolean(), supervisor: v.boolean() })),
  callNotices: v.optional(v.boolean()),
});

/** A phone as the cluster knows it ({@link PhoneEntrySchema}). */
export type PhoneEntry = v.InferOutput<typeof PhoneEntrySchema>;

/** `json` as a {@link PhoneEntry}, or undefined when it is not one (a stray or damaged key). */
function entryOf(json: string): PhoneEntry | undefined {
  try {
    const r = v.safeParse(PhoneEntrySchema, JSON.parse(json));
    return r.success ? r.output : undefined;
  } catch {
    return undefined;
  }
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
    const index = this.#keys.extensions(this.#node);
    await this.#redis.client.multi().hSet(key, entry.sessionId, JSON.stringify(entry)).pExpire(key, this.#ttlMs).sAdd(index, extension).pExpire(index, this.#ttlMs).exec();
  }

  /** A phone here logged out (or its connection closed). */
  async remove(extension: string, sessionId: string): Promise<void> {
    const phones = this.#mine.get(extension);
    if (phones?.delete(sessionId) !== true) return;
    const last = phones.size === 0;
    if (last) this.#mine.delete(extension);
    if (!this.#redis.state.up) return;
    const batch = this.#redis.client.multi().hDel(this.#keys.phones(this.#node, extension), sessionId);
    if (last) batch.sRem(this.#keys.extensions(this.#node), extension);
    await batch.exec();
  }

  /** Another TTL for every extension with phones here: with each heartbeat. */
  async refresh(): Promise<void> {
    if (this.#mine.size === 0) return;
    const batch = this.#redis.client.multi().pExpire(this.#keys.extensions(this.#node), this.#ttlMs);
    for (const extension of this.#mine.keys()) batch.pExpire(this.#keys.phones(this.#node, extension), this.#ttlMs);
    await batch.execAsPipeline();
  }

  /**
   * Write every phone of this node again (Redis came back, perhaps empty; or this process just
   * started): what a former process of this node id left there, within its TTL, goes.
   */
  async republish(): Promise<void> {
    const index = this.#keys.extensions(this.#node);
    const left = await this.#redis.client.sMembers(index);
    const batch = this.#redis.client.multi().del(index);
    for (const extension of left) if (!this.#mine.has(extension)) batch.del(this.#keys.phones(this.#node, extension)); // ours: deleted and written below
    if (this.#mine.size > 0) batch.sAdd(index, [...this.#mine.keys()]).pExpire(index, this.#ttlMs);
    for (const [extension, phones] of this.#mine) {
      const key = this.#keys.phones(this.#node, extension);
      batch.del(key);
      batch.hSet(key, Object.fromEntries([...phones].map(([id, entry]) => [id, JSON.stringify(entry)])));
      batch.pExpire(key, this.#ttlMs);
    }
    await batch.exec();
  }

  /** Every phone node `node` published, by extension (a resync after Redis or that node came back). */
  async phonesOf(node: string): Promise<{ extension: string; entry: PhoneEntry }[]> {
    const extensions = await this.#redis.client.sMembers(this.#keys.extensions(node));
    if (extensions.length === 0) return [];
    const batch = this.#redis.client.multi();
    for (const extension of extensions) batch.hGetAll(this.#keys.phones(node, extension));
    const replies = (await batch.execAsPipeline()) as unknown as Record<string, string>[];
    return extensions.flatMap((extension, i) =>
      Object.values(replies[i] ?? {}).flatMap((json) => {
        const entry = entryOf(json);
        return entry === undefined ? [] : [{ extension, entry }];
      }),
    );
  }

  /** Every phone of `extension` on the `nodes` (the live ones: a dead node's entries are not asked for). */
  async lookup(extension: string, nodes: readonly NodeInfo[]): Promise<RemotePhone[]> {
    if (nodes.length === 0) return [];
    const batch = this.#redis.client.multi();
    for (const node of nodes) batch.hGetAll(this.#keys.phones(node.id, extension));
    const replies = (await batch.execAsPipeline()) as unknown as Record<string, string>[];
    const found: RemotePhone[] = [];
    nodes.forEach((node, i) => {
      for (const json of Object.values(replies[i] ?? {})) {
        const entry = entryOf(json);
        if (entry !== undefined) found.push({ ...entry, node: node.id });
      }
    });
    return found;
  }
}
