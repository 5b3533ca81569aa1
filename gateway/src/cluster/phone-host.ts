/**
 * The phone's side of a call held by another node (issue 17): this node's browser sessions get
 * the messages the call's node sends them over the bus, and their answers, keys and audio go back
 * (control over the bus, audio over the node link). The session itself stays what it is here: its
 * token, limits and checks are this node's. A lost link or a dead node ends the calls it carried,
 * for the browser, with `connection_lost`; so does a ring whose lease the call's node stops
 * renewing (its `ended` lost while Redis was away: {@link RING_LEASE}).
 * @packageDocumentation
 */
import { DEFAULT_WIRE_FORMAT, ProtocolError, parseServerMessage, type ServerMessage, type WireFormat } from '@gag/sdk/protocol';
import type { Phone, PhoneMessage } from '../browser/phone.js';
import type { Logger } from '../log.js';
import type { NodeBus } from './node-bus.js';
import type { LinkChannel, NodeLink } from './node-link.js';
import type { NodeLinks } from './node-links.js';
import { RING_LEASE } from './remote-phone.js';

/** A call of another node that rings or talks in one of this node's phones. */
interface RemoteCall {
  readonly node: string;
  readonly format: WireFormat;
  talking: boolean;
  link?: NodeLink;
  chan?: number;
  /** While it rings: ends the ring unless the call's node renews it ({@link RING_LEASE}). */
  lease?: NodeJS.Timeout;
}

/** What the host needs from the node around it. */
export interface PhoneHostDeps {
  readonly bus: NodeBus;
  readonly links: NodeLinks;
  readonly log: Logger;
  /** This node's logged-in phone with that session id. */
  readonly phoneOf: (sessionId: string) => Phone | undefined;
  /** Whether the phone is in a call of this node (it cannot take a remote one). */
  readonly busyHere: (phone: Phone) => boolean;
  /** The phone answered a remote call: this node's calls stop ringing it. */
  readonly nowBusy: (phone: Phone) => void;
}

/**
 * Hosts this node's phones for the calls of other nodes.
 * @example
 * const host = new PhoneHost({ bus, links, log, phoneOf, busyHere: (p) => router.callOf(p) !== undefined, nowBusy: (p) => router.stopRinging(p) });
 * registry.onAdd((phone) => host.attach(phone));
 * bus.on('message', (from, m) => { if (m.kind === 'to_phone') host.deliver(from, m.sessionId, m.message); });
 */
export class PhoneHost {
  readonly #deps: PhoneHostDeps;
  /** Per phone: its calls held by other nodes, by call id. */
  readonly #calls = new Map<Phone, Map<string, RemoteCall>>();
  /**
   * Channels a call's node opened before its `incoming` got here (the link can be quicker than the
   * bus), by `session/call`: taken up when the call arrives.
   */
  readonly #early = new Map<string, { peer: string; link: NodeLink }>();
  /** Messages from other nodes that did not parse (counted). */
  rejected = 0;

  constructor(deps: PhoneHostDeps) {
    this.#deps = deps;
    deps.links.on('open', (peer, channel, link) => this.#callNodeOpened(peer, channel, link));
    deps.links.on('shut', (_peer, channel) => this.#early.delete(`${channel.sessionId}/${channel.callId}`));
    deps.links.on('audio', (peer, channel, frames) => this.#audioFromCallNode(peer, channel, frames));
    deps.links.on('lost', (peer, link) => this.#lost(peer, link));
  }

  /** Calls of other nodes in this node's phones now (for /metrics). */
  get size(): number {
    let n = 0;
    for (const calls of this.#calls.values()) n += calls.size;
    return n;
  }

  /** Whether `phone` talks in a call another node holds (its router must not ring it). */
  talksElsewhere(phone: Phone): boolean {
    return this.#talking(phone) !== undefined;
  }

  /** A phone logged in here: what it sends about remote calls goes back to their nodes. */
  attach(phone: Phone): void {
    phone.on('message', (message) => this.#fromBrowser(phone, message));
    phone.on('audio', (frames) => this.#audioFromBrowser(phone, frames));
    phone.once('closed', () => this.#calls.delete(phone));
  }

  /** Node `from` (the call's) sends `message` to this node's phone `sessionId`. */
  deliver(from: string, sessionId: string, message: { type: string }): void {
    let parsed: ServerMessage;
    try {
      parsed = parseServerMessage(JSON.stringify(message));
    } catch (err) {
      this.rejected++;
      this.#deps.log.warn({ from, reason: err instanceof ProtocolError ? err.message : 'bad message' }, 'cluster message for a phone refused');
      return;
    }
    const phone = this.#deps.phoneOf(sessionId);
    const callId = 'callId' in parsed ? parsed.callId : undefined;
    if (callId === undefined) return phone?.send(parsed);
    const call = phone === undefined ? undefined : this.#calls.get(phone)?.get(callId);
    if (parsed.type === 'incoming' && call?.node === from) {
      if (!call.talking) call.lease?.refresh(); // the call's node renews the ring's lease
      return;
    }
    if (parsed.type === 'incoming') {
      if (phone === undefined || !phone.canTakeCall || this.#deps.busyHere(phone) || this.#talking(phone) !== undefined) {
        return void this.#deps.bus.send(from, { kind: 'from_phone', sessionId, message: { type: 'reject', callId } });
      }
      const ringing: RemoteCall = { node: from, format: parsed.format ?? DEFAULT_WIRE_FORMAT, talking: false };
      ringing.lease = setTimeout(() => this.#leaseLapsed(phone, callId, ringing), RING_LEASE.ttlMs).unref();
      this.#callsOf(phone).set(callId, ringing);
      const early = this.#early.get(`${sessionId}/${callId}`);
      this.#early.delete(`${sessionId}/${callId}`);
      phone.send(parsed);
      if (early?.peer === from && early.link.open) this.#talkOn(phone, callId, ringing, early.link);
      return;
    }
    if (phone === undefined || call === undefined) return;
    if (parsed.type === 'answered') {
      this.#startTalking(phone, call);
      this.#openBack(phone, callId, call);
    } else if (parsed.type === 'ended') {
      this.#end(phone, callId, call);
    }
    phone.send(parsed);
  }

  #fromBrowser(phone: Phone, message: PhoneMessage): void {
    if (!('callId' in message)) return;
    const call = this.#calls.get(phone)?.get(message.callId);
    if (call !== undefined) void this.#deps.bus.send(call.node, { kind: 'from_phone', sessionId: phone.id, message });
  }

  #audioFromBrowser(phone: Phone, frames: Buffer): void {
    const talking = this.#talking(phone);
    if (talking?.link !== undefined && talking.chan !== undefined) talking.link.send(talking.chan, frames);
  }

  #audioFromCallNode(peer: string, channel: LinkChannel, frames: Buffer): void {
    const phone = this.#deps.phoneOf(channel.sessionId);
    const call = phone === undefined ? undefined : this.#calls.get(phone)?.get(channel.callId);
    if (call?.talking === true && call.node === peer) phone!.sendAudio(frames);
  }

  /**
   * The call's node opened its channel to the browser on `link`: the browser's audio goes back on
   * the same link, so a cut link is one both sides see.
   */
  #callNodeOpened(peer: string, channel: LinkChannel, link: NodeLink): void {
    const phone = this.#deps.phoneOf(channel.sessionId);
    if (phone === undefined) return;
    const call = this.#calls.get(phone)?.get(channel.callId);
    if (call === undefined) return void this.#early.set(`${channel.sessionId}/${channel.callId}`, { peer, link });
    if (call.node === peer && call.link === undefined) this.#talkOn(phone, channel.callId, call, link);
  }

  /**
   * The call's node opened its channel to this phone: it answered the call with it (its
   * `answered` may still be on the bus), so the audio flows from now, both ways, on `link`.
   */
  #talkOn(phone: Phone, callId: string, call: RemoteCall, link: NodeLink): void {
    call.link = link;
    this.#startTalking(phone, call);
    this.#openBack(phone, callId, call);
  }

  #startTalking(phone: Phone, call: RemoteCall): void {
    if (call.talking) return;
    clearTimeout(call.lease);
    call.talking = true;
    phone.talkingIn(call.format);
    this.#deps.nowBusy(phone);
  }

  /** Open the browser's channel back, once the call is answered and its node's channel is there. */
  #openBack(phone: Phone, callId: string, call: RemoteCall): void {
    if (!call.talking || call.link === undefined || call.chan !== undefined || !call.link.open) return;
    call.chan = call.link.openChannel({ sessionId: phone.id, callId, format: call.format });
  }

  /** Node `node` died: every call it held ends here, ringing or talking. */
  endCallsOf(node: string): void {
    this.#endWhere((call) => call.node === node);
  }

  /** The link to `peer` closed: the calls on it end here (the call's node ends them on its side). */
  #lost(peer: string, link: NodeLink): void {
    for (const [key, early] of this.#early) if (early.link === link) this.#early.delete(key);
    this.#endWhere((call) => call.node === peer && call.link === link);
  }

  #endWhere(match: (call: RemoteCall) => boolean): void {
    for (const [phone, calls] of this.#calls) {
      for (const [callId, call] of calls) {
        if (!match(call)) continue;
        this.#end(phone, callId, call);
        phone.send({ type: 'ended', callId, reason: 'connection_lost' });
      }
    }
  }

  /** The call's node stopped renewing the ring (its `ended` may have been lost): it ends for the browser. */
  #leaseLapsed(phone: Phone, callId: string, call: RemoteCall): void {
    if (this.#calls.get(phone)?.get(callId) !== call || call.talking) return;
    this.#deps.log.info({ callNode: call.node, callId }, 'ring of another node’s call not renewed: it ends here');
    this.#end(phone, callId, call);
    phone.send({ type: 'ended', callId, reason: 'connection_lost' });
  }

  #end(phone: Phone, callId: string, call: RemoteCall): void {
    clearTimeout(call.lease);
    this.#calls.get(phone)?.delete(callId);
    if (call.link !== undefined && call.chan !== undefined) call.link.shutChannel(call.chan);
    if (call.talking) phone.talkingIn(undefined);
    call.talking = false;
  }

  #talking(phone: Phone): RemoteCall | undefined {
    for (const call of this.#calls.get(phone)?.values() ?? []) if (call.talking) return call;
    return undefined;
  }

  #callsOf(phone: Phone): Map<string, RemoteCall> {
    let calls = this.#calls.get(phone);
    if (calls === undefined) this.#calls.set(phone, (calls = new Map()));
    return calls;
  }
}
