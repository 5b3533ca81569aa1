/**
 * Signalling between the nodes of a cluster (issue 17) over Redis pub/sub: each node listens on
 * its own inbox channel and on the cluster's broadcast channel. Messages are small JSON control
 * messages (a phone came or went, a message to or from a phone on another node); audio never goes
 * here (it goes node to node, node-link.ts). Pub/sub delivers at most once and nothing while Redis
 * is away: what must survive an outage is also in the keys (phone-directory.ts), re-read on `up`.
 * A message from another node is checked like any peer's: one that does not parse is dropped and
 * counted, never thrown.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import * as v from 'valibot';
import type { Logger } from '../log.js';
import { SampledWarn } from '../sampled-log.js';
import type { ClusterKeys } from './cluster-keys.js';
import { PhoneEntrySchema } from './phone-directory.js';
import { RedisLink } from './redis-link.js';

/** Largest bus message, bytes of JSON: a control message and its envelope. */
export const MAX_BUS_MESSAGE_BYTES = 32_768;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
/** A message for or from a phone: the gag.v1 control message, checked again by whoever uses it. */
const Carried = v.looseObject({ type: v.pipe(v.string(), v.maxLength(64)) });

const BusMessageSchema = v.variant('kind', [
  v.object({ kind: v.literal('phone_online'), extension: Id, phone: PhoneEntrySchema }),
  v.object({ kind: v.literal('phone_offline'), extension: Id, sessionId: Id }),
  v.object({ kind: v.literal('to_phone'), sessionId: Id, message: Carried }),
  v.object({ kind: v.literal('from_phone'), sessionId: Id, message: Carried }),
  // A click-to-call of the sending node waits for its call back, which may reach any node; then it is settled.
  v.object({
    kind: v.literal('dial_pending'),
    dial: v.object({ dialId: Id, extension: Id, number: v.pipe(v.string(), v.maxLength(64)), phoneId: v.optional(Id), requestId: v.optional(Id) }),
    ttlMs: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3_600_000)),
  }),
  v.object({ kind: v.literal('dial_settled'), dialId: Id }),
  // A call of the sending node changed state (/monitor on every node): its view as /api/calls shows it.
  v.object({ kind: v.literal('call_changed'), previous: v.picklist(['routing', 'ringing', 'talking', 'ended']), call: v.looseObject({ id: Id, state: v.picklist(['routing', 'ringing', 'talking', 'ended']) }) }),
  // A click-to-call request's outcome or a fork's change on the sending node (/monitor on every node).
  v.object({ kind: v.literal('activity'), event: v.picklist(['dial', 'fork']), body: v.looseObject({}) }),
  // Hang up a call of the receiving node (DELETE /api/calls/:id on another node).
  v.object({ kind: v.literal('hangup_call'), callId: Id }),
]);

/** A message between nodes. */
export type BusMessage = v.InferOutput<typeof BusMessageSchema>;

/** `since`: when the sending node's process started (a later one than heard of before: that node restarted). */
const EnvelopeSchema = v.object({ from: Id, since: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))), body: BusMessageSchema });

/** Events of a {@link NodeBus}. */
export interface NodeBusEvents {
  /** A message from node `from` (never from this node itself), whose process started at `since` (undefined: it did not say). */
  message: (from: string, message: BusMessage, since: number | undefined) => void;
}

/**
 * This node's end of the cluster's pub/sub.
 * @example
 * const bus = new NodeBus(redisUrl, keys, 'gw-a', log);
 * bus.on('message', (from, msg) => { if (msg.kind === 'phone_online') mirror.add(from, msg); });
 * bus.start();
 * await bus.send('gw-b', { kind: 'to_phone', sessionId, message: { type: 'incoming', … } });
 */
export class NodeBus extends EventEmitter<NodeBusEvents> {
  /** Its own connection: a subscribed Redis connection can do nothing else. */
  readonly #sub: RedisLink;
  readonly #pub: RedisLink;
  readonly #keys: ClusterKeys;
  readonly #node: string;
  readonly #since: number | undefined;
  readonly #badMessages: SampledWarn;
  #subscribed = false;
  /** Messages from other nodes that did not parse (counted for /metrics). */
  rejected = 0;

  /** @param since when this node's process started, sent with each message. */
  constructor(pub: RedisLink, url: string, keys: ClusterKeys, node: string, log: Logger, since?: number) {
    super();
    this.#since = since;
    this.#pub = pub;
    this.#sub = new RedisLink(url, log.child({ redisRole: 'subscriber' }));
    this.#keys = keys;
    this.#node = node;
    this.#badMessages = new SampledWarn(log, 'cluster bus message refused');
    // The client subscribes again by itself after a reconnect; the first subscription waits for `up`.
    this.#sub.on('up', () => void this.#subscribe());
  }

  /** Whether this node hears the bus now. */
  get listening(): boolean {
    return this.#subscribed && this.#sub.state.up;
  }

  /** Start listening (once Redis is reachable). */
  start(): void {
    this.#sub.start();
  }

  /** Stop listening, for good. */
  close(): void {
    this.#sub.close();
    this.#badMessages.close();
  }

  /** Send to one node: false when no node listens on its inbox (gone) or Redis is away. */
  async send(to: string, message: BusMessage): Promise<boolean> {
    return (await this.#publish(this.#keys.inbox(to), message)) > 0;
  }

  /** Send to every other node listening. */
  async broadcast(message: BusMessage): Promise<void> {
    await this.#publish(this.#keys.broadcast, message);
  }

  async #publish(channel: string, body: BusMessage): Promise<number> {
    if (!this.#pub.state.up) return 0;
    try {
      return await this.#pub.client.publish(channel, JSON.stringify({ from: this.#node, since: this.#since, body }));
    } catch {
      return 0; // Redis went away under us: the link says so and the caller's state is re-sent on `up`
    }
  }

  async #subscribe(): Promise<void> {
    if (this.#subscribed) return;
    this.#subscribed = true;
    const onMessage = (text: string): void => this.#receive(text);
    try {
      await this.#sub.client.subscribe([this.#keys.inbox(this.#node), this.#keys.broadcast], onMessage);
    } catch {
      this.#subscribed = false; // down again before it took: the next `up` tries again
    }
  }

  #receive(text: string): void {
    if (text.length > MAX_BUS_MESSAGE_BYTES) return this.#refuse('too_long');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.#refuse('not_json');
    }
    const r = v.safeParse(EnvelopeSchema, json);
    if (!r.success) return this.#refuse('bad_shape');
    if (r.output.from === this.#node) return; // our own broadcast
    this.emit('message', r.output.from, r.output.body, r.output.since);
  }

  #refuse(why: string): void {
    this.rejected++;
    this.#badMessages.count(why);
  }
}
