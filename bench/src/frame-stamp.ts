/**
 * What the bench writes into each 640-byte frame (a message of several frames: into each) so that the far side can measure the relay:
 * the gateway relays audio bytes unchanged (house style §7), so the stamp survives the trip.
 *
 * | bytes | field                                                        |
 * |-------|--------------------------------------------------------------|
 * | 0–3   | sequence number, per call and direction (u32 LE)             |
 * | 4–7   | call index (u32 LE): a frame on another call's socket is misrouted |
 * | 8–15  | send time, ms on `performance.now()` (Node's hrtime clock), f64 LE |
 * | rest  | zero (silence)                                               |
 *
 * Sender and receiver are the same process, so both ends read one clock.
 * @packageDocumentation
 */
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { Samples } from './samples.js';

const SEQ_OFFSET = 0;
const CALL_OFFSET = 4;
const SENT_AT_OFFSET = 8;
const STAMP_BYTES = 16;

/** Write the stamp into the frame at byte `at` of `frames` (its first 16 bytes). */
export function stampFrame(frames: Buffer, seq: number, callIndex: number, sentAtMs: number, at = 0): void {
  frames.writeUInt32LE(seq >>> 0, at + SEQ_OFFSET);
  frames.writeUInt32LE(callIndex, at + CALL_OFFSET);
  frames.writeDoubleLE(sentAtMs, at + SENT_AT_OFFSET);
}

/** The send time stamped into the frame at byte `at` of `frames`, ms on `performance.now()`. */
export function sentAtOf(frames: Buffer, at = 0): number {
  return frames.readDoubleLE(at + SENT_AT_OFFSET);
}

/**
 * The frames of one direction (Asterisk→browser or browser→Asterisk) over all calls: what was
 * sent and received inside the measurement window, latency samples, reordering. Frames sent
 * before or after the window still count for reordering but not for latency or loss.
 */
export class DirectionStats {
  readonly latencyMs: Samples;
  /** Next expected sequence number per call. */
  readonly #nextSeq: Uint32Array;
  windowStartMs = Infinity;
  windowEndMs = Infinity;
  sentInWindow = 0;
  receivedInWindow = 0;
  /** Frames that arrived after a later frame of the same call. */
  reordered = 0;
  /** Frames that arrived on another call's socket (must stay 0). */
  misrouted = 0;
  /** Frames of the window the generator did not send because its own socket was backed up. */
  skippedBackpressure = 0;

  constructor(calls: number, expectedFramesInWindow: number) {
    this.#nextSeq = new Uint32Array(calls);
    this.latencyMs = new Samples(expectedFramesInWindow * 1.1 + 1_000);
  }

  inWindow(sentAtMs: number): boolean {
    return sentAtMs >= this.windowStartMs && sentAtMs < this.windowEndMs;
  }

  /** A frame left the generator at `sentAtMs`. */
  sent(sentAtMs: number): void {
    if (this.inWindow(sentAtMs)) this.sentInWindow++;
  }

  /** The generator's socket was backed up at `atMs`: the frame was not sent. */
  skipped(atMs: number): void {
    if (this.inWindow(atMs)) this.skippedBackpressure++;
  }

  /** A message of one or more stamped frames arrived on the socket of call `callIndex` at `nowMs`. */
  received(frames: Buffer, callIndex: number, nowMs: number): void {
    for (let at = 0; at + STAMP_BYTES <= frames.length; at += FRAME_BYTES) this.#receivedOne(frames, at, callIndex, nowMs);
  }

  #receivedOne(frames: Buffer, at: number, callIndex: number, nowMs: number): void {
    const from = frames.readUInt32LE(at + CALL_OFFSET);
    if (from !== callIndex) {
      this.misrouted++;
      return;
    }
    const seq = frames.readUInt32LE(at + SEQ_OFFSET);
    const next = this.#nextSeq[callIndex]!;
    if (seq < next) this.reordered++;
    else this.#nextSeq[callIndex] = seq + 1;
    const sentAtMs = sentAtOf(frames, at);
    if (!this.inWindow(sentAtMs)) return;
    this.receivedInWindow++;
    this.latencyMs.add(nowMs - sentAtMs);
  }

  /** Frames sent in the window that never arrived (read after the drain). */
  get lost(): number {
    return Math.max(0, this.sentInWindow - this.receivedInWindow);
  }
}
