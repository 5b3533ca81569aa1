/**
 * One live fork of one call: both tracks from the call's tap, over a WebSocket of its own, to the
 * configured service. The call never waits for it: audio is sent only while the socket is open
 * and its send buffer holds less than the bound; anything else is dropped and counted (the
 * sequence numbers skip it, so the service sees the gap). A lost or refused connection is retried
 * with back-off for as long as the call lasts, each new connection starting with `connected` and
 * `start` again.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { FRAME_MS, frameBytesOf, rateHzOf } from '@gag/sdk/protocol';
import type { Call } from '../calls/call.js';
import type { TapListener, Track } from '../calls/call-tap.js';
import type { Logger } from '../log.js';
import { AudioBack } from './audio-back.js';
import { callMetadata } from './call-metadata.js';
import type { ReconnectPolicy, RetryReason } from '../originate/reconnect-policy.js';
import { binaryMedia, connectedMessage, dtmfMessage, markMessage, mediaMessage, startMessage, stopMessage, type ForkFormat, type ForkStart } from './fork-messages.js';

/** Where a fork is: connecting the first time, open, waiting to reconnect, or over. */
export type ForkState = 'connecting' | 'open' | 'reconnecting' | 'closed';
/** Largest message a fork accepts from its service (audio back in chunks up to about 20 s of slin16 as base64); a larger one closes the connection (1009). */
const MAX_INBOUND_BYTES = 1 << 20;
const HANDSHAKE_TIMEOUT_MS = 5_000;

/** What a fork needs besides its call. */
export interface ForkOptions {
  readonly url: string;
  readonly format: ForkFormat;
  readonly customParameters: Readonly<Record<string, string>>;
  /** The socket's send buffer may hold this much; past it, frames are dropped. */
  readonly maxBufferedBytes: number;
  readonly policy: ReconnectPolicy;
  /** Where audio the service sends back plays: nowhere, to the agent only, or to the caller (into the call). */
  readonly audioBack: 'none' | 'agent' | 'call';
  readonly log: Logger;
  /** The fork's state changed (`closed` once, last). */
  readonly onState: (fork: Fork) => void;
}

/**
 * A call's fork.
 * @example
 * const fork = new Fork(call, { url: 'ws://127.0.0.1:9000/stream', format: 'twilio', customParameters: {}, maxBufferedBytes: 64_000, policy, log, onClosed });
 * fork.start();
 */
export class Fork implements TapListener {
  readonly streamSid = `MZ${randomUUID().replaceAll('-', '')}`;
  readonly #call: Call;
  readonly #options: ForkOptions;
  readonly #log: Logger;
  readonly #frameBytes: number;
  #state: ForkState = 'connecting';
  #ws: WebSocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retryCount = 0;
  #seq = 0;
  readonly #chunks: Record<Track, number> = { caller: 0, agent: 0 };
  /** The service's audio, mixed into the frames of the track it plays over; undefined without audio back. */
  readonly #back: AudioBack | undefined;
  /** Messages sent and dropped, connections made after the first. */
  readonly stats = { sent: 0, dropped: 0, reconnects: 0 };

  constructor(call: Call, options: ForkOptions) {
    this.#call = call;
    this.#options = options;
    this.#frameBytes = frameBytesOf(call.format);
    this.#log = options.log.child({ streamSid: this.streamSid });
    this.#back = options.audioBack === 'none' ? undefined : new AudioBack(call.format, (name) => this.#sendEvent(markMessage(++this.#seq, this.streamSid, name)));
  }

  get state(): ForkState {
    return this.#state;
  }

  get format(): ForkFormat {
    return this.#options.format;
  }

  /** Attach to the call and connect; false when the call already ended. */
  start(): boolean {
    if (!this.#call.tap.attach(this)) {
      this.#close();
      return false;
    }
    this.#options.onState(this); // connecting
    this.#connect();
    return true;
  }

  /** Stop forking (the call goes on): `stop` goes out and the socket closes. */
  stop(): void {
    this.#call.tap.detach(this); // runs end()
  }

  /** @internal From the call's tap: whole frames of `track`, one message each. */
  audio(track: Track, frames: Buffer): void {
    for (let at = 0; at + this.#frameBytes <= frames.length; at += this.#frameBytes) {
      const frame = frames.subarray(at, at + this.#frameBytes);
      const chunk = ++this.#chunks[track];
      const seq = ++this.#seq;
      const ws = this.#ws;
      if (this.#state !== 'open' || ws === undefined || ws.bufferedAmount > this.#options.maxBufferedBytes) {
        this.stats.dropped++;
        continue;
      }
      const timestampMs = (chunk - 1) * FRAME_MS;
      ws.send(this.#options.format === 'binary' ? binaryMedia(seq, track, timestampMs, frame) : mediaMessage(seq, this.streamSid, track, chunk, timestampMs, frame));
      this.stats.sent++;
    }
  }

  /** @internal From the call's tap: the service's audio over the caller's frames (heard by the agent) or the agent's (heard by the caller). */
  mix(track: Track, frames: Buffer): Buffer {
    if (this.#back === undefined || track !== (this.#options.audioBack === 'agent' ? 'caller' : 'agent')) return frames;
    return this.#back.mixInto(frames);
  }

  /** @internal From the call's tap. */
  dtmf(track: Track, digit: string): void {
    this.#sendEvent(dtmfMessage(++this.#seq, this.streamSid, track, digit));
  }

  /** @internal From the call's tap: the call ended, or the fork was stopped. */
  end(): void {
    if (this.#state === 'closed') return;
    this.#sendEvent(stopMessage(++this.#seq, this.streamSid, this.#call.id));
    this.#close();
  }

  #sendEvent(text: string): void {
    const ws = this.#ws;
    if (this.#state !== 'open' || ws === undefined || ws.bufferedAmount > this.#options.maxBufferedBytes) this.stats.dropped++;
    else {
      ws.send(text);
      this.stats.sent++;
    }
  }

  #connect(): void {
    const ws = new WebSocket(this.#options.url, { perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, maxPayload: MAX_INBOUND_BYTES });
    this.#ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      if (this.#retryCount > 0) this.stats.reconnects++;
      this.#retryCount = 0;
      this.#setState('open');
      ws.send(connectedMessage());
      ws.send(startMessage(++this.#seq, this.#startInfo()));
      this.#log.info({ url: this.#redactedUrl(), format: this.#options.format }, 'fork connected');
    });
    ws.on('message', (data: Buffer, isBinary) => this.#fromService(data, isBinary));
    ws.on('error', (err) => this.#log.debug({ err: err.message }, 'fork socket error'));
    ws.on('close', (code) => {
      if (this.#ws !== ws || this.#state === 'closed') return;
      this.#retry(opened ? 'connection_lost' : 'connect_failed', code);
    });
  }

  /** A message from the service: audio back (`media`, or binary in binary mode), `mark`, `clear`; anything else is ignored. */
  #fromService(data: Buffer, isBinary: boolean): void {
    const back = this.#back;
    if (back === undefined) return;
    if (isBinary) return back.push(data);
    let message: { event?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    try {
      message = JSON.parse(data.toString('utf8')) as typeof message;
    } catch {
      return void this.#log.debug('fork service sent text that is not JSON; ignored');
    }
    if (message.event === 'media' && typeof message.media?.payload === 'string') back.push(Buffer.from(message.media.payload, 'base64'));
    else if (message.event === 'mark' && typeof message.mark?.name === 'string') back.mark(message.mark.name);
    else if (message.event === 'clear') back.clear();
  }

  #retry(reason: RetryReason, code: number): void {
    const delayMs = this.#options.policy.nextRetryDelayMs({ retryCount: this.#retryCount++, reason });
    this.#ws = undefined;
    this.#back?.clear(); // the service that queued it is gone
    if (delayMs === null) return this.#close();
    this.#setState('reconnecting');
    this.#log.warn({ reason, code, delayMs, url: this.#redactedUrl() }, 'fork connection lost; retrying');
    this.#timer = setTimeout(() => this.#connect(), delayMs);
  }

  #close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#timer);
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws !== undefined) {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'call ended');
      else ws.terminate();
    }
    this.#log.info({ ...this.stats }, 'fork ended');
    this.#options.onState(this);
  }

  #setState(state: ForkState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onState(this);
  }

  #startInfo(): ForkStart {
    const call = this.#call;
    return {
      streamSid: this.streamSid,
      ...callMetadata(call),
      format: call.format,
      rateHz: rateHzOf(call.format),
      customParameters: this.#options.customParameters,
      mode: this.#options.format,
    };
  }

  /** The URL without credentials or query (a token may hide there). */
  #redactedUrl(): string {
    const u = new URL(this.#options.url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  }
}
