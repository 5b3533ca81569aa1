/**
 * The other nodes' phones as this node sees them (issue 17): one {@link RemotePhone} per session
 * logged in elsewhere, added when its node announces it (or a resync reads it from Redis), gone
 * when it logs out, its node dies, or a resync no longer finds it. The messages and audio its
 * browser sends reach it here.
 * @packageDocumentation
 */
import { ProtocolError, parseClientMessage } from '@gag/sdk/protocol';
import type { PhoneMessage } from '../browser/phone.js';
import type { Logger } from '../log.js';
import type { NodeBus } from './node-bus.js';
import type { NodeLink } from './node-link.js';
import type { NodeLinks } from './node-links.js';
import type { PhoneEntry } from './phone-directory.js';
import { RemotePhone } from './remote-phone.js';

/** What the mirror needs. */
export interface RemoteMirrorDeps {
  readonly self: string;
  readonly bus: NodeBus;
  readonly links: NodeLinks;
  readonly log: Logger;
  /** A phone of another node is mirrored now: ring it like this node's. */
  readonly onPhone: (phone: RemotePhone) => void;
}

/**
 * The mirror of the other nodes' phones.
 * @example
 * const mirror = new RemoteMirror({ self: 'gw-a', bus, links, log, onPhone: (p) => router.addPhone(p) });
 * mirror.add('gw-b', '2001', entry);
 */
export class RemoteMirror {
  readonly #deps: RemoteMirrorDeps;
  readonly #phones = new Map<string, RemotePhone>();

  constructor(deps: RemoteMirrorDeps) {
    this.#deps = deps;
    deps.links.on('audio', (peer, channel, frames) => {
      const phone = this.#phones.get(channel.sessionId);
      if (phone?.node === peer) phone.audioFromBrowser(frames);
    });
    deps.links.on('lost', (_peer, link: NodeLink) => {
      for (const phone of this.#phones.values()) phone.linkLost(link);
    });
  }

  /** Other nodes' phones mirrored now. */
  get all(): readonly RemotePhone[] {
    return [...this.#phones.values()];
  }

  get size(): number {
    return this.#phones.size;
  }

  /** Node `node` says `entry` logged in for `extension` (once per session). */
  add(node: string, extension: string, entry: PhoneEntry): void {
    if (node === this.#deps.self || this.#phones.has(entry.sessionId)) return;
    const phone = new RemotePhone(node, extension, entry, { bus: this.#deps.bus, links: this.#deps.links, log: this.#deps.log });
    this.#phones.set(entry.sessionId, phone);
    phone.once('closed', () => this.#phones.delete(entry.sessionId));
    this.#deps.onPhone(phone);
  }

  /** The session logged out. */
  gone(sessionId: string): void {
    this.#phones.get(sessionId)?.gone();
  }

  /** A message its browser sent, from node `from` (checked as a browser's would be). */
  fromBrowser(from: string, sessionId: string, message: { type: string }): void {
    const phone = this.#phones.get(sessionId);
    if (phone?.node !== from) return;
    let parsed: PhoneMessage;
    try {
      const m = parseClientMessage(JSON.stringify(message));
      if (m.type === 'hello') throw new ProtocolError('hello from another node');
      parsed = m;
    } catch (err) {
      this.#deps.log.warn({ from, reason: err instanceof Error ? err.message : 'bad' }, 'cluster message from a phone refused');
      return;
    }
    phone.fromBrowser(parsed);
  }

  /** The phones of `node` as Redis has them: what is new is added; what was mirrored before the read and is missing goes. */
  async resync(node: string, read: () => Promise<{ extension: string; entry: PhoneEntry }[]>): Promise<void> {
    // Only phones mirrored before the read can be stale: one announced on the bus meanwhile is newer than it.
    const before = [...this.#phones.values()].filter((phone) => phone.node === node);
    const phones = await read();
    const seen = new Set(phones.map((p) => p.entry.sessionId));
    for (const phone of before) if (!seen.has(phone.id)) phone.gone();
    for (const { extension, entry } of phones) this.add(node, extension, entry);
  }

  /** Node `node` died: its phones go. */
  nodeDied(node: string): void {
    for (const phone of this.#phones.values()) if (phone.node === node) phone.gone();
  }
}
