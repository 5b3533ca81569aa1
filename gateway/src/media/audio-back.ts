/**
 * Audio a fork's service sends back (issue 20, bidirectional forks): queued, then mixed into the
 * call's own frames as they pass — into what the agent hears (whisper, assist) or into what the
 * caller hears (a bot speaking) — so it plays on the call's clock and never holds a frame back.
 * `mark`s come back when the audio queued before them has played; `clear` drops what is queued
 * (and returns its marks at once, as Twilio does).
 * @packageDocumentation
 */
import { bytesPerSampleOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { addInto, encodeInto } from './pcm-mix.js';
import { decodeToS16 } from './stereo-mixer.js';

/** The most audio a service may queue ahead, ms; past it, what it sends is dropped. */
export const MAX_AUDIO_BACK_MS = 60_000;

/**
 * The queue of one fork's audio back.
 * @example
 * const back = new AudioBack('slin16', (name) => sendMark(name));
 * back.push(payload); back.mark('end-of-prompt');
 * frames = back.mixInto(frames); // on the audio path
 */
export class AudioBack {
  readonly #format: WireFormat;
  readonly #maxBytes: number;
  readonly #onMark: (name: string) => void;
  #chunks: Buffer[] = [];
  #queuedBytes = 0;
  /** Bytes ever queued and ever played: marks are positions on this count. */
  #pushedTotal = 0;
  #playedTotal = 0;
  #marks: { atByte: number; name: string }[] = [];
  /** Bytes the service sent that did not fit. */
  droppedBytes = 0;

  constructor(format: WireFormat, onMark: (name: string) => void) {
    this.#format = format;
    this.#onMark = onMark;
    this.#maxBytes = (MAX_AUDIO_BACK_MS / 1000) * rateHzOf(format) * bytesPerSampleOf(format);
  }

  /** Queue audio in the call's codec (whole samples; a trailing odd byte of s16 is dropped). */
  push(payload: Buffer): void {
    const usable = payload.length - (payload.length % bytesPerSampleOf(this.#format));
    if (this.#queuedBytes + usable > this.#maxBytes) {
      this.droppedBytes += usable;
      return;
    }
    if (usable === 0) return;
    this.#chunks.push(Buffer.from(payload.subarray(0, usable)));
    this.#queuedBytes += usable;
    this.#pushedTotal += usable;
  }

  /** Report `name` back once everything queued so far has played (at once when nothing is queued). */
  mark(name: string): void {
    if (this.#queuedBytes === 0) return this.#onMark(name);
    this.#marks.push({ atByte: this.#pushedTotal, name });
  }

  /** Drop what is queued; its marks come back now. */
  clear(): void {
    this.#chunks = [];
    this.#playedTotal += this.#queuedBytes;
    this.#queuedBytes = 0;
    this.#fireMarks();
  }

  /** `frames` with the next queued audio of the same length mixed in; `frames` itself when nothing is queued. */
  mixInto(frames: Buffer): Buffer {
    if (this.#queuedBytes === 0) return frames;
    const take = Math.min(frames.length, this.#queuedBytes);
    const back = this.#take(take);
    const ours = decodeToS16(this.#format, frames);
    const theirs = decodeToS16(this.#format, back);
    addInto(ours, 0, theirs, 0, theirs.length); // clipped, as every mix (pcm-mix.ts)
    this.#playedTotal += take;
    this.#fireMarks();
    return this.#encode(ours);
  }

  #take(bytes: number): Buffer {
    const parts: Buffer[] = [];
    let need = bytes;
    while (need > 0) {
      const chunk = this.#chunks[0]!;
      if (chunk.length <= need) {
        parts.push(chunk);
        this.#chunks.shift();
        need -= chunk.length;
      } else {
        parts.push(chunk.subarray(0, need));
        this.#chunks[0] = chunk.subarray(need);
        need = 0;
      }
    }
    this.#queuedBytes -= bytes;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  #encode(samples: Int16Array): Buffer {
    const out = Buffer.alloc(samples.length * bytesPerSampleOf(this.#format));
    encodeInto(this.#format, samples, 0, out, 0, samples.length);
    return out;
  }

  #fireMarks(): void {
    while (this.#marks.length > 0 && this.#marks[0]!.atByte <= this.#playedTotal) this.#onMark(this.#marks.shift()!.name);
  }
}
