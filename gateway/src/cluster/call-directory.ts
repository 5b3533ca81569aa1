/**
 * Which calls each node holds, cluster-wide (issue 17), for `/api/calls` and `DELETE
 * /api/calls/:id` on any node: each node keeps the view of its live calls in Redis under its
 * liveness TTL (as of each call's last change of state), and writes them all again when Redis is
 * back. A dead node's calls vanish with it (they ended with it).
 * @packageDocumentation
 */
import type { CallView } from '../http/views.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { NodeInfo, PresenceTiming } from './node-presence.js';
import type { RedisLink } from './redis-link.js';

/** A call of some node, as `/api/calls` lists it. */
export type ClusterCallView = CallView & { readonly node: string };

/** `json` as a call view, or undefined (a stray or damaged field). */
function viewOf(json: string): CallView | undefined {
  try {
    const view = JSON.parse(json) as unknown;
    return typeof view === 'object' && view !== null && typeof (view as { id?: unknown }).id === 'string' ? (view as CallView) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This node's calls in Redis, and every node's.
 * @example
 * calls.publish(callView(call)); // on each change of state
 * const all = await calls.list(await presence.liveNodes());
 */
export class CallDirectory {
  readonly #redis: RedisLink;
  readonly #key: string;
  readonly #keys: ClusterKeys;
  readonly #ttlMs: number;
  readonly #mine = new Map<string, CallView>();

  constructor(redis: RedisLink, keys: ClusterKeys, node: string, timing: PresenceTiming) {
    this.#redis = redis;
    this.#keys = keys;
    this.#key = keys.calls(node);
    this.#ttlMs = timing.ttlMs;
  }

  /** A call of this node changed: its view now (an ended call is dropped). */
  async publish(view: CallView): Promise<void> {
    if (view.state === 'ended') return this.drop(view.id);
    this.#mine.set(view.id, view);
    if (!this.#redis.state.up) return;
    await this.#redis.client.multi().hSet(this.#key, view.id, JSON.stringify(view)).pExpire(this.#key, this.#ttlMs).exec();
  }

  /** A call of this node ended. */
  async drop(callId: string): Promise<void> {
    if (!this.#mine.delete(callId) || !this.#redis.state.up) return;
    await this.#redis.client.hDel(this.#key, callId);
  }

  /** Another TTL for this node's calls: with each heartbeat. */
  async refresh(): Promise<void> {
    if (this.#mine.size > 0) await this.#redis.client.pExpire(this.#key, this.#ttlMs);
  }

  /** Write every call of this node again (Redis came back). */
  async republish(): Promise<void> {
    const batch = this.#redis.client.multi().del(this.#key);
    if (this.#mine.size > 0) {
      batch.hSet(this.#key, Object.fromEntries([...this.#mine].map(([id, view]) => [id, JSON.stringify(view)])));
      batch.pExpire(this.#key, this.#ttlMs);
    }
    await batch.exec();
  }

  /** The calls of the `nodes` (this one's included when listed), each with its node. */
  async list(nodes: readonly NodeInfo[]): Promise<ClusterCallView[]> {
    if (nodes.length === 0) return [];
    const batch = this.#redis.client.multi();
    for (const node of nodes) batch.hGetAll(this.#keys.calls(node.id));
    const replies = (await batch.execAsPipeline()) as unknown as Record<string, string>[];
    return nodes.flatMap((node, i) =>
      Object.values(replies[i] ?? {}).flatMap((json) => {
        const view = viewOf(json);
        return view === undefined ? [] : [{ ...view, node: node.id }];
      }),
    );
  }

  /** The node among `nodes` holding call `callId`, if any. */
  async nodeOf(callId: string, nodes: readonly NodeInfo[]): Promise<string | undefined> {
    for (const node of nodes) if ((await this.#redis.client.hExists(this.#keys.calls(node.id), callId)) === 1) return node.id;
    return undefined;
  }
}
