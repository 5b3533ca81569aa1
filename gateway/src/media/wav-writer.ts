/**
 * A PCM 16-bit WAV file written as it grows, readable at any moment: the header is written first,
 * and its two sizes (RIFF and `data`) are rewritten every {@link HEADER_UPDATE_MS} and on close.
 * After a crash or `kill -9` the file is a valid WAV whose sizes are at most that old; a reader
 * repairs it by setting `data` to the file's length − 44 and RIFF to length − 8
 * (docs/fork-and-record.md#recovering-a-recording). Writes are asynchronous and queued, never
 * on the audio path; a write error or a queue past {@link MAX_QUEUED_BYTES} fails the file once.
 * @packageDocumentation
 */
import { open, type FileHandle } from 'node:fs/promises';

/** The canonical header: RIFF, `fmt ` (16 bytes, PCM) and the `data` chunk header. */
export const WAV_HEADER_BYTES = 44;
/** How often the sizes in the header catch up with the data (the most a crash can leave behind). */
export const HEADER_UPDATE_MS = 1_000;
/** Writes waiting for the disk, in bytes, before the file is given up (about 16 s of stereo slin16). */
export const MAX_QUEUED_BYTES = 1 << 20;
const RIFF_SIZE_OFFSET = 4;
const DATA_SIZE_OFFSET = 40;

/** Why a WAV file stopped being written: the disk is full, another write error, or the disk is too slow. */
export type WavFailure = 'disk_full' | 'write_error' | 'too_slow';

/** The header of a PCM 16-bit WAV with `dataBytes` of audio. */
export function wavHeader(rateHz: number, channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, RIFF_SIZE_OFFSET);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rateHz, 24);
  h.writeUInt32LE(rateHz * channels * 2, 28); // bytes per second
  h.writeUInt16LE(channels * 2, 32); // block align
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, DATA_SIZE_OFFSET);
  return h;
}

/** What {@link WavWriter.create} needs. */
export interface WavWriterOptions {
  readonly rateHz: number;
  readonly channels: 1 | 2;
  /** Called once when the file fails; nothing more is written after it. */
  readonly onFailure: (failure: WavFailure, err: NodeJS.ErrnoException | undefined) => void;
}

/**
 * One WAV file being written.
 * @example
 * const wav = await WavWriter.create('/var/spool/gag/x.wav', { rateHz: 16_000, channels: 2, onFailure });
 * wav.append(stereoBytes);
 * await wav.close();
 */
export class WavWriter {
  readonly #fh: FileHandle;
  readonly #options: WavWriterOptions;
  #dataBytes = 0;
  #queuedBytes = 0;
  #chain: Promise<void> = Promise.resolve();
  #failed = false;
  #closing: Promise<void> | undefined;
  #headerAtMs = Date.now();

  private constructor(fh: FileHandle, options: WavWriterOptions) {
    this.#fh = fh;
    this.#options = options;
  }

  /**
   * Create `path` (never overwriting a file) with its header.
   * @throws the file system's error (`EEXIST`, `ENOENT`, `EACCES`, `ENOSPC`…) when it cannot.
   */
  static async create(path: string, options: WavWriterOptions): Promise<WavWriter> {
    const fh = await open(path, 'wx', 0o640);
    try {
      await fh.write(wavHeader(options.rateHz, options.channels, 0), 0, WAV_HEADER_BYTES, 0);
    } catch (e) {
      await fh.close();
      throw e;
    }
    return new WavWriter(fh, options);
  }

  /** Audio bytes written so far (not counting those still queued). */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** Queue `bytes` at the end of the file; ignored once the file failed or closes. */
  append(bytes: Buffer): void {
    if (this.#failed || this.#closing !== undefined) return;
    if (this.#queuedBytes + bytes.length > MAX_QUEUED_BYTES) return this.#fail('too_slow', undefined);
    this.#queuedBytes += bytes.length;
    this.#chain = this.#chain.then(async () => {
      if (this.#failed) return;
      try {
        await this.#fh.write(bytes, 0, bytes.length, WAV_HEADER_BYTES + this.#dataBytes);
        this.#dataBytes += bytes.length;
        if (Date.now() - this.#headerAtMs >= HEADER_UPDATE_MS) await this.#writeSizes();
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        this.#fail(err.code === 'ENOSPC' || err.code === 'EDQUOT' || err.code === 'EFBIG' ? 'disk_full' : 'write_error', err);
      } finally {
        this.#queuedBytes -= bytes.length;
      }
    });
  }

  /** Write what is queued, the final sizes, and close the file. Never rejects. */
  close(): Promise<void> {
    this.#closing ??= this.#chain.then(async () => {
      try {
        if (!this.#failed) await this.#writeSizes();
      } catch {
        // The data is on disk; only the sizes are stale, which a reader repairs.
      }
      await this.#fh.close().catch(() => undefined);
    });
    return this.#closing;
  }

  async #writeSizes(): Promise<void> {
    this.#headerAtMs = Date.now();
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(WAV_HEADER_BYTES - 8 + this.#dataBytes);
    await this.#fh.write(sizes, 0, 4, RIFF_SIZE_OFFSET);
    sizes.writeUInt32LE(this.#dataBytes);
    await this.#fh.write(sizes, 0, 4, DATA_SIZE_OFFSET);
  }

  #fail(failure: WavFailure, err: NodeJS.ErrnoException | undefined): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#options.onFailure(failure, err);
  }
}
