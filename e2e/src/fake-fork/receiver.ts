/**
 * A fake fork receiver: the WebSocket server a speech or AI service would run to take the
 * gateway's live forks (issue 20, docs/fork-and-record.md#live-forks), in both modes (Twilio Media
 * Streams' JSON, and binary audio frames). It records everything each stream sends — events in
 * order, sequence numbers, each track's audio — and can stop reading (a stuck service) or speak
 * back (any message, for the bidirectional mode to come), so integrators can test a pipeline.
 * @packageDocumentation
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { WebSocketServer, type WebSocket } from 'ws';
import { GagError, isWireFormat } from '@gag/sdk/protocol';
import { decodeSamples } from '../fake-asterisk/codec.js';

/** Twilio's track names: `inbound` the caller, `outbound` the agent. */
export type ForkTrack = 'inbound' | 'outbound';
/** One JSON message of a stream, as received. */
export type ForkEvent = {
  /** `connected`, `start`, `media`, `dtmf`, `stop`, … */
  readonly event: string;
  /** On every message but `connected`: one higher for each message the gateway made (a gap is a drop). */
  readonly sequenceNumber?: string;
} & Record<string, unknown>;
/** Bytes of a binary audio frame's header (version, track, reserved, sequence u32 LE, timestamp u32 LE). */
const BINARY_HEADER_BYTES = 12;

/** Events of {@link FakeForkReceiver}. */
export interface FakeForkReceiverEvents {
  /** A fork connected (the gateway makes one connection per call, and another after each loss). */
  stream: (stream: ForkStream) => void;
}

/**
 * One connection from the gateway.
 * @example const stream = await receiver.nextStream(); await stream.started; stream.samples('inbound');
 */
export class ForkStream {
  /** Every JSON message, in order (`connected`, `start`, `media` in JSON mode, `dtmf`, `stop`). */
  readonly events: ForkEvent[] = [];
  /** The sequence number of every message that carried one (JSON and binary), in order of arrival. */
  readonly sequenceNumbers: number[] = [];
  /** Each track's frames, in the call's codec, in order. */
  readonly audio: Record<ForkTrack, Buffer[]> = { inbound: [], outbound: [] };
  /** Each track's media timestamps, ms. */
  readonly timestamps: Record<ForkTrack, number[]> = { inbound: [], outbound: [] };
  /** Binary audio frames received (binary mode). */
  binaryFrames = 0;
  /** Resolves with the `start` message. */
  readonly started: Promise<ForkEvent>;
  /** Resolves with the `stop` message. */
  readonly stopped: Promise<ForkEvent>;
  /** Resolves with the close code when the connection is gone. */
  readonly closed: Promise<number>;
  readonly #ws: WebSocket;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    let onStart!: (e: ForkEvent) => void;
    let onStop!: (e: ForkEvent) => void;
    this.started = new Promise((resolve) => (onStart = resolve));
    this.stopped = new Promise((resolve) => (onStop = resolve));
    this.closed = once(ws, 'close').then(([code]) => code as number);
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return this.#binary(data);
      const message = JSON.parse(data.toString('utf8')) as ForkEvent;
      this.events.push(message);
      if (message.sequenceNumber !== undefined) this.sequenceNumbers.push(Number(message.sequenceNumber));
      if (message.event === 'start') onStart(message);
      if (message.event === 'stop') onStop(message);
      if (message.event === 'media') {
        const media = message['media'] as { track: ForkTrack; timestamp: string; payload: string };
        this.audio[media.track].push(Buffer.from(media.payload, 'base64'));
        this.timestamps[media.track].push(Number(media.timestamp));
      }
    });
  }

  /** The `start` message's `start` object (call metadata, `customParameters`, `mediaFormat`, `gag`), once started. */
  get start(): Record<string, unknown> | undefined {
    return this.events.find((e) => e.event === 'start')?.['start'] as Record<string, unknown> | undefined;
  }

  /** The digits of the `dtmf` messages, in order. */
  get digits(): string {
    return this.events.filter((e) => e.event === 'dtmf').map((e) => (e['dtmf'] as { digit: string }).digit).join('');
  }

  /**
   * A track's audio as s16 samples (decoded from the call's codec, `start.gag.format`).
   * @throws GagError `GAG_CALL_STATE` before `start` arrived.
   */
  samples(track: ForkTrack): Int16Array {
    const format = (this.start?.['gag'] as { format?: string } | undefined)?.format;
    if (format === undefined || !isWireFormat(format)) throw new GagError('GAG_CALL_STATE', 'no start message yet: the codec is unknown');
    return decodeSamples(format, Buffer.concat(this.audio[track]));
  }

  /** Stop reading the socket (a stuck service): the gateway's send buffer fills up. */
  stopReading(): void {
    this.#ws.pause();
  }

  /** Send a message back to the gateway (an object is sent as JSON). */
  send(message: object | Buffer): void {
    this.#ws.send(Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /**
   * Speak back (a gateway with `fork_audio_back`): `audio` in the call's codec, sent as `media`
   * messages of at most one second each (binary messages in binary mode), then a `mark` named
   * `mark` if given, which the gateway returns once the audio has played.
   */
  speak(audio: Buffer, mark?: string): void {
    const start = this.start as { streamSid?: string; mediaFormat?: { sampleRate?: number }; gag?: { mode?: string; format?: string } } | undefined;
    const streamSid = start?.streamSid ?? '';
    const second = (start?.mediaFormat?.sampleRate ?? 8_000) * (start?.gag?.format === 'slin16' || start?.gag?.format === 'slin' ? 2 : 1);
    for (let at = 0; at < audio.length; at += second) {
      const chunk = audio.subarray(at, at + second);
      this.send(start?.gag?.mode === 'binary' ? Buffer.from(chunk) : { event: 'media', streamSid, media: { payload: chunk.toString('base64') } });
    }
    if (mark !== undefined) this.send({ event: 'mark', streamSid, mark: { name: mark } });
  }

  /** Ask the gateway to drop the audio it has queued from this stream (`clear`); its marks come back. */
  clear(): void {
    this.send({ event: 'clear', streamSid: (this.start as { streamSid?: string } | undefined)?.streamSid ?? '' });
  }

  /** Close the connection (a service going away mid-call). */
  close(code = 1000): void {
    this.#ws.close(code);
  }

  #binary(data: Buffer): void {
    if (data.length < BINARY_HEADER_BYTES) return;
    const track: ForkTrack = data.readUInt8(1) === 0 ? 'inbound' : 'outbound';
    this.binaryFrames++;
    this.sequenceNumbers.push(data.readUInt32LE(4));
    this.timestamps[track].push(data.readUInt32LE(8));
    this.audio[track].push(Buffer.from(data.subarray(BINARY_HEADER_BYTES)));
  }
}

/**
 * The fake service, listening on loopback.
 * @example
 * const receiver = await FakeForkReceiver.listen();
 * // goastgateway.json: "fork_url": receiver.url, "fork_all_calls": true
 * const stream = await receiver.nextStream();
 * await stream.stopped;
 * analyseTone(Float32Array.from(stream.samples('inbound'), (s) => s / 32768), 16_000);
 */
export class FakeForkReceiver extends EventEmitter<FakeForkReceiverEvents> {
  /** Every connection so far, in order. */
  readonly streams: ForkStream[] = [];
  /** Where the gateway should connect: `fork_url`. */
  readonly url: string;
  readonly #server: WebSocketServer;
  #handedOut = 0;

  private constructor(server: WebSocketServer) {
    super();
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/stream`;
    server.on('connection', (ws) => {
      const stream = new ForkStream(ws);
      this.streams.push(stream);
      this.emit('stream', stream);
    });
  }

  /** Listen on 127.0.0.1 (`port` 0: any free port). */
  static async listen(port = 0): Promise<FakeForkReceiver> {
    const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
    await once(server, 'listening');
    return new FakeForkReceiver(server);
  }

  /** The first connection not yet returned by this method, waiting up to `timeoutMs` for it. */
  nextStream(timeoutMs = 5_000): Promise<ForkStream> {
    const index = this.#handedOut++;
    const ready = this.streams[index];
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('stream', onStream);
        reject(new GagError('GAG_CALL_STATE', `no fork connection within ${timeoutMs} ms`));
      }, timeoutMs);
      const onStream = (): void => {
        const stream = this.streams[index];
        if (stream === undefined) return;
        clearTimeout(timer);
        this.off('stream', onStream);
        resolve(stream);
      };
      this.on('stream', onStream);
    });
  }

  /** Close every connection and stop listening. */
  async close(): Promise<void> {
    for (const client of this.#server.clients) client.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
