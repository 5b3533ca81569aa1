/**
 * What the fake Asterisk received from the app, taken the way chan_websocket takes it
 * (`process_binary_message`): whole `optimal_frame_size` frames out of each BINARY message, the
 * odd leftover dropped, unless START/STOP_MEDIA_BUFFERING brackets it (docs/chan-websocket.md#media).
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { DEFAULT_WIRE_FORMAT, frameBytesOf, frameSamplesOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { decodeDtmf, type DtmfDecoding } from '../dtmf.js';
import { analyseTone, type ToneAnalysis } from '../tones.js';
import { wavFile } from '../wav.js';
import { decodeSamples } from './codec.js';

/**
 * A span of the received stream, in ms from its first accepted sample.
 * @example const lastSecond: StreamRange = { fromMs: 1_000, toMs: 2_000 };
 */
export interface StreamRange {
  /** Inclusive; the start of the stream when omitted. */
  readonly fromMs?: number;
  /** Exclusive; the end of what was received when omitted. */
  readonly toMs?: number;
}

/**
 * The audio a {@link FakeCall} accepted from the app, with counters of what Asterisk would drop.
 * @example
 * await expect.poll(() => call.received.frames).toBeGreaterThanOrEqual(50);
 * expect(call.received.analyse({ fromMs: 200 }).hz).toBeCloseTo(440, -1);
 */
export class Recorder {
  /** The call's codec: frames are 20 ms of it, decoded to floats for analysis. */
  readonly codec: WireFormat;
  readonly #frameBytes: number;
  #frames: Buffer[] = [];
  #messages = 0;
  #oddSized = 0;
  #droppedBytes = 0;
  #ignoredBeforeAnswer = 0;
  #overflowFrames = 0;
  // Asterisk's bulk-media state (START_MEDIA_BUFFERING) and its partial frame.
  #bulk = false;
  readonly #leftover: Buffer;
  #leftoverBytes = 0;

  /** @param codec the call's codec (MEDIA_START's `format`); its 20 ms frame is the `optimal_frame_size`. */
  constructor(codec: WireFormat = DEFAULT_WIRE_FORMAT) {
    this.codec = codec;
    const frameBytes = frameBytesOf(codec);
    this.#frameBytes = frameBytes;
    this.#leftover = Buffer.alloc(frameBytes);
  }

  /** BINARY messages taken (after ANSWER). */
  get messages(): number {
    return this.#messages;
  }
  /** Whole frames accepted. */
  get frames(): number {
    return this.#frames.length;
  }
  /** BINARY messages whose length is not a multiple of the frame size. */
  get oddSizedMessages(): number {
    return this.#oddSized;
  }
  /** Bytes Asterisk threw away: odd leftovers outside buffering, and partial frames flushed. */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }
  /** BINARY messages that arrived before ANSWER and were not taken. */
  get ignoredBeforeAnswer(): number {
    return this.#ignoredBeforeAnswer;
  }
  /** Whole frames Asterisk dropped because its queue was full (`QUEUE_LENGTH_MAX`). */
  get overflowFrames(): number {
    return this.#overflowFrames;
  }
  /** Whether START_MEDIA_BUFFERING is in effect. */
  get buffering(): boolean {
    return this.#bulk;
  }
  /** Bytes of a partial frame held while buffering is on. */
  get leftoverBytes(): number {
    return this.#leftoverBytes;
  }

  /**
   * Take one BINARY message; returns the frames it completed, no more than `roomFrames` (the
   * space left in Asterisk's queue): the rest are dropped and counted in {@link overflowFrames}.
   * @internal
   */
  accept(message: Buffer, roomFrames = Infinity): Buffer[] {
    const size = this.#frameBytes;
    const out: Buffer[] = [];
    this.#messages++;
    if (message.length % size !== 0) this.#oddSized++;
    let offset = 0;
    if (this.#bulk && this.#leftoverBytes > 0) {
      // Complete the held partial frame first, as Asterisk does while buffering.
      const copied = message.copy(this.#leftover, this.#leftoverBytes, 0, Math.min(size - this.#leftoverBytes, message.length));
      this.#leftoverBytes += copied;
      if (this.#leftoverBytes < size) return out;
      out.push(Buffer.from(this.#leftover));
      this.#leftoverBytes = 0;
      offset = copied;
    } else if (this.#leftoverBytes > 0) {
      this.#droppedBytes += this.#leftoverBytes;
      this.#leftoverBytes = 0;
    }
    for (; message.length - offset >= size; offset += size) out.push(Buffer.from(message.subarray(offset, offset + size)));
    const rest = message.length - offset;
    if (rest > 0 && this.#bulk) {
      message.copy(this.#leftover, 0, offset);
      this.#leftoverBytes = rest;
    } else {
      this.#droppedBytes += rest; // "odd-sized leftovers are DROPPED" (docs/chan-websocket.md#media)
    }
    return this.#keep(out, roomFrames);
  }

  #keep(frames: Buffer[], roomFrames: number): Buffer[] {
    const kept = frames.length <= roomFrames ? frames : frames.slice(0, Math.max(0, roomFrames));
    this.#overflowFrames += frames.length - kept.length;
    this.#frames.push(...kept);
    return kept;
  }

  /** @internal A BINARY message before ANSWER: Asterisk does not take it. */
  ignore(): void {
    this.#ignoredBeforeAnswer++;
  }

  /** @internal START_MEDIA_BUFFERING. */
  startBuffering(): void {
    this.#bulk = true;
  }

  /**
   * STOP_MEDIA_BUFFERING: a held partial frame is queued and padded with silence to a whole
   * frame (chan_websocket pads short slin frames in `webchan_read`). Returns the frames added
   * (none when the queue has no `roomFrames` left).
   * @internal
   */
  stopBuffering(roomFrames = Infinity): Buffer[] {
    this.#bulk = false;
    if (this.#leftoverBytes === 0) return [];
    const frame = Buffer.alloc(this.#frameBytes);
    this.#leftover.copy(frame, 0, 0, this.#leftoverBytes);
    this.#leftoverBytes = 0;
    return this.#keep([frame], roomFrames);
  }

  /**
   * FLUSH_MEDIA: buffering off, the partial frame dropped. (The queued frames are dropped by the
   * playout queue; what was received stays recorded here.)
   * @internal
   */
  flush(): void {
    this.#bulk = false;
    this.#droppedBytes += this.#leftoverBytes;
    this.#leftoverBytes = 0;
  }

  /**
   * The accepted audio decoded from the call's codec to floats (÷32768) at its rate (16 kHz for
   * slin16, 8 kHz otherwise), by position in the received stream.
   * @example call.received.samples({ fromMs: 100, toMs: 600 }).length // 8000 for slin16
   */
  samples(range: StreamRange = {}): Float32Array {
    const s16 = this.#s16(range);
    const out = new Float32Array(s16.length);
    for (let i = 0; i < out.length; i++) out[i] = (s16[i] ?? 0) / 32_768;
    return out;
  }

  /**
   * The accepted audio as a mono PCM 16-bit WAV file at the call's rate, the samples exactly as
   * decoded from the codec: to listen to, or to analyse with sox (`sox received.wav -n stat`).
   * @example writeFileSync('received.wav', call.received.toWav({ fromMs: 1_000 }))
   */
  toWav(range: StreamRange = {}): Buffer {
    return wavFile(this.#s16(range), rateHzOf(this.codec));
  }

  /**
   * Write {@link toWav} to `path`.
   * @example await call.received.saveWav('received.wav')
   */
  async saveWav(path: string, range: StreamRange = {}): Promise<void> {
    await writeFile(path, this.toWav(range));
  }

  /** The accepted audio in `range`, decoded to s16 at the call's rate. */
  #s16(range: StreamRange): Int16Array {
    const rateHz = rateHzOf(this.codec);
    const frameSamples = frameSamplesOf(this.codec);
    const total = this.#frames.length * frameSamples;
    const at = (ms: number | undefined, fallback: number): number =>
      ms === undefined ? fallback : Math.max(0, Math.min(total, Math.round((ms * rateHz) / 1000)));
    const from = at(range.fromMs, 0);
    const to = Math.max(from, at(range.toMs, total));
    // Only the frames the range touches are decoded: a poll of the latest 500 ms stays cheap on a long call.
    const firstFrame = Math.floor(from / frameSamples);
    const frames = this.#frames.slice(firstFrame, Math.ceil(to / frameSamples));
    const offset = firstFrame * frameSamples;
    return decodeSamples(this.codec, Buffer.concat(frames)).subarray(from - offset, to - offset);
  }

  /**
   * Tone analysis ({@link analyseTone}) of the accepted audio.
   * @example expect(call.received.analyse().hz).toBeCloseTo(1000, 0)
   */
  analyse(range: StreamRange = {}): ToneAnalysis {
    return analyseTone(this.samples(range), rateHzOf(this.codec));
  }

  /**
   * The DTMF digits in the accepted audio ({@link decodeDtmf}), e.g. keys a phone sent in-band.
   * @example expect(call.received.dtmf({ fromMs: 1_000 }).digits).toBe('123#')
   */
  dtmf(range: StreamRange = {}): DtmfDecoding {
    return decodeDtmf(this.samples(range), rateHzOf(this.codec));
  }

  /** Forget the audio and the counters (buffering state and a held partial frame stay). */
  clear(): void {
    this.#frames = [];
    this.#messages = 0;
    this.#oddSized = 0;
    this.#droppedBytes = 0;
    this.#ignoredBeforeAnswer = 0;
    this.#overflowFrames = 0;
  }
}
