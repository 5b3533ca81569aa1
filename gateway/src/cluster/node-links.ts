/**
 * The links of this node to the others (issue 17): at most one in use per peer, dialed when first
 * needed (or the one the peer dialed), and the audio of all of them as one stream of events named
 * by the peer and the channel's call and session. A link that closes is reported once, so the
 * calls on it end on both sides and nothing else does.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { dialNodeLink, type LinkIdentity } from './link-server.js';
import type { LinkChannel, LinkStats, NodeLink } from './node-link.js';

/** Events of {@link NodeLinks}. */
export interface NodeLinksEvents {
  /** `peer` opened a channel for `channel` on `link`: the other direction of that call belongs on the same link. */
  open: (peer: string, channel: LinkChannel, link: NodeLink) => void;
  /** Frames from `peer` on a channel it opened for `channel`. */
  audio: (peer: string, channel: LinkChannel, frames: Buffer) => void;
  /** `peer` shut its channel for `channel`. */
  shut: (peer: string, channel: LinkChannel) => void;
  /** The link to `peer` closed: every channel on it, both ways, is over. */
  lost: (peer: string, link: NodeLink) => void;
  /** A link opened (either way) with `peer`'s process started at `startedAt` (a later one: the node restarted). */
  met: (peer: string, startedAt: number) => void;
}

/**
 * This node's links, by peer.
 * @example
 * const links = new NodeLinks(identity, async (node) => (await presence.liveNodes()).find((n) => n.id === node)?.address);
 * linkServer.on('link', (link) => links.adopt(link));
 * const link = await links.to('gw-b');
 */
export class NodeLinks extends EventEmitter<NodeLinksEvents> {
  readonly #identity: LinkIdentity;
  readonly #addressOf: (node: string) => Promise<string | undefined>;
  readonly #links = new Map<string, NodeLink>();
  readonly #dialing = new Map<string, Promise<NodeLink>>();
  /** Every open link, the one in use per peer and any other a peer dialed meanwhile. */
  readonly #open = new Set<NodeLink>();
  /** Counters of the links that have closed, so the totals only grow. */
  readonly #closed = { framesOut: 0, framesIn: 0, framesDropped: 0 };

  constructor(identity: LinkIdentity, addressOf: (node: string) => Promise<string | undefined>) {
    super();
    this.#identity = identity;
    this.#addressOf = addressOf;
  }

  /** Frames over every link this node had, open or closed (for /metrics). */
  get totals(): LinkStats {
    const sum = { ...this.#closed };
    for (const link of this.#open) {
      sum.framesOut += link.stats.framesOut;
      sum.framesIn += link.stats.framesIn;
      sum.framesDropped += link.stats.framesDropped;
    }
    return sum;
  }

  /** The open links now (for /metrics). */
  get all(): readonly NodeLink[] {
    return [...this.#open];
  }

  /**
   * An open link to `node`: the one in use, or a new one dialed at the address it published.
   * @throws Error when the node is not alive or cannot be reached.
   */
  to(node: string): Promise<NodeLink> {
    const open = this.#links.get(node);
    if (open?.open === true) return Promise.resolve(open);
    let dialing = this.#dialing.get(node);
    if (dialing === undefined) {
      dialing = this.#dial(node).finally(() => this.#dialing.delete(node));
      this.#dialing.set(node, dialing);
    }
    return dialing;
  }

  /** The open link to `node` without waiting, if there is one. */
  now(node: string): NodeLink | undefined {
    const link = this.#links.get(node);
    return link?.open === true ? link : undefined;
  }

  /** A link `link.peer` dialed to this node. */
  adopt(link: NodeLink): void {
    const known = this.#links.get(link.peer);
    if (known?.open !== true) this.#links.set(link.peer, link);
    this.#watch(link);
  }

  /**
   * `peer` restarted as a process started at `startedAt`: its former instance's links close (their
   * calls end), and one of the new instance's, if any, is the one in use.
   */
  dropOlder(peer: string, startedAt: number): void {
    let kept: NodeLink | undefined;
    for (const link of this.#open) {
      if (link.peer !== peer) continue;
      if (link.peerStartedAt === startedAt) kept ??= link;
      else link.close();
    }
    if (kept === undefined) this.#links.delete(peer);
    else this.#links.set(peer, kept);
  }

  /** Close every link (shutdown). */
  close(): void {
    for (const link of this.#open) link.close();
  }

  async #dial(node: string): Promise<NodeLink> {
    const address = await this.#addressOf(node);
    if (address === undefined) throw new Error(`node ${node} is not alive`);
    const link = await dialNodeLink(this.#identity, node, address);
    this.#links.set(node, link);
    this.#watch(link);
    return link;
  }

  #watch(link: NodeLink): void {
    this.#open.add(link);
    if (link.peerStartedAt !== undefined) this.emit('met', link.peer, link.peerStartedAt);
    const theirs = new Map<number, LinkChannel>();
    link.on('open', (chan, channel) => {
      theirs.set(chan, channel);
      this.emit('open', link.peer, channel, link);
    });
    link.on('audio', (chan, frames) => {
      const channel = theirs.get(chan);
      if (channel !== undefined) this.emit('audio', link.peer, channel, frames);
    });
    link.on('shut', (chan) => {
      const channel = theirs.get(chan);
      theirs.delete(chan);
      if (channel !== undefined) this.emit('shut', link.peer, channel);
    });
    link.once('closed', () => {
      this.#open.delete(link);
      this.#closed.framesOut += link.stats.framesOut;
      this.#closed.framesIn += link.stats.framesIn;
      this.#closed.framesDropped += link.stats.framesDropped;
      if (this.#links.get(link.peer) === link) this.#links.delete(link.peer);
      this.emit('lost', link.peer, link);
    });
  }
}
