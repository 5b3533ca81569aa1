/**
 * What the bench writes into each 640-byte frame so that the far side can measure the relay:
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
import { Samples } from './samples.js';

const SEQ_OFFSET = 0;
const CALL_OFFSET = 4;
const SENT_AT_OFFSET = 8;

/** Write the stamp into `frame` (its first 16 bytes). */
export function stampFrame(frame: Buffer, seq: number, callIndex: number, sentAtMs: number): void {
  frame.writeUInt32LE(seq >>> 0, SEQ_OFFSET);
  frame.writeUInt32LE(callIndex, CALL_OFFSET);
  frame.writeDoubleLE(sentAtMs, SENT_AT_OFFSET);
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

  /** A frame arrived on the socket of call `callIndex` at `nowMs`. */
  received(frame: Buffer, callIndex: number, nowMs: number): void {
    const from = frame.readUInt32LE(CALL_OFFSET);
    if (from !== callIndex) {
      this.misrouted++;
      return;
    }
    const seq = frame.readUInt32LE(SEQ_OFFSET);
    const next = this.#nextSeq[callIndex]!;
    if (seq < next) this.reordered++;
    else this.#nextSeq[callIndex] = seq + 1;
    const sentAtMs = frame.readDoubleLE(SENT_AT_OFFSET);
    if (!this.inWindow(sentAtMs)) return;
    this.receivedInWindow++;
    this.latencyMs.add(nowMs - sentAtMs);
  }

  /** Frames sent in the window that never arrived (read after the drain). */
  get lost(): number {
    return Math.max(0, this.sentInWindow - this.receivedInWindow);
  }
}
