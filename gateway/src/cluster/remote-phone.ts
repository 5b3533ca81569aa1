/**
 * A phone logged in on another node, as the node that holds the call sees it (issue 17): the
 * router rings, answers and relays it like any {@link Phone}. Its control messages travel over
 * the cluster bus to the phone's node, its audio over the node link; what the browser sends comes
 * back the same ways (node-cluster.ts feeds it in). The phone's own node keeps its token and its
 * limits; this side only mirrors what it published.
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import { frameBytesOf, type ServerMessage, type WireFormat } from '@gag/sdk/protocol';
import { newPhoneStats } from '../browser/audio-out.js';
import { NO_CLAIMS, type Phone, type PhoneClaims, type PhoneEvents, type PhoneMessage } from '../browser/phone.js';
import type { Logger } from '../log.js';
import type { NodeBus } from './node-bus.js';
import type { NodeLink } from './node-link.js';
import type { NodeLinks } from './node-links.js';
import type { PhoneEntry } from './phone-directory.js';

/** A remote phone's call: its codec, its id once `answered` names it (empty before), and our channel once the link is there. */
interface Talking {
  readonly format: WireFormat;
  readonly callId: string;
  link?: NodeLink;
  chan?: number;
  /** Audio of the answered call that came before its channel was open (the link still being dialed), sent first once it is. */
  held?: Buffer[];
  heldBytes?: number;
}

/**
 * Audio an answered call holds while its link to the phone's node is being dialed (a first call
 * to a node, or to a node just restarted): about a second of slin16 at 20 ms; past it, frames are
 * dropped and counted, as a browser that does not keep up loses them.
 */
export const MAX_HELD_AUDIO_BYTES = 32_000;

/** Close code a remote phone reports when its node or its link is gone (1001: going away, as a browser that left). */
export const REMOTE_PHONE_GONE = 1001;

/**
 * The lease of a ring across nodes: while a call rings a phone of another node, the call's node
 * sends its `incoming` again every `refreshMs`; the phone's node ends a ring not renewed for
 * `ttlMs` (its `ended` was lost, e.g. while Redis was away), so no browser rings forever. Three
 * renewals may be lost in a row before a ring that goes on ends; a call still ringing when the bus
 * is back rings again with the next renewal.
 */
export const RING_LEASE = { refreshMs: 1_000, ttlMs: 3_500 } as const;

/**
 * A phone on node `node`.
 * @example
 * const phone = new RemotePhone('gw-b', '2001', entry, { bus, links, log });
 * registry.add(phone); router.addPhone(phone); // rings like a local one
 */
export class RemotePhone extends EventEmitter<PhoneEvents> implements Phone {
  readonly id: string;
  readonly node: string;
  readonly protocol: 'gag.v1' | 'legacy';
  readonly extension: string;
  readonly claims: PhoneClaims;
  readonly callNotices: boolean;
  readonly formats: readonly WireFormat[];
  readonly remoteAddress = undefined;
  readonly userAgent = undefined;
  readonly connectedAtMs = Date.now();
  readonly log: Logger;
  readonly stats = newPhoneStats();
  /** One call at a time reaches a phone through the cluster: its node refuses a second with `reject`. */
  readonly canTakeCall = true;
  readonly #bus: NodeBus;
  readonly #links: NodeLinks;
  /** The call this phone talks in: its format and our channel to the phone's node. */
  #talking: Talking | undefined;
  /** Calls offered to it and not ended, told to its browser when it goes. */
  readonly #calls = new Set<string>();
  /** The `incoming` of each call ringing it (offered, not answered nor ended), renewed on {@link RING_LEASE}. */
  readonly #ringing = new Map<string, ServerMessage>();
  #renewal: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(node: string, extension: string, entry: PhoneEntry, deps: { bus: NodeBus; links: NodeLinks; log: Logger }) {
    super();
    this.id = entry.sessionId;
    this.node = node;
    this.extension = extension;
    this.protocol = entry.protocol;
    this.formats = entry.formats;
    this.claims = entry.claims ?? NO_CLAIMS;
    this.callNotices = entry.callNotices === true;
    this.#bus = deps.bus;
    this.#links = deps.links;
    this.log = deps.log.child({ exten: extension, sessionId: entry.sessionId, phoneNode: node });
  }

  /** Tell the browser, through its node. */
  send(message: ServerMessage): void {
    if (this.#closed) return;
    if (message.type === 'incoming') {
      this.#calls.add(message.callId);
      this.#ring(message.callId, message);
      void this.#links.to(this.node).catch(() => undefined); // warm the link while it rings
    } else if (message.type === 'answered') {
      this.#ring(message.callId, undefined);
      this.#openChannel(message.callId);
    } else if (message.type === 'ended') {
      this.#calls.delete(message.callId);
      this.#ring(message.callId, undefined);
    }
    this.#toNode(message);
  }

  #toNode(message: ServerMessage): void {
    void this.#bus.send(this.node, { kind: 'to_phone', sessionId: this.id, message }).then((heard) => {
      if (!heard && !this.#closed) this.log.debug({ type: message.type }, 'remote phone’s node did not hear a message');
    });
  }

  /** Call `callId` rings the phone with `incoming` now, or (undefined) no longer: its lease is renewed while it rings. */
  #ring(callId: string, incoming: ServerMessage | undefined): void {
    if (incoming === undefined) this.#ringing.delete(callId);
    else this.#ringing.set(callId, incoming);
    if (this.#ringing.size === 0) {
      clearInterval(this.#renewal);
      this.#renewal = undefined;
    } else if (this.#renewal === undefined) {
      this.#renewal = setInterval(() => {
        for (const message of this.#ringing.values()) this.#toNode(message);
      }, RING_LEASE.refreshMs);
      this.#renewal.unref();
    }
  }

  /** The call tells its codec just before `answered` names the call: the channel opens with the second of the two. */
  talkingIn(format: WireFormat | undefined): void {
    const was = this.#talking;
    if (was?.link !== undefined && was.chan !== undefined) was.link.shutChannel(was.chan);
    this.#talking = undefined;
    if (format === undefined || this.#closed) return;
    this.#talking = { format, callId: '' };
  }

  /** Open our channel for the answered call `callId` (its codec known from talkingIn). */
  #openChannel(callId: string): void {
    const pending = this.#talking;
    if (pending === undefined || pending.callId !== '') return;
    const talking: Talking = { format: pending.format, callId };
    this.#talking = talking;
    // The link is usually up already (warmed when the call rang); frames before it is are held.
    this.#links.to(this.node).then(
      (link) => {
        if (this.#talking !== talking) return;
        talking.link = link;
        talking.chan = link.openChannel({ sessionId: this.id, callId, format: talking.format });
        const held = talking.held ?? [];
        talking.held = undefined;
        for (const frames of held) this.sendAudio(frames);
      },
      (err: unknown) => {
        this.log.warn({ err }, 'no link to the phone’s node: its call ends');
        this.emit('message', { type: 'hangup', callId });
      },
    );
  }

  sendAudio(frames: Buffer): boolean {
    const talking = this.#talking;
    if (talking === undefined || talking.callId === '') return false;
    const count = frames.length / frameBytesOf(talking.format);
    if (talking.link === undefined || talking.chan === undefined) {
      // Answered, its link still being dialed: held (a copy: the caller may reuse its buffer), sent once the channel is open.
      if ((talking.heldBytes ?? 0) + frames.length > MAX_HELD_AUDIO_BYTES) {
        this.stats.framesDroppedBacklog += count;
        return false;
      }
      (talking.held ??= []).push(Buffer.from(frames));
      talking.heldBytes = (talking.heldBytes ?? 0) + frames.length;
      return true;
    }
    const sent = talking.link.send(talking.chan, frames);
    if (sent) {
      this.stats.framesOut += count;
      this.stats.bytesOut += frames.length;
    } else this.stats.framesDroppedBacklog += count;
    return sent;
  }

  /** Its own node drains it, not this one. */
  goAway(): void {}

  /** Its node checks its token; a reload there re-verifies it. */
  recheckToken(): Promise<void> {
    return Promise.resolve();
  }

  /** The link this phone's call uses, if any (a lost link ends that call). */
  get link(): NodeLink | undefined {
    return this.#talking?.link;
  }

  /** @internal A control message the browser sent, from its node. */
  fromBrowser(message: PhoneMessage): void {
    if (!this.#closed) this.emit('message', message);
  }

  /** @internal Audio the browser sent, from its node's link. */
  audioFromBrowser(frames: Buffer): void {
    if (this.#closed || this.#talking === undefined) return;
    this.stats.framesIn += frames.length / frameBytesOf(this.#talking.format);
    this.emit('audio', frames);
  }

  /**
   * @internal The link of its call was cut: that call ends (as if its browser hung up: the router
   * hangs up Asterisk's side; the phone's node tells the browser), and the phone stays, to be rung
   * over a new link.
   */
  linkLost(link: NodeLink): void {
    const talking = this.#talking;
    if (this.#closed || talking?.link !== link) return;
    this.#talking = undefined;
    this.#calls.delete(talking.callId);
    this.emit('message', { type: 'hangup', callId: talking.callId });
  }

  /** @internal The phone logged out, or its node died: gone, once. */
  gone(): void {
    if (this.#closed) return;
    // Its browser may still be there (a cut link): its call ends for it too, if the bus can say so.
    for (const callId of this.#calls) {
      void this.#bus.send(this.node, { kind: 'to_phone', sessionId: this.id, message: { type: 'ended', callId, reason: 'connection_lost' } });
    }
    this.#closed = true;
    this.#ringing.clear();
    clearInterval(this.#renewal);
    this.talkingIn(undefined);
    this.emit('closed', REMOTE_PHONE_GONE);
  }
}
