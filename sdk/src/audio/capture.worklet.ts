/**
 * AudioWorkletProcessor `gag-capture`: microphone at the context's rate in, one transferred
 * ArrayBuffer holding 20 ms of the call's format out every 20 ms (`frameBytesOf(format)`: s16le
 * for slin16 and slin, G.711 bytes for ulaw and alaw). The format comes in
 * `processorOptions: { format }` (default slin16). Bundled on its own by the `?worklet` plugin.
 *
 * Port protocol (main thread → worklet):
 * - an `ArrayBuffer` of one frame's bytes, or an array of them: frame buffers given back to the
 *   pool after sending (the main thread gives back a few at a time);
 * - `{ type: 'mute', muted: boolean }`: send silence frames (the cadence does not change);
 * - `{ type: 'dtmf', digits: string }`: play the digits as in-band DTMF in place of the microphone;
 * - `{ type: 'stats' }`: reply `{ type: 'stats', framesSent, framesDropped, dtmfDropped, inputEnergy, inputSamples }`.
 * Worklet → main thread: frames as transferred `ArrayBuffer`s, and the stats replies.
 * @packageDocumentation
 */
import { bytesPerSampleOf, frameBytesOf } from '../wire-units.js';
import { CaptureFramer } from './capture-framer.js';
import { formatOption } from './worklet-options.js';

/**
 * Frame buffers in flight or free: 240 ms. The main thread gives them back four at a time, so
 * 160 ms of them are there for a main thread busy for a while.
 */
const POOL_FRAMES = 12;

/** The control messages this processor understands (buffers come back as bare ArrayBuffers). */
export type CaptureControlMessage = { type: 'mute'; muted: boolean } | { type: 'dtmf'; digits: string } | { type: 'stats' };

/** Reply to `{ type: 'stats' }`. */
export interface CaptureStatsMessage {
  readonly type: 'stats';
  /** Frames posted to the main thread. */
  readonly framesSent: number;
  /** Frames dropped because every pooled buffer was still on the main thread. */
  readonly framesDropped: number;
  /** DTMF digits dropped because too many were queued at once. */
  readonly dtmfDropped: number;
  /** Sum of squared microphone samples so far (before mute and DTMF): the level meter's total. */
  readonly inputEnergy: number;
  /** Microphone samples so far, at the context's rate. */
  readonly inputSamples: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  readonly #framer: CaptureFramer;
  readonly #frameBytes: number;
  /** Whether frames are s16 (slin16, slin) or bytes (G.711): the kind of view the pool holds. */
  readonly #s16: boolean;
  /** Free frame buffers (as views, made when a buffer arrives, not in process()), a stack. */
  readonly #pool: (Int16Array | Uint8Array | null)[] = [];
  #poolSize = 0;
  /** One reusable transfer list, so process() builds no array per frame. */
  readonly #transfer: ArrayBuffer[] = [new ArrayBuffer(0)];

  constructor(options?: AudioWorkletNodeOptions) {
    super(options);
    const format = formatOption(options);
    this.#framer = new CaptureFramer(sampleRate, format);
    this.#frameBytes = frameBytesOf(format);
    this.#s16 = bytesPerSampleOf(format) === 2;
    for (let i = 0; i < POOL_FRAMES; i++) this.#pool.push(this.#view(new ArrayBuffer(this.#frameBytes)));
    this.#poolSize = POOL_FRAMES;
    this.port.onmessage = (event: MessageEvent<unknown>) => this.#onMessage(event.data);
  }

  #onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) return this.#takeBack(data);
    if (Array.isArray(data)) {
      for (const buffer of data as unknown[]) if (buffer instanceof ArrayBuffer) this.#takeBack(buffer);
      return;
    }
    const message = data as Partial<CaptureControlMessage> | null;
    if (message?.type === 'mute') this.#framer.muted = message.muted === true;
    else if (message?.type === 'dtmf') {
      if (typeof message.digits === 'string') this.#framer.queueDtmf(message.digits);
    } else if (message?.type === 'stats') {
      const reply: CaptureStatsMessage = {
        type: 'stats',
        framesSent: this.#framer.framesTaken,
        framesDropped: this.#framer.framesDropped,
        dtmfDropped: this.#framer.dtmfDropped,
        inputEnergy: this.#framer.inputEnergy,
        inputSamples: this.#framer.inputSamples,
      };
      this.port.postMessage(reply);
    }
  }

  /** A frame buffer back from the main thread. Anything else the wrong size is not ours. */
  #takeBack(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.#frameBytes && this.#poolSize < POOL_FRAMES) this.#pool[this.#poolSize++] = this.#view(buffer);
  }

  #view(buffer: ArrayBuffer): Int16Array | Uint8Array {
    return this.#s16 ? new Int16Array(buffer) : new Uint8Array(buffer);
  }

  /** Allocation-free: reads, resamples, and posts at most one transferred buffer per finished frame. */
  process(inputs: Float32Array[][]): boolean {
    // inputs[0] is empty while no microphone channel is connected: the framer counts it as silence.
    this.#framer.write(inputs[0]?.[0]);
    while (this.#framer.framesReady > 0) {
      if (this.#poolSize === 0) {
        this.#framer.takeFrame(null); // every buffer is on the main thread: drop and count
        continue;
      }
      const view = this.#pool[--this.#poolSize] ?? null;
      this.#pool[this.#poolSize] = null;
      this.#framer.takeFrame(view);
      if (view !== null) {
        const buffer = view.buffer as ArrayBuffer;
        this.#transfer[0] = buffer;
        this.port.postMessage(buffer, this.#transfer);
      }
    }
    return true; // keep processing while the mic is silent or disconnected
  }
}

registerProcessor('gag-capture', CaptureProcessor);
