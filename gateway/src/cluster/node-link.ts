/**
 * The media link between two nodes (issue 17): one WebSocket per node pair carries the audio of
 * every call whose Asterisk leg is on one node and whose browser is on the other. Each side opens
 * channels for its calls (a TEXT `open` with the session, call and codec), then sends BINARY
 * messages of a 2-byte channel number (big-endian) and whole audio frames of that codec. A peer
 * that breaks the framing is a bug or an intruder: the link closes with the reason, and the calls
 * on it end (link-server.ts, node-links.ts); nothing else does. A peer that does not keep up loses
 * new frames past a bounded backlog, counted, as a browser does.
 *
 * The messages of one event-loop turn leave together: the first send of a turn corks the TCP
 * socket and a `setImmediate` (the check phase of the same turn, right after the I/O callbacks
 * that relayed the frames) uncorks it, so the frames of every call relayed in that turn go out in
 * one `writev` and reach the peer in one read, instead of a system call each way per frame. No
 * frame waits past the turn it was sent in.
 * @packageDocumentation
 */
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'eventemitter3';
import * as v from 'valibot';
import type { WebSocket } from 'ws';
import { WIRE_FORMATS, wholeFramesOf, type WireFormat } from '@gag/sdk/protocol';
import type { Logger } from '../log.js';
import { onMessages } from '../net/binary-frames-in.js';
import { startHeartbeat } from '../net/heartbeat.js';
import { closeSocket } from '../net/ws-close.js';

/** Past this much waiting on the socket, new frames are dropped (about 2 s of 200 calls' slin16 at 20 ms). */
export const MAX_LINK_BACKLOG_BYTES = 4 * 1024 * 1024;
/** Channel numbers are 16 bits; a link never has this many calls open at once. */
export const MAX_LINK_CHANNELS = 65_536;
/** Close code of a link whose peer broke the framing (a 4000 like the browsers' BAD_MESSAGE). */
export const LINK_BAD_MESSAGE = 4000;
/** Close code of a link this node closes on purpose (shutdown, drain): 1001 going away. */
export const LINK_GOING_AWAY = 1001;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const Chan = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_LINK_CHANNELS - 1));
const ControlSchema = v.variant('t', [
  v.object({ t: v.literal('open'), chan: Chan, sessionId: Id, callId: Id, format: v.picklist(WIRE_FORMATS) }),
  v.object({ t: v.literal('shut'), chan: Chan }),
]);

/** What a channel carries: one call's audio for one browser session. */
export interface LinkChannel {
  readonly sessionId: string;
  readonly callId: string;
  readonly format: WireFormat;
}

/** Events of a {@link NodeLink}; `chan` numbers are the peer's. */
export interface NodeLinkEvents {
  /** The peer opened a channel. */
  open: (chan: number, channel: LinkChannel) => void;
  /** Whole frames on a channel the peer opened. */
  audio: (chan: number, frames: Buffer) => void;
  /** The peer shut a channel. */
  shut: (chan: number) => void;
  /** The link is gone (fires once, last): every channel on it, both ways, is over. */
  closed: (code: number, reason: string) => void;
}

/** Counters of a link (no per-frame logging). */
export interface LinkStats {
  framesOut: number;
  framesIn: number;
  /** Frames not sent: the peer did not keep up. */
  framesDropped: number;
}

/**
 * One node-to-node link, either end.
 * @example
 * const chan = link.open({ sessionId, callId, format: 'slin16' });
 * link.send(chan, frames); // on the audio path
 * link.on('audio', (peerChan, frames) => phoneOf(peerChan)?.sendAudio(frames));
 */
export class NodeLink extends EventEmitter<NodeLinkEvents> {
  /** The node at the other end. */
  readonly peer: string;
  /** When the peer's process started, as it said in the upgrade (undefined: it did not say). */
  readonly peerStartedAt: number | undefined;
  readonly stats: LinkStats = { framesOut: 0, framesIn: 0, framesDropped: 0 };
  readonly #ws: WebSocket;
  /** The TCP socket under `#ws`, corked while a turn's messages are written. */
  readonly #socket: Duplex;
  /** Whether `#socket` is corked until this turn's check phase. */
  #held = false;
  readonly #log: Logger;
  /** Channels this side opened: chan → what it carries. */
  readonly #mine = new Map<number, LinkChannel>();
  /** Channels the peer opened. */
  readonly #theirs = new Map<number, LinkChannel>();
  #nextChan = 0;
  #closed = false;

  /**
   * @param socket the socket `ws` runs on (the upgrade's).
   * @param peerStartedAt when the peer's process started, as its upgrade said.
   */
  constructor(ws: WebSocket, socket: Duplex, peer: string, log: Logger, peerStartedAt?: number) {
    super();
    this.#ws = ws;
    this.#socket = socket;
    this.peer = peer;
    this.peerStartedAt = peerStartedAt;
    this.#log = log.child({ peerNode: peer });
    const stopHeartbeat = startHeartbeat(ws, { onLost: () => this.#log.warn('node link heartbeat lost') });
    onMessages(ws, (data, isBinary) => this.#receive(data, isBinary)); // on the accepting side audio skips ws's receiver (net/binary-frames-in.ts)
    ws.once('close', (code: number, reason: Buffer) => {
      stopHeartbeat();
      this.#closed = true;
      this.#log.info({ code, reason: reason.toString() }, 'node link closed');
      this.emit('closed', code, reason.toString());
    });
    ws.on('error', (err) => this.#log.debug({ err }, 'node link socket error'));
  }

  /** Whether the link can carry audio. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Channels open in either direction (for /metrics). */
  get channels(): number {
    return this.#mine.size + this.#theirs.size;
  }

  /** Open a channel for `channel`'s audio towards the peer: its number, for {@link NodeLink.send}. */
  openChannel(channel: LinkChannel): number {
    if (this.#mine.size >= MAX_LINK_CHANNELS) throw new Error('node link: every channel number is in use');
    while (this.#mine.has(this.#nextChan)) this.#nextChan = (this.#nextChan + 1) % MAX_LINK_CHANNELS;
    const chan = this.#nextChan;
    this.#nextChan = (chan + 1) % MAX_LINK_CHANNELS;
    this.#mine.set(chan, channel);
    this.#hold();
    this.#ws.send(JSON.stringify({ t: 'open', chan, ...channel }));
    return chan;
  }

  /** Send whole frames on a channel of ours: false when dropped (link closed, or the peer is behind). */
  send(chan: number, frames: Buffer): boolean {
    if (this.#closed || !this.#mine.has(chan)) return false;
    if (this.#ws.bufferedAmount > MAX_LINK_BACKLOG_BYTES) {
      this.stats.framesDropped++;
      return false;
    }
    const message = Buffer.allocUnsafe(2 + frames.length);
    message.writeUInt16BE(chan, 0);
    frames.copy(message, 2);
    this.#hold();
    this.#ws.send(message);
    this.stats.framesOut++;
    return true;
  }

  /** Shut a channel of ours (its call ended here, or moved). */
  shutChannel(chan: number): void {
    if (!this.#mine.delete(chan) || this.#closed) return;
    this.#hold();
    this.#ws.send(JSON.stringify({ t: 'shut', chan }));
  }

  /** Cork the socket until this turn's check phase (once a turn): the turn's messages leave in one write. */
  #hold(): void {
    if (this.#held) return;
    this.#held = true;
    this.#socket.cork();
    setImmediate(this.#release);
  }

  readonly #release = (): void => {
    this.#held = false;
    this.#socket.uncork();
  };

  /** Close the link (shutdown): the peer ends the calls on it. */
  close(code = LINK_GOING_AWAY, reason = 'going away'): void {
    if (!this.#closed) closeSocket(this.#ws, code, reason);
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    if (!isBinary) return this.#control(data.toString('utf8'));
    if (data.length < 2) return this.#refuse('audio message shorter than its channel number');
    const chan = data.readUInt16BE(0);
    const channel = this.#theirs.get(chan);
    if (channel === undefined) return this.#refuse(`audio on channel ${chan}, which is not open`);
    const frames = data.subarray(2);
    if (wholeFramesOf(channel.format, frames.length) === 0) return this.#refuse(`audio on channel ${chan} is not whole ${channel.format} frames (${frames.length} bytes)`);
    this.stats.framesIn++;
    this.emit('audio', chan, frames);
  }

  #control(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.#refuse('control message is not JSON');
    }
    const r = v.safeParse(ControlSchema, json);
    if (!r.success) return this.#refuse(`bad control message: ${v.getDotPath(r.issues[0]) ?? 't'}: ${r.issues[0].message}`);
    const msg = r.output;
    if (msg.t === 'open') {
      if (this.#theirs.has(msg.chan)) return this.#refuse(`channel ${msg.chan} opened twice`);
      const channel: LinkChannel = { sessionId: msg.sessionId, callId: msg.callId, format: msg.format };
      this.#theirs.set(msg.chan, channel);
      this.emit('open', msg.chan, channel);
    } else if (this.#theirs.delete(msg.chan)) {
      this.emit('shut', msg.chan);
    }
  }

  #refuse(reason: string): void {
    this.#log.warn({ reason }, 'node link refused: closing it');
    this.close(LINK_BAD_MESSAGE, reason);
    // The close event follows; frames that arrive meanwhile are ignored.
    this.#closed = true;
  }
}
