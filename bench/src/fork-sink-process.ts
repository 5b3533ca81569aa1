/**
 * The service end of the fork benchmark: a WebSocket server on loopback that takes every fork the
 * gateway opens (one connection per call) and reads everything it is sent, in both modes, counting
 * messages, bytes, audio frames and the sequence numbers it never saw (frames the gateway dropped).
 * It runs in a process of its own, started by `fork-sink.ts` with `child_process.fork`, so that
 * neither the measured gateway nor the load generator pays for it; it exits with its parent.
 * @packageDocumentation
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * What the sink has read so far, over every connection.
 * @example const { mediaFrames, sequenceGaps } = await sink.counts(); // ForkSinkCounts
 */
export interface ForkSinkCounts {
  /** Connections accepted (one per forked call, one more after each reconnection). */
  readonly connections: number;
  /** Connections still open. */
  readonly open: number;
  /** `stop` messages: forks that ended cleanly. */
  readonly stops: number;
  /** Every message, text and binary. */
  readonly messages: number;
  /** Their payload bytes, as received (base64 JSON in Twilio mode). */
  readonly bytes: number;
  /** 20 ms audio frames: binary frames, or `media` messages. */
  readonly mediaFrames: number;
  /** The audio in them, bytes of the call's codec (base64 decoded by its length). */
  readonly audioBytes: number;
  /** Sequence numbers skipped within a connection: messages the gateway made and dropped. */
  readonly sequenceGaps: number;
  /** Messages the sink could not read as a fork message. */
  readonly malformed: number;
  /** When the counts were taken, ms on the sink's monotonic clock. */
  readonly atMs: number;
}

/**
 * Child → parent: `ready` once, then one `counts` per request.
 * @example process.send({ type: 'ready', url } satisfies SinkMessage);
 */
export type SinkMessage = { readonly type: 'ready'; readonly url: string } | { readonly type: 'counts'; readonly id: number; readonly counts: ForkSinkCounts };
/**
 * Parent → child: the counts, answered with the same `id`.
 * @example child.send({ type: 'counts', id: 1 } satisfies SinkRequest);
 */
export interface SinkRequest {
  readonly type: 'counts';
  readonly id: number;
}

/** Bytes of a binary frame's header before the audio (docs/fork-and-record.md#binary-mode). */
const BINARY_HEADER_BYTES = 12;
const MEDIA_PREFIX = '{"event":"media"';
const SEQ_KEY = '"sequenceNumber":"';
const PAYLOAD_KEY = '"payload":"';

const counts = { connections: 0, open: 0, stops: 0, messages: 0, bytes: 0, mediaFrames: 0, audioBytes: 0, sequenceGaps: 0, malformed: 0 };

/** Base64's decoded length, from its text alone. */
function base64Bytes(text: string, from: number, to: number): number {
  const padding = (text.charCodeAt(to - 1) === 61 ? 1 : 0) + (text.charCodeAt(to - 2) === 61 ? 1 : 0); // '='
  return ((to - from) / 4) * 3 - padding;
}

/** A text message: `media` is read by its keys (as fast as the gateway writes it), every other event parsed whole. */
function readText(text: string): number | undefined {
  if (text.startsWith(MEDIA_PREFIX)) {
    const seqAt = text.indexOf(SEQ_KEY) + SEQ_KEY.length;
    const payloadAt = text.indexOf(PAYLOAD_KEY) + PAYLOAD_KEY.length;
    const payloadEnd = text.indexOf('"', payloadAt);
    if (seqAt < SEQ_KEY.length || payloadAt < PAYLOAD_KEY.length || payloadEnd < 0) return void counts.malformed++;
    counts.mediaFrames++;
    counts.audioBytes += base64Bytes(text, payloadAt, payloadEnd);
    return Number.parseInt(text.slice(seqAt, text.indexOf('"', seqAt)), 10);
  }
  try {
    const message = JSON.parse(text) as { event?: unknown; sequenceNumber?: unknown };
    if (message.event === 'stop') counts.stops++;
    return typeof message.sequenceNumber === 'string' ? Number(message.sequenceNumber) : undefined;
  } catch {
    return void counts.malformed++;
  }
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('fork-sink-process.js is started by the bench (child_process.fork), not by hand');
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1 << 20 });
  await once(server, 'listening');
  server.on('connection', (ws) => {
    counts.connections++;
    counts.open++;
    let lastSeq: number | undefined;
    ws.on('message', (data: Buffer, isBinary) => {
      counts.messages++;
      counts.bytes += data.length;
      let seq: number | undefined;
      if (isBinary) {
        if (data.length < BINARY_HEADER_BYTES) return void counts.malformed++;
        counts.mediaFrames++;
        counts.audioBytes += data.length - BINARY_HEADER_BYTES;
        seq = data.readUInt32LE(4);
      } else seq = readText(data.toString('utf8'));
      if (seq === undefined || Number.isNaN(seq)) return;
      // The numbers go on across reconnections: a gap is counted within one connection only.
      if (lastSeq !== undefined && seq > lastSeq + 1) counts.sequenceGaps += seq - lastSeq - 1;
      lastSeq = seq;
    });
    ws.once('close', () => counts.open--);
    ws.on('error', () => undefined); // a reset connection is counted by its close
  });
  const { port } = server.address() as AddressInfo;
  process.on('message', (raw) => {
    const request = raw as SinkRequest;
    if (request.type === 'counts') process.send?.({ type: 'counts', id: request.id, counts: { ...counts, atMs: performance.now() } } satisfies SinkMessage);
  });
  process.on('disconnect', () => process.exit(0)); // the parent is done or gone
  process.send({ type: 'ready', url: `ws://127.0.0.1:${port}/fork` } satisfies SinkMessage);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
