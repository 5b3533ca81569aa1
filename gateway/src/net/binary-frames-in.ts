/**
 * Audio in without ws's receiver: a socket's bytes are read here first, and each whole, masked,
 * unfragmented BINARY frame (RFC 6455 §5.2: FIN, opcode 2, no RSV bits) goes straight to its
 * connection's sink, unmasked in place, as a view of the bytes read. Every other frame (text,
 * control, fragmented, oversized, unmasked, or any frame once the connection is no longer open)
 * is passed on whole, byte for byte and in order, to ws's receiver, which parses, checks and
 * answers it as before: only the audio path is ours (issue #16).
 *
 * Why: ws's receiver is a Writable stream; each frame costs a write through the stream's
 * bookkeeping and a deferred callback, and six Buffer views (two per `consume` of header, mask
 * and payload). That was 43 % of the garbage a relaying gateway made, and GC was most of what it
 * spent above the bare Node relay. Here a frame costs one view.
 *
 * It relies on two internals of ws 8 (as `binary-frame.ts` relies on `_socket`): the socket's one
 * `data` listener that feeds the receiver, and the receiver at `_receiver`. If either is not there
 * it does not install itself and ws reads everything, as it always did; a test checks it is in use.
 * @packageDocumentation
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** Where a connection's BINARY messages go: a view of the bytes read, valid until the sink returns or longer (nobody reuses it). */
export type BinarySink = (payload: Buffer) => void;

/** FIN + opcode 0x2 (binary), RSV bits clear: the only first byte taken here. */
const FIN_BINARY = 0x82;
/** The MASK bit of the second byte; its low 7 bits are the payload length or 126/127. */
const MASK_BIT = 0x80;
/** Binary frames longer than this go to ws (audio is at most a few KB); bounds what is held across reads. */
const MAX_TAKEN_BYTES = 65_536;
/** The longest frame header: 2 bytes, an 8-byte length, a 4-byte mask. */
const MAX_HEADER_BYTES = 14;

/** ws's receiver: a Writable (false from `write` asks the socket to pause until its `drain`; `errored` is set at once when a frame is refused). */
interface WsReceiver {
  write(chunk: Buffer): boolean;
  readonly errored: Error | null;
}

/** One connection's reader (see the module's comment). */
class BinaryFramesIn {
  readonly #ws: WebSocket;
  readonly #socket: Duplex;
  readonly #receiver: WsReceiver;
  readonly #maxTaken: number;
  #sink: BinarySink | undefined;
  /** Bytes of a frame read in part: its header, or a whole frame to take (≤ MAX_TAKEN_BYTES + 14). */
  #held: Buffer | undefined;
  /** Bytes of a frame still to pass on to ws as they come. */
  #passing = 0;
  /** A message in fragments is under way at ws: its frames, and all until it ends, go there. */
  #fragmented = false;

  constructor(ws: WebSocket, socket: Duplex, receiver: WsReceiver, maxPayload: number) {
    this.#ws = ws;
    this.#socket = socket;
    this.#receiver = receiver;
    this.#maxTaken = maxPayload > 0 ? Math.min(maxPayload, MAX_TAKEN_BYTES) : MAX_TAKEN_BYTES;
  }

  /** ws's receiver refused a frame: it closes the connection and reads no more; the bytes after are dropped, as ws drops them. */
  get #failed(): boolean {
    return this.#receiver.errored !== null;
  }

  take(sink: BinarySink): void {
    this.#sink = sink;
  }

  readonly onData = (chunk: Buffer): void => {
    if (this.#failed) return;
    let bytes = chunk;
    const held = this.#held;
    if (held !== undefined) {
      this.#held = undefined;
      bytes = Buffer.concat([held, chunk]);
    }
    let at = 0;
    while (at < bytes.length && !this.#failed) {
      if (this.#passing > 0) {
        at += this.#passNow(bytes, at);
        continue;
      }
      const taken = this.#frameAt(bytes, at);
      if (taken === 0) {
        this.#held = bytes.subarray(at);
        return;
      }
      at += taken;
    }
  };

  /**
   * Read the frame that starts at `at`: take it (a whole BINARY frame for the sink), or start
   * passing it on to ws. Returns the bytes consumed, 0 when more must be read first.
   */
  #frameAt(bytes: Buffer, at: number): number {
    const available = bytes.length - at;
    if (available < 2) return 0;
    const first = bytes[at]!;
    const second = bytes[at + 1]!;
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      // Past 2^53 the length is ws's to refuse; here it only has to be "too long to take".
      length = bytes.readUInt32BE(at + 2) * 2 ** 32 + bytes.readUInt32BE(at + 6);
      header = 10;
    }
    const masked = (second & MASK_BIT) !== 0;
    if (masked) header += 4;
    if (available < header) return 0;
    const sink = this.#sink;
    if (first !== FIN_BINARY || !masked || length > this.#maxTaken || this.#fragmented || sink === undefined || this.#ws.readyState !== WebSocket.OPEN) {
      this.#noteFragments(first);
      this.#passing = header + length;
      return this.#passNow(bytes, at);
    }
    if (available < header + length) return 0;
    const start = at + header;
    unmask(bytes, start, start + length, at + header - 4);
    sink(bytes.subarray(start, start + length));
    return header + length;
  }

  /** Pass on as much of the frame now being passed as `bytes` holds from `at`; returns how much. */
  #passNow(bytes: Buffer, at: number): number {
    const n = Math.min(this.#passing, bytes.length - at);
    this.#passing -= n;
    this.#pass(bytes.subarray(at, at + n));
    return n;
  }

  /** A data frame without FIN opens a fragmented message at ws; a continuation with FIN ends it. */
  #noteFragments(first: number): void {
    const opcode = first & 0x0f;
    if (opcode >= 0x8) return; // control frames may come between fragments
    this.#fragmented = (first & 0x80) === 0;
  }

  /** Hand bytes to ws's receiver as ws's own `data` listener does, pausing the socket when it asks. */
  #pass(part: Buffer): void {
    if (!this.#receiver.write(part)) this.#socket.pause();
  }
}

/** XOR `bytes[from, to)` in place with the 4-byte mask at `maskAt` (RFC 6455 §5.3). A zero mask (the cluster's node links) is skipped. */
function unmask(bytes: Buffer, from: number, to: number, maskAt: number): void {
  const m0 = bytes[maskAt]!;
  const m1 = bytes[maskAt + 1]!;
  const m2 = bytes[maskAt + 2]!;
  const m3 = bytes[maskAt + 3]!;
  if ((m0 | m1 | m2 | m3) === 0) return;
  let i = from;
  for (const whole = from + ((to - from) & ~3); i < whole; i += 4) {
    bytes[i] = bytes[i]! ^ m0;
    bytes[i + 1] = bytes[i + 1]! ^ m1;
    bytes[i + 2] = bytes[i + 2]! ^ m2;
    bytes[i + 3] = bytes[i + 3]! ^ m3;
  }
  const tail = to - i; // 0-3 bytes
  if (tail > 0) bytes[i] = bytes[i]! ^ m0;
  if (tail > 1) bytes[i + 1] = bytes[i + 1]! ^ m1;
  if (tail > 2) bytes[i + 2] = bytes[i + 2]! ^ m2;
}

const readers = new WeakMap<WebSocket, BinaryFramesIn>();

/**
 * Read `socket` ahead of ws's receiver for this server-side `ws` (called by the gateway's WebSocket
 * class right after ws attached the socket, before any byte is read). False when ws's internals
 * are not as expected: ws then reads everything itself.
 */
export function readBinaryFramesFirst(ws: WebSocket, socket: Duplex, maxPayload: number): boolean {
  const receiver = (ws as unknown as { _receiver?: Partial<WsReceiver> })._receiver;
  const listeners = socket.listeners('data');
  if (typeof receiver?.write !== 'function' || !('errored' in receiver) || listeners.length !== 1) return false;
  const reader = new BinaryFramesIn(ws, socket, receiver as WsReceiver, maxPayload);
  socket.removeListener('data', listeners[0] as (chunk: Buffer) => void);
  socket.on('data', reader.onData);
  readers.set(ws, reader);
  return true;
}

/**
 * Send `ws`'s whole BINARY messages to `sink` without ws's `message` event, where the connection
 * is read by {@link readBinaryFramesFirst}. Messages ws still reads (fragmented ones, any after the
 * connection stopped being open) keep coming as `message` events, so a handler of both sees every
 * message once, in order. Returns false, and changes nothing, for a connection read by ws alone.
 * @example
 * ws.on('message', (data, isBinary) => (isBinary ? onAudio(data as Buffer) : onText(data)));
 * takeBinaryMessages(ws, onAudio);
 */
export function takeBinaryMessages(ws: WebSocket, sink: BinarySink): boolean {
  const reader = readers.get(ws);
  reader?.take(sink);
  return reader !== undefined;
}
