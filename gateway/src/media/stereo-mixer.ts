/**
 * Two tracks of a call into one stereo s16le stream (caller left, agent right) at the call's
 * rate. The tracks arrive on different clocks and in different packet sizes (Asterisk's 20 ms
 * frames, the browser's 20–60 ms packets), so each is queued and the pair is written as far as
 * both have audio; a track more than `maxSkewMs` behind the other (muted, dropped, not yet
 * started) is padded with silence, so a missing side never holds the other back for long.
 * @packageDocumentation
 */
import { endianness } from 'node:os';
import { bytesPerSampleOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import type { Track } from '../calls/call-tap.js';
import { decodeInto } from './pcm-mix.js';

/** Whether this machine stores an Int16Array's samples little-endian, as WAV wants them (every platform Node ships for but a few). */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Bytes of one stereo s16 sample pair. */
export const STEREO_FRAME_BYTES = 4;

/** s16 samples of `frames` in `format` (copied: the caller's buffer may be reused). */
export function decodeToS16(format: WireFormat, frames: Buffer): Int16Array {
  const count = Math.floor(frames.length / bytesPerSampleOf(format));
  const out = new Int16Array(count);
  decodeInto(format, frames, 0, out, 0, count);
  return out;
}

/** One track's samples not yet written, as a list of chunks. */
class TrackQueue {
  readonly #chunks: Int16Array[] = [];
  #head = 0;
  length = 0;

  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.#chunks.push(samples);
    this.length += samples.length;
  }

  /**
   * Move `count` samples into every second slot of `out` (the stereo stream as s16 pairs) from
   * `channel`; silence where it runs out. Array stores, not one `writeInt16LE` call per sample:
   * that was most of what recording a call cost (issue 20's bench).
   */
  take(out: Int16Array, channel: 0 | 1, count: number): void {
    let i = 0;
    while (i < count) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) break;
      const n = Math.min(count - i, chunk.length - this.#head);
      for (let k = 0, at = 2 * i + channel, from = this.#head; k < n; k++, at += 2, from++) out[at] = chunk[from]!;
      i += n;
      this.#head += n;
      this.length -= n;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    // The rest of `out` is already zero (Buffer.alloc): silence for the missing part.
  }
}

/**
 * The stereo mixer of one recording.
 * @example
 * const mixer = new StereoMixer('slin16', 200);
 * const bytes = mixer.push('caller', frames); // stereo s16le ready to write, or undefined
 */
export class StereoMixer {
  readonly format: WireFormat;
  readonly rateHz: number;
  readonly #maxSkewSamples: number;
  readonly #queues: Readonly<Record<Track, TrackQueue>> = { caller: new TrackQueue(), agent: new TrackQueue() };

  constructor(format: WireFormat, maxSkewMs: number) {
    this.format = format;
    this.rateHz = rateHzOf(format);
    this.#maxSkewSamples = Math.round((maxSkewMs * this.rateHz) / 1000);
  }

  /**
   * Frames of `track` (silence of the same length when `silent`, for a paused recording): the
   * stereo bytes that are now complete, or undefined when none are.
   */
  push(track: Track, frames: Buffer, silent = false): Buffer | undefined {
    const samples = silent ? new Int16Array(Math.floor(frames.length / bytesPerSampleOf(this.format))) : decodeToS16(this.format, frames);
    this.#queues[track].push(samples);
    const { caller, agent } = this.#queues;
    const both = Math.min(caller.length, agent.length);
    const ahead = Math.max(caller.length, agent.length) - this.#maxSkewSamples;
    return this.#take(Math.max(both, ahead));
  }

  /** Everything still queued, the shorter track padded with silence (the end of a recording). */
  flush(): Buffer | undefined {
    return this.#take(Math.max(this.#queues.caller.length, this.#queues.agent.length));
  }

  #take(count: number): Buffer | undefined {
    if (count <= 0) return undefined;
    // Zeroed (silence where a track runs out) and not from the pool, so its own aligned memory.
    const out = Buffer.alloc(count * STEREO_FRAME_BYTES);
    const pairs = new Int16Array(out.buffer, out.byteOffset, count * 2);
    this.#queues.caller.take(pairs, 0, count);
    this.#queues.agent.take(pairs, 1, count);
    if (!LITTLE_ENDIAN) out.swap16(); // the WAV is little-endian whatever the machine
    return out;
  }
}
