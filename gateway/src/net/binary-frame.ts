/**
 * Audio out as one write: a server's BINARY frame (RFC 6455 §5.2: FIN, opcode 2, no mask) built
 * in one buffer, header and payload together, and written to the socket once. `ws.send()` writes
 * the header and the payload as two chunks under cork/uncork, which costs a writev request, its
 * bookkeeping and, over TLS, a copy into one record on every frame (issue #16); at 20 ms per
 * frame per call that is most of what a relay does. Control frames, pings and closes still go
 * through ws, on the same socket, in order: ws writes synchronously when compression is off (it
 * is, everywhere in the gateway), and counts what waits on the socket in `bufferedAmount`.
 * @packageDocumentation
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** A payload shorter than this takes a 2-byte header; up to 65,535 bytes a 4-byte one; above, 10. */
const SHORT_LENGTH = 126;
const MEDIUM_LENGTH = 65_536;
/** FIN + opcode 0x2 (binary). */
const FIN_BINARY = 0x82;

/** ws's socket (an internal field of ws's WebSocket, stable since ws 1). */
const socketOf = (ws: WebSocket): Duplex | null => (ws as unknown as { _socket: Duplex | null })._socket;

/** Bytes of the header of a BINARY frame of `length` payload bytes. @example headerBytesOf(640) // 4 */
export const headerBytesOf = (length: number): number => (length < SHORT_LENGTH ? 2 : length < MEDIUM_LENGTH ? 4 : 10);

/**
 * A buffer for one BINARY frame of `length` payload bytes, its header written: the payload goes
 * at `headerBytesOf(length)`, then {@link writeFrame} sends it.
 * @example
 * const frame = newBinaryFrame(640);
 * audio.copy(frame, headerBytesOf(640));
 * writeFrame(ws, frame);
 */
export function newBinaryFrame(length: number): Buffer {
  const header = headerBytesOf(length);
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_BINARY;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return frame;
}

/**
 * Write a frame made by {@link newBinaryFrame}, payload filled, to the peer of a server-side
 * `ws`, in one socket write. Returns false (nothing sent) unless the connection is open.
 */
export function writeFrame(ws: WebSocket, frame: Buffer): boolean {
  const socket = socketOf(ws);
  if (ws.readyState !== WebSocket.OPEN || socket === null) return false;
  socket.write(frame);
  return true;
}

/**
 * Send `payload` as one BINARY message to the peer of a server-side `ws`, in one socket write.
 * Returns false (nothing sent) unless the connection is open.
 * @example
 * if (ws.bufferedAmount <= limit) sendBinaryFrame(ws, frames);
 */
export function sendBinaryFrame(ws: WebSocket, payload: Buffer): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  const frame = newBinaryFrame(payload.length);
  payload.copy(frame, headerBytesOf(payload.length));
  return writeFrame(ws, frame);
}
