/**
 * Audio out as one write: a server's BINARY frame (RFC 6455 §5.2: FIN, opcode 2, no mask) built
 * in one buffer, header and payload together, and written to the socket once. `ws.send()` writes
 * the header and the payload as two chunks under cork/uncork, which costs a writev request, its
 * bookkeeping and, over TLS, a copy into one record on every frame (issue #16); at 20 ms per
 * frame per call that is most of what a relay does. Control frames, pings and closes still go
 * through ws, on the same socket, in order: ws writes synchronously when compression is off (it
 * is, everywhere in the gateway).
 *
 * Audio relayed as it came in is not copied at all: a payload the reader is handing over
 * (`binary-frames-in.ts`) still has its frame's header and mask in front of it, read and done with,
 * and the outgoing header is written there (issue #16).
 * @packageDocumentation
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { isHandedPayload } from './binary-frames-in.js';

/** A payload shorter than this takes a 2-byte header; up to 65,535 bytes a 4-byte one; above, 10. */
const SHORT_LENGTH = 126;
const MEDIUM_LENGTH = 65_536;
/** FIN + opcode 0x2 (binary). */
const FIN_BINARY = 0x82;
/** FIN + opcode 0x1 (text). */
const FIN_TEXT = 0x81;

/** ws's socket (an internal field of ws's WebSocket, stable since ws 1). */
const socketOf = (ws: WebSocket): Duplex | null => (ws as unknown as { _socket: Duplex | null })._socket;

/** Bytes of the header of a BINARY frame of `length` payload bytes. @example headerBytesOf(640) // 4 */
export const headerBytesOf = (length: number): number => (length < SHORT_LENGTH ? 2 : length < MEDIUM_LENGTH ? 4 : 10);

/** Write the header of a frame (BINARY unless `first` says otherwise) of `length` payload bytes at the start of `frame` (`headerBytesOf(length)` bytes). */
function writeHeader(frame: Buffer, length: number, first = FIN_BINARY): void {
  frame[0] = first;
  if (length < SHORT_LENGTH) frame[1] = length;
  else if (length < MEDIUM_LENGTH) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/**
 * A buffer for one BINARY frame of `length` payload bytes, its header written: the payload goes
 * at `headerBytesOf(length)`, then {@link BinaryOut.write} sends it.
 * @example
 * const frame = newBinaryFrame(640);
 * audio.copy(frame, headerBytesOf(640));
 * out.write(frame);
 */
export function newBinaryFrame(length: number): Buffer {
  const frame = Buffer.allocUnsafe(headerBytesOf(length) + length);
  writeHeader(frame, length);
  return frame;
}

/**
 * A whole TEXT frame of `text`, to build once and write as often as wanted with
 * {@link BinaryOut.write} (a constant command: nothing allocated, one write, no ws sender).
 * @example const GET_STATUS = textFrameOf('GET_STATUS');
 */
export function textFrameOf(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = headerBytesOf(payload.length);
  const frame = Buffer.alloc(header + payload.length);
  writeHeader(frame, payload.length, FIN_TEXT);
  payload.copy(frame, header);
  return frame;
}

/**
 * One server-side connection's audio out, straight to its socket (ws's `_socket`, kept once).
 * @example
 * const out = new BinaryOut(ws);
 * if (out.unsentBytes <= limit) out.send(frames);
 */
export class BinaryOut {
  readonly #ws: WebSocket;
  readonly #socket: Duplex | null;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#socket = socketOf(ws);
  }

  /**
   * Bytes written and not yet taken by the kernel: ws's `bufferedAmount` for a connection that
   * compresses nothing (ws then queues nothing of its own), without its getter on every frame.
   */
  get unsentBytes(): number {
    return this.#socket?.writableLength ?? 0;
  }

  /**
   * Send `payload` as one BINARY message, in one socket write. A payload the reader is handing over
   * goes out in place; any other is copied behind a header. False (nothing sent) unless the
   * connection is open.
   */
  send(payload: Buffer): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN) return false; // nothing built for a connection that is closing
    const length = payload.length;
    const header = headerBytesOf(length);
    let frame: Buffer;
    if (isHandedPayload(payload)) {
      frame = Buffer.from(payload.buffer, payload.byteOffset - header, header + length);
      writeHeader(frame, length);
    } else {
      frame = newBinaryFrame(length);
      payload.copy(frame, header);
    }
    return this.write(frame);
  }

  /** Write a frame made by {@link newBinaryFrame} (payload filled) or {@link textFrameOf}. False (nothing sent) unless the connection is open. */
  write(frame: Buffer): boolean {
    const socket = this.#socket;
    if (this.#ws.readyState !== WebSocket.OPEN || socket === null) return false;
    socket.write(frame);
    return true;
  }
}
