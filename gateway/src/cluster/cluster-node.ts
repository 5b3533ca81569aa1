/**
 * This gateway as a node of a cluster (issue 17, docs/cluster.md): it publishes its phones and its
 * liveness in Redis, mirrors the other nodes' phones as {@link RemotePhone}s for its router to
 * ring, hosts its own phones for the calls other nodes hold ({@link PhoneHost}), and carries the
 * audio of such calls over node links. Redis down is a state (`/readyz` says why): calls already
 * talking keep their audio (it never goes through Redis), and the node writes its state again
 * when Redis is back. A node that stops beating is dead for the others within its TTL: its phones
 * go, and the calls they were in end. A node restarted under the same id within its TTL never
 * stops beating, so each node also says when its process started (in its liveness, with each bus
 * message, in the link upgrade): another start than heard of before is a new instance, and
 * everything of the former one is dropped at once (its phones, its calls, its links).
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { CallState } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { CallView } from '../http/views.js';
import type { Logger } from '../log.js';
import type { PendingDial } from '../originate/dialer.js';
import type { RateDecision } from '../originate/rate-limit.js';
import { CallDirectory, type ClusterCallView } from './call-directory.js';
import { OtherCalls } from './other-calls.js';
import { clusterKeys, type ClusterKeys } from './cluster-keys.js';
import { NodeLinkServer } from './link-server.js';
import { NodeBus, type BusMessage } from './node-bus.js';
import { NodeLinks } from './node-links.js';
import { DEFAULT_PRESENCE, NodePresence, type NodeInfo, type PresenceTiming } from './node-presence.js';
import { PhoneDirectory, type PhoneEntry } from './phone-directory.js';
import { PhoneHost } from './phone-host.js';
import { REDIS_RETRY_MAX_MS, RedisLink, type RedisState } from './redis-link.js';
import { RemoteMirror } from './remote-mirror.js';
import type { RemotePhone } from './remote-phone.js';
import { takeSharedRate } from './shared-rate-limit.js';

/** Former instances of a node remembered, to refuse what they still say (a node restarted this often within a TTL is in a crash loop). */
const MAX_FORMER_INSTANCES = 8;

/** What a node needs to join its cluster (the `cluster` settings, resolved). */
export interface ClusterNodeOptions {
  readonly redisUrl: string;
  /** The cluster's name: its keys' prefix. */
  readonly name: string;
  readonly nodeId: string;
  readonly secret: string;
  /** Where this node's link listener binds, and the address other nodes dial (`host:port`). */
  readonly linkHost: string;
  readonly linkPort: number;
  readonly advertise?: string;
  readonly timing?: PresenceTiming;
  readonly log: Logger;
  /** This node's phone with that session id. */
  readonly phoneOf: (sessionId: string) => Phone | undefined;
  /** Whether a phone here is in a call of this node. */
  readonly busyHere: (phone: Phone) => boolean;
  /** A phone here answered another node's call: this node's calls stop ringing it. */
  readonly nowBusy: (phone: Phone) => void;
}

/** A node's cluster figures now (for /metrics; the frame counts only grow). */
export interface ClusterStats {
  readonly redisUp: boolean;
  /** Live nodes, this one included, as last listed. */
  readonly nodes: number;
  /** Other nodes' phones mirrored here. */
  readonly remotePhones: number;
  /** Other nodes' calls in this node's phones. */
  readonly remoteCalls: number;
  /** Open links to other nodes. */
  readonly links: number;
  /** Audio messages over the links, each way. */
  readonly linkFrames: { readonly out: number; readonly in: number };
  /** Audio messages not sent: a peer did not keep up. */
  readonly linkFramesDropped: number;
  /** Link upgrades refused (bad or missing header, wrong node, stale). */
  readonly refusedLinks: number;
  /** Messages from other nodes that did not parse. */
  readonly refusedMessages: number;
}

/** Events of a {@link ClusterNode}. */
export interface ClusterNodeEvents {
  /** A phone logged in on another node: ring it like a local one (it closes when it goes). */
  remotePhone: (phone: RemotePhone) => void;
  /** Another node's click-to-call waits for its call back, which may come here (`Dialer.adoptRemote`). */
  remoteDial: (dial: PendingDial, ttlMs: number) => void;
  /** A click-to-call was settled on another node (`Dialer.settledElsewhere`). */
  dialSettled: (dialId: string) => void;
  /** Another node's API asks to hang up this node's call `callId`. */
  hangupCall: (callId: string) => void;
}

/**
 * This node of the cluster.
 * @example
 * const node = new ClusterNode({ redisUrl, name: 'prod', nodeId: 'gw-a', secret, linkHost: '0.0.0.0', linkPort: 9100, advertise: '10.0.0.5:9100', log, phoneOf, busyHere, nowBusy });
 * node.on('remotePhone', (phone) => { registry.add(phone); router.addPhone(phone); });
 * await node.start();
 * registry.onAdd((phone) => node.localPhone(phone));
 */
export class ClusterNode extends EventEmitter<ClusterNodeEvents> {
  readonly id: string;
  readonly #options: ClusterNodeOptions;
  readonly #keys: ClusterKeys;
  readonly #timing: PresenceTiming;
  readonly #redis: RedisLink;
  readonly #bus: NodeBus;
  readonly #linkServer: NodeLinkServer;
  readonly #links: NodeLinks;
  readonly #host: PhoneHost;
  #presence: NodePresence | undefined;
  #directory: PhoneDirectory;
  readonly #calls: CallDirectory;
  /** Other nodes' phones. */
  readonly #remote: RemoteMirror;
  /** The live nodes as last seen (for addresses, and to notice one die). */
  #nodes = new Map<string, NodeInfo>();
  #timer: NodeJS.Timeout | undefined;
  #beating = false;
  /** When Redis last came back (0: not yet). */
  #backAt = 0;
  /** Nodes held since Redis came back, not listed again yet: read again once they are. */
  readonly #unheard = new Map<string, NodeInfo>();
  /** When this node's process started (its instance). */
  readonly #startedAt = Date.now();
  /** When each other node's process started, as last heard of: another start is that node restarted. */
  readonly #instances = new Map<string, number>();
  /** The starts of each node's former instances (the last few): what they say is stale. */
  readonly #former = new Map<string, number[]>();
  /** Nodes restarted whose new instance's phones and calls are read once Redis lists that instance. */
  readonly #restarted = new Set<string>();

  constructor(options: ClusterNodeOptions) {
    super();
    this.id = options.nodeId;
    this.#options = options;
    this.#keys = clusterKeys(options.name);
    this.#timing = options.timing ?? DEFAULT_PRESENCE;
    const log = options.log.child({ node: options.nodeId });
    this.#redis = new RedisLink(options.redisUrl, log);
    this.#bus = new NodeBus(this.#redis, options.redisUrl, this.#keys, options.nodeId, log, this.#startedAt);
    const identity = { self: options.nodeId, secret: options.secret, log, startedAt: this.#startedAt };
    this.#linkServer = new NodeLinkServer(identity);
    this.#links = new NodeLinks(identity, (node) => this.#addressOf(node));
    this.#linkServer.on('link', (link) => this.#links.adopt(link));
    this.#links.on('met', (peer, startedAt) => this.#heard(peer, startedAt));
    this.#directory = new PhoneDirectory(this.#redis, this.#keys, options.nodeId, this.#timing);
    this.#calls = new CallDirectory(this.#redis, this.#keys, options.nodeId, this.#timing);
    this.#host = new PhoneHost({ bus: this.#bus, links: this.#links, log, phoneOf: options.phoneOf, busyHere: options.busyHere, nowBusy: options.nowBusy });
    this.#remote = new RemoteMirror({ self: options.nodeId, bus: this.#bus, links: this.#links, log: options.log, onPhone: (phone) => this.emit('remotePhone', phone) });
    this.#bus.on('message', (from, message, since) => {
      if (this.#heard(from, since)) this.#onBus(from, message);
    });
    this.#redis.on('up', () => void this.#beat(true));
  }

  /** Redis's state, for `/readyz`: up once the node both reaches Redis and hears the other nodes. */
  get redis(): RedisState {
    const state = this.#redis.state;
    return state.up && !this.#bus.listening ? { up: false, why: 'subscribing' } : state;
  }

  /** Whether a phone of this node talks in another node's call (this node's router does not ring it). */
  busyElsewhere(phone: Phone): boolean {
    return this.#host.talksElsewhere(phone);
  }

  /** What /metrics shows of the cluster (cluster-metrics.ts). */
  get stats(): ClusterStats {
    const totals = this.#links.totals;
    return {
      redisUp: this.#redis.state.up,
      nodes: this.#nodes.size,
      remotePhones: this.#remote.size,
      remoteCalls: this.#host.size,
      links: this.#links.all.length,
      linkFrames: { out: totals.framesOut, in: totals.framesIn },
      linkFramesDropped: totals.framesDropped,
      refusedLinks: [...this.#linkServer.refused.values()].reduce((a, b) => a + b, 0),
      refusedMessages: this.#bus.rejected + this.#host.rejected,
    };
  }

  /** Phones of other nodes mirrored here now. */
  get remotePhones(): readonly RemotePhone[] {
    return this.#remote.all;
  }

  /** Start: the link listener, then Redis in the background (the node is ready once it is up). */
  async start(): Promise<void> {
    const port = await this.#linkServer.listen(this.#options.linkHost, this.#options.linkPort);
    const advertise = this.#options.advertise ?? `${this.#options.linkHost}:${port}`;
    this.#presence = new NodePresence(this.#redis, this.#keys, { id: this.id, address: advertise, startedAt: this.#startedAt }, this.#timing);
    this.#redis.start();
    this.#bus.start();
    this.#timer = setInterval(() => void this.#beat(false), this.#timing.refreshMs);
    this.#timer.unref();
  }

  /** Leave the cluster: say so in Redis, close the links (their calls end on the other nodes). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#redis.state.up) await this.#presence?.leave().catch(() => undefined);
    this.#links.close();
    await this.#linkServer.close();
    this.#bus.close();
    this.#redis.close();
  }

  /** A phone logged in here: published, and hosted for other nodes' calls. */
  localPhone(phone: Phone): void {
    const extension = phone.extension;
    if (extension === undefined) return;
    const entry: PhoneEntry = { sessionId: phone.id, protocol: phone.protocol, formats: [...phone.formats], claims: phone.claims, callNotices: phone.callNotices };
    this.#host.attach(phone);
    void this.#directory.add(extension, entry).catch(() => undefined); // Redis away: republished on `up`
    void this.#bus.broadcast({ kind: 'phone_online', extension, phone: entry });
    phone.once('closed', () => {
      void this.#directory.remove(extension, phone.id).catch(() => undefined);
      void this.#bus.broadcast({ kind: 'phone_offline', extension, sessionId: phone.id });
    });
  }

  /** Count a click-to-call of `extension` cluster-wide; undefined while Redis cannot be asked (count locally). */
  takeDialRate(extension: string, limit: number): Promise<RateDecision | undefined> {
    return takeSharedRate(this.#redis, this.#keys, extension, limit);
  }

  /** A call of this node changed state: `/api/calls` and `/monitor` on the other nodes show it (an ended one goes). */
  callChanged(view: CallView, previous: CallState): void {
    void this.#calls.publish(view).catch(() => undefined); // Redis away: written again on `up`
    void this.#bus.broadcast({ kind: 'call_changed', previous, call: { ...view } });
  }

  /** A click-to-call outcome or a fork's change of this node: the other nodes' `/monitor` show it. */
  shareActivity(event: 'dial' | 'fork', body: object): void {
    void this.#bus.broadcast({ kind: 'activity', event, body: { ...body } });
  }

  /** The other nodes' calls as last heard of, and their changes (for `/monitor`). */
  readonly otherCallsNow = new OtherCalls();

  /** The live calls of the other nodes, each with its node (for `/api/calls`). */
  async otherCalls(): Promise<ClusterCallView[]> {
    if (!this.#redis.state.up) return [];
    return this.#calls.list([...this.#nodes.values()].filter((n) => n.id !== this.id));
  }

  /** Hang up another node's call `callId`: whether a node holds it and heard the request. */
  async hangupElsewhere(callId: string): Promise<boolean> {
    if (!this.#redis.state.up) return false;
    const node = await this.#calls.nodeOf(callId, [...this.#nodes.values()].filter((n) => n.id !== this.id));
    return node !== undefined && (await this.#bus.send(node, { kind: 'hangup_call', callId }));
  }

  /**
   * A click-to-call of this node waits for its call back: every node may take it. Resolves once
   * Redis has handed the message to the other nodes' subscriptions (PUBLISH returned), so a call
   * back that Asterisk sends after it finds the dial on any node.
   */
  shareDial(dial: PendingDial, ttlMs: number): Promise<void> {
    const { dialId, extension, number, phoneId, requestId } = dial;
    return this.#bus.broadcast({ kind: 'dial_pending', dial: { dialId, extension, number, ...(phoneId === undefined ? {} : { phoneId }), ...(requestId === undefined ? {} : { requestId }) }, ttlMs });
  }

  /** A click-to-call was settled here (its call back came, or it failed): the other nodes forget it. */
  settleDial(dialId: string): void {
    void this.#bus.broadcast({ kind: 'dial_settled', dialId });
  }

  #onBus(from: string, message: BusMessage): void {
    switch (message.kind) {
      case 'dial_pending':
        return void this.emit('remoteDial', { ...message.dial, phoneId: message.dial.phoneId, requestId: message.dial.requestId }, message.ttlMs);
      case 'dial_settled':
        return void this.emit('dialSettled', message.dialId);
      case 'hangup_call':
        return void this.emit('hangupCall', message.callId);
      case 'activity':
        return this.otherCallsNow.activity(from, message.event, message.body);
      case 'call_changed':
        return this.otherCallsNow.changed({ ...(message.call as unknown as CallView), node: from }, message.previous);
      case 'phone_online':
        return this.#remote.add(from, message.extension, message.phone);
      case 'phone_offline':
        return this.#remote.gone(message.sessionId);
      case 'to_phone':
        return this.#host.deliver(from, message.sessionId, message.message);
      case 'from_phone':
        return this.#remote.fromBrowser(from, message.sessionId, message.message);
    }
  }

  /**
   * Heartbeat: phones, calls and liveness refreshed; on `up` (or a new node) everything is written
   * and read again. A node's phones and calls are written before its liveness, so a node that sees
   * it (back) finds them. After Redis came back (empty), a node not listed again yet is held for a
   * TTL and the longest reconnect wait, not dead: it may just reconnect later than this one.
   */
  async #beat(resync: boolean): Promise<void> {
    if (this.#beating || this.#presence === undefined || !this.#redis.state.up) return;
    this.#beating = true;
    try {
      if (resync) this.#backAt = Date.now();
      await (resync ? this.#directory.republish() : this.#directory.refresh());
      await (resync ? this.#calls.republish() : this.#calls.refresh());
      await this.#presence.beat();
      const before = this.#nodes;
      const now = await this.#refreshNodes();
      const listed = new Set(now.keys());
      const holding = Date.now() - this.#backAt < this.#timing.ttlMs + REDIS_RETRY_MAX_MS;
      for (const [id, info] of new Map([...this.#unheard, ...before])) {
        if (listed.has(id)) continue;
        if (holding) {
          now.set(id, info);
          this.#unheard.set(id, info);
        } else {
          this.#unheard.delete(id);
          this.#nodeDied(id);
        }
      }
      for (const [id, info] of now) {
        if (id === this.id || !listed.has(id)) continue;
        if (!this.#heard(id, info.startedAt, true)) continue; // its former instance, until the new one beats
        if (!resync && before.has(id) && !this.#unheard.has(id) && !this.#restarted.has(id)) continue;
        this.#unheard.delete(id);
        this.#restarted.delete(id);
        await this.#remote.resync(id, () => this.#directory.phonesOf(id));
        this.otherCallsNow.resync(id, await this.#calls.list([info]));
      }
    } catch (err) {
      this.#options.log.debug({ err }, 'cluster heartbeat failed (redis going away?)');
    } finally {
      this.#beating = false;
    }
  }

  async #refreshNodes(): Promise<Map<string, NodeInfo>> {
    const live = (await this.#presence?.liveNodes()) ?? [];
    this.#nodes = new Map(live.map((n) => [n.id, n]));
    return this.#nodes;
  }

  /** Where node `node` takes links: its current instance's address, once Redis lists that instance. */
  async #addressOf(node: string): Promise<string | undefined> {
    const current = (info: NodeInfo | undefined): info is NodeInfo => info !== undefined && (this.#instances.get(node) ?? info.startedAt) === info.startedAt;
    const known = this.#nodes.get(node);
    if (current(known)) return known.address;
    const listed = (await this.#refreshNodes()).get(node);
    return current(listed) ? listed.address : undefined;
  }

  /**
   * Node `node` speaks as a process started at `startedAt` (undefined: a node that does not say):
   * false when that is a former instance of it (what it says is stale: Redis may list it until the
   * new one beats). Another start than heard of before is the node restarted under the same id,
   * perhaps within its TTL (the others never saw it die): everything of its former instance is
   * dropped at once, and the new instance's phones and calls are read once Redis lists it. What a
   * node says itself (`listed` false: the bus, a link) is its live process, so any other start is
   * a restart, even an earlier one (a node id moved to a host whose clock is behind); Redis may
   * still list an instance this node never heard of until the new one beats, so there only a later
   * start is.
   */
  #heard(node: string, startedAt: number | undefined, listed = false): boolean {
    if (startedAt === undefined || node === this.id) return true;
    const known = this.#instances.get(node);
    if (startedAt === known) return true;
    const former = this.#former.get(node) ?? [];
    if (former.includes(startedAt) || (listed && known !== undefined && startedAt < known)) return false;
    this.#instances.set(node, startedAt);
    if (known === undefined) return true;
    this.#former.set(node, [...former.slice(-(MAX_FORMER_INSTANCES - 1)), known]);
    this.#options.log.warn({ restartedNode: node }, 'node restarted under the same id: the phones, calls and links of its former instance end');
    this.#forget(node);
    this.#links.dropOlder(node, startedAt);
    this.#restarted.add(node);
    return true;
  }

  #nodeDied(node: string): void {
    this.#options.log.warn({ deadNode: node }, 'node gone from the cluster: its phones and calls end');
    this.#instances.delete(node);
    this.#former.delete(node);
    this.#restarted.delete(node);
    this.#forget(node);
    this.#links.now(node)?.close();
  }

  /** Everything of node `node` as it was: its phones go, its calls end. */
  #forget(node: string): void {
    this.#remote.nodeDied(node);
    this.otherCallsNow.nodeDied(node);
    this.#host.endCallsOf(node);
  }
}
