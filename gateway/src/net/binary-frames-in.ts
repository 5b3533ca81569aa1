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
import { WebSocket, type RawData } from 'ws';

/** Where a connection's BINARY messages go: a view of the bytes read, valid until the sink returns or longer (nobody reuses it). */
export type BinarySink = (payload: Buffer) => void;

/** The payload a reader is handing to its sink right now (see {@link isHandedPayload}). */
let handing: Buffer | undefined;

/**
 * Whether `payload` is the one a reader is handing to its sink right now, while the sink runs. The
 * bytes just before it are its frame's header and mask, read and done with: at least 6 bytes, and
 * at least 14 for a payload of 65,536 (the longest taken), so whoever sends it on may write an
 * outgoing header of the same length there (net/binary-frame.ts) instead of copying the audio.
 */
export const isHandedPayload = (payload: Buffer): boolean => payload === handing;

/** FIN + opcode 0x2 (binary), RSV bits clear: the only first byte taken here. */
const FIN_BINARY = 0x82;
/** The MASK bit of the second byte; its low 7 bits are the payload length or 126/127. */
const MASK_BIT = 0x80;
/** Binary frames longer than this go to ws (audio is at most a few KB); bounds what is held across reads. */
const MAX_TAKEN_BYTES = 65_536;

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
  /** The start of a frame whose header is not whole yet (under 14 bytes). */
  #held: Buffer | undefined;
  /** A frame to take that arrives over several reads, filled up to `#filled`; its header is `#frameHeader` bytes. */
  #frame: Buffer | undefined;
  #filled = 0;
  #frameHeader = 0;
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

  /** Where whole BINARY frames go from now on; undefined: to ws again. */
  take(sink: BinarySink | undefined): void {
    this.#sink = sink;
  }

  readonly onData = (chunk: Buffer): void => {
    if (this.#failed) return;
    let bytes = chunk;
    let at = 0;
    const frame = this.#frame;
    if (frame !== undefined) {
      // Filled in place, read by read: a frame trickled a byte at a time costs its length once.
      at = chunk.copy(frame, this.#filled);
      this.#filled += at;
      if (this.#filled < frame.length) return;
      this.#frame = undefined;
      this.#take(frame, 0, this.#frameHeader, frame.length - this.#frameHeader);
    } else if (this.#held !== undefined) {
      bytes = Buffer.concat([this.#held, chunk]);
      this.#held = undefined;
    }
    while (at < bytes.length && !this.#failed) {
      if (this.#passing > 0) {
        at += this.#passNow(bytes, at);
        continue;
      }
      const read = this.#frameAt(bytes, at);
      if (read === 0) {
        this.#held = bytes.subarray(at);
        return;
      }
      at += read;
    }
  };

  /**
   * Read the frame that starts at `at`: take it (a BINARY frame for the sink, now or once the
   * rest of it is read), or start passing it on to ws. Returns the bytes consumed, 0 when its
   * header is not whole yet.
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
    if (first !== FIN_BINARY || !masked || length > this.#maxTaken || this.#fragmented || this.#sink === undefined || this.#ws.readyState !== WebSocket.OPEN) {
      this.#noteFragments(first);
      this.#passing = header + length;
      return this.#passNow(bytes, at);
    }
    if (available < header + length) {
      this.#frame = Buffer.allocUnsafe(header + length);
      this.#filled = bytes.copy(this.#frame, 0, at);
      this.#frameHeader = header;
      return available;
    }
    this.#take(bytes, at, header, length);
    return header + length;
  }

  /** A whole BINARY frame at `at`: to the sink, unmasked in place; to ws as it is if the connection stopped being open meanwhile. */
  #take(bytes: Buffer, at: number, header: number, length: number): void {
    const sink = this.#sink;
    if (sink === undefined || this.#ws.readyState !== WebSocket.OPEN) return this.#pass(bytes.subarray(at, at + header + length));
    const start = at + header;
    unmask(bytes, start, start + length, start - 4);
    const payload = bytes.subarray(start, start + length);
    handing = payload;
    try {
      sink(payload);
    } finally {
      handing = undefined;
    }
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

/** Whether this machine stores an Int32 with its lowest byte first (x86, ARM), for {@link unmask}'s words. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes a payload is unmasked byte by byte (a word view costs an allocation). */
const MIN_WORD_BYTES = 32;

/**
 * XOR `bytes[from, to)` in place with the 4-byte mask at `maskAt` (RFC 6455 §5.3). This loop runs
 * over every byte of audio the gateway receives: where the payload starts on a 4-byte boundary (a
 * read's buffer starts on one, and an audio frame's header and mask are 8 bytes) it goes a 32-bit
 * word at a time, four words a step, then the tail byte by byte. A zero mask (the cluster's node
 * links) is skipped.
 */
function unmask(bytes: Buffer, from: number, to: number, maskAt: number): void {
  const m0 = bytes[maskAt]!;
  const m1 = bytes[maskAt + 1]!;
  const m2 = bytes[maskAt + 2]!;
  const m3 = bytes[maskAt + 3]!;
  if ((m0 | m1 | m2 | m3) === 0) return;
  let i = from;
  const offset = bytes.byteOffset + from;
  if ((offset & 3) === 0 && to - from >= MIN_WORD_BYTES) {
    const words = (to - from) >>> 2;
    const view = new Int32Array(bytes.buffer, offset, words);
    const word = LITTLE_ENDIAN ? m0 | (m1 << 8) | (m2 << 16) | (m3 << 24) : (m0 << 24) | (m1 << 16) | (m2 << 8) | m3;
    let w = 0;
    for (const steps = words & ~3; w < steps; w += 4) {
      view[w] = view[w]! ^ word;
      view[w + 1] = view[w + 1]! ^ word;
      view[w + 2] = view[w + 2]! ^ word;
      view[w + 3] = view[w + 3]! ^ word;
    }
    for (; w < words; w++) view[w] = view[w]! ^ word;
    i += words * 4;
  }
  for (; i + 3 < to; i += 4) {
    bytes[i] = bytes[i]! ^ m0;
    bytes[i + 1] = bytes[i + 1]! ^ m1;
    bytes[i + 2] = bytes[i + 2]! ^ m2;
    bytes[i + 3] = bytes[i + 3]! ^ m3;
  }
  const tail = to - i; // 0 to 3 bytes
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
 * message once, in order: {@link onMessages} listens both ways. Returns false, and changes
 * nothing, for a connection read by ws alone.
 */
export function takeBinaryMessages(ws: WebSocket, sink: BinarySink): boolean {
  const reader = readers.get(ws);
  reader?.take(sink);
  return reader !== undefined;
}

/**
 * Hear every message of `ws`, text or binary, once each and in order: ws's `message` event, and on
 * a connection read by {@link readBinaryFramesFirst} its whole BINARY frames straight from the
 * reader. The one way the gateway's connections listen for messages (binaryType is ws's default
 * 'nodebuffer': every message is one Buffer). Returns what stops listening, both ways.
 * @example
 * const stop = onMessages(ws, (data, isBinary) => (isBinary ? onAudio(data) : onText(data)));
 */
export function onMessages(ws: WebSocket, handler: (data: Buffer, isBinary: boolean) => void): () => void {
  const listener = (data: RawData, isBinary: boolean): void => handler(data as Buffer, isBinary);
  ws.on('message', listener);
  takeBinaryMessages(ws, (payload) => handler(payload, true));
  return () => {
    ws.off('message', listener);
    readers.get(ws)?.take(undefined);
  };
}
