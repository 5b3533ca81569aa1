/**
 * Audio towards a browser, whatever protocol it speaks (`gag.v1` in `session.ts`, GoAstGateway's
 * words in `legacy.ts`): whole frames are sent in packets of the session's packet time (20 ms:
 * each frame as it comes; 40 or 60 ms: Asterisk's 20 ms frames gathered into one message), or
 * dropped when the browser has not read {@link MAX_BROWSER_BACKLOG_MS} of audio (late audio is
 * worse than lost audio). Each frame is counted once, here, as sent or dropped; the gateway's
 * totals are summed from these counters.
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';
import { FRAME_MS, frameBytesOf, type PacketMs, type WireFormat } from '@gag/sdk/protocol';
import { BinaryOut, headerBytesOf, newBinaryFrame } from '../net/binary-frame.js';

/** A browser that has not read this much audio loses the newest frames (those queued are still sent). */
export const MAX_BROWSER_BACKLOG_MS = 200;
/** {@link MAX_BROWSER_BACKLOG_MS} of audio in `format`, in bytes. @example backlogBytesOf('ulaw') // 1600 */
export const backlogBytesOf = (format: WireFormat): number => (MAX_BROWSER_BACKLOG_MS / FRAME_MS) * frameBytesOf(format);

/** A browser connection's counters (no per-frame logging), in 20 ms frames of the call's codec. */
export interface PhoneStats {
  /** Frames received from the browser and passed on. */
  framesIn: number;
  /** Frames sent to the browser, and their bytes. */
  framesOut: number;
  bytesOut: number;
  /** Frames not sent: the browser had more than MAX_BROWSER_BACKLOG_MS of audio unread. */
  framesDroppedBacklog: number;
}

/** A fresh set of {@link PhoneStats}. */
export const newPhoneStats = (): PhoneStats => ({ framesIn: 0, framesOut: 0, bytesOut: 0, framesDroppedBacklog: 0 });

/**
 * One browser's outgoing audio: whole frames of the call's codec, gathered into packets of
 * `packetMs`, sent or dropped and counted. A packet held when a call ends is sent by {@link AudioOut.flush}.
 * @example
 * const out = new AudioOut(ws, 40);
 * out.send(frame, 'slin16'); // held: half a packet
 * out.send(frame, 'slin16'); // one 1,280-byte message
 */
export class AudioOut {
  readonly stats = newPhoneStats();
  readonly #out: BinaryOut;
  readonly #framesPerPacket: number;
  /**
   * The packet being gathered (only when a packet is more than one frame): an outgoing frame whose
   * header is already written, filled with audio from `#at` on, up to `#end`, in `#format`.
   */
  #packet: Buffer | undefined;
  #at = 0;
  #end = 0;
  #format: WireFormat | undefined;

  constructor(ws: WebSocket, packetMs: PacketMs = FRAME_MS) {
    this.#out = new BinaryOut(ws);
    this.#framesPerPacket = packetMs / FRAME_MS;
  }

  /**
   * Send whole frames of `format`, or drop and count them when the browser already has more than
   * {@link backlogBytesOf} `format` unread: its memory and ours stay bounded. False when dropped.
   */
  send(frames: Buffer, format: WireFormat): boolean {
    const frameBytes = frameBytesOf(format);
    if (this.#out.unsentBytes > backlogBytesOf(format)) {
      this.stats.framesDroppedBacklog += frames.length / frameBytes;
      return false;
    }
    const packetBytes = this.#framesPerPacket * frameBytes;
    if (this.#packet === undefined && frames.length >= packetBytes) {
      this.#count(frames.length, frameBytes);
      this.#out.send(frames);
      return true;
    }
    if (this.#format !== format) this.flush();
    this.#format = format;
    // Gathered straight into the outgoing frame: one copy of the audio per packet, one write.
    for (let from = 0; from < frames.length; ) {
      let packet = this.#packet;
      if (packet === undefined) {
        packet = this.#packet = newBinaryFrame(packetBytes);
        this.#at = headerBytesOf(packetBytes);
        this.#end = this.#at + packetBytes;
      }
      const n = Math.min(this.#end - this.#at, frames.length - from);
      packet.set(n === frames.length ? frames : frames.subarray(from, from + n), this.#at); // a plain memory copy, without Buffer#copy's checks
      this.#at += n;
      from += n;
      if (this.#at === this.#end) {
        this.#packet = undefined;
        this.#count(packetBytes, frameBytes);
        this.#out.write(packet);
      }
    }
    return true;
  }

  /** Send the part of a packet still held (the call ended, or its codec changed). */
  flush(): void {
    const packet = this.#packet;
    if (packet === undefined || this.#format === undefined) return;
    this.#packet = undefined;
    const audio = packet.subarray(this.#end - this.#framesPerPacket * frameBytesOf(this.#format), this.#at);
    if (audio.length === 0) return;
    this.#count(audio.length, frameBytesOf(this.#format));
    this.#out.send(audio); // a shorter message: its own header
  }

  /** Frames sent, counted once. */
  #count(bytes: number, frameBytes: number): void {
    this.stats.framesOut += bytes / frameBytes;
    this.stats.bytesOut += bytes;
  }
}
