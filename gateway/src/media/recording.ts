/**
 * One recording of one call: both tracks from the call's tap into a stereo WAV (caller left,
 * agent right, the call's rate) beside a JSON sidecar of the call's metadata. Pause writes
 * silence (the timeline goes on, so the span shows), a write error or a full disk stops the
 * recording and never the call. The agent's phone is told each change (recording-notice.ts).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Call } from '../calls/call.js';
import type { TapListener, Track } from '../calls/call-tap.js';
import type { Logger } from '../log.js';
import { callMetadata, type CallMetadata } from './call-metadata.js';
import { tellRecordingState } from './recording-notice.js';
import { STEREO_FRAME_BYTES, StereoMixer } from './stereo-mixer.js';
import { WavWriter, type WavFailure } from './wav-writer.js';

/** Why a call is recorded: a config rule, the agent's token, or the operations API. */
export type RecordingReason = 'rule' | 'claim' | 'api';
/** Where a recording is. */
export type RecordingStatus = 'recording' | 'paused' | 'complete' | 'failed';
/** How far one track may run ahead of the other before the other is padded with silence. */
const MAX_SKEW_MS = 200;
/** Audio gathered before one write to the disk. */
const WRITE_EVERY_MS = 200;

/**
 * A recording's sidecar (`<id>.json`), also what the operations API shows.
 * @example const { recordings } = (await (await fetch(`${base}/api/recordings`, { headers })).json()) as { recordings: RecordingMeta[] };
 */
export interface RecordingMeta extends CallMetadata {
  readonly id: string;
  /** The call's codec; the WAV is 16-bit PCM at its rate. */
  readonly format: string;
  readonly rateHz: number;
  /** Left channel, right channel. */
  readonly channels: readonly ['caller', 'agent'];
  readonly reason: RecordingReason;
  /** When the recording began, ISO 8601. */
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** Audio in the file, ms. */
  readonly durationMs: number;
  readonly status: RecordingStatus;
  /** Set when `status` is `failed`. */
  readonly failure: WavFailure | null;
  /** Silent spans, ms from the start of the file; `toMs` null while paused. */
  readonly pauses: readonly { readonly fromMs: number; readonly toMs: number | null }[];
}

/** What a recording needs besides its call. */
export interface RecordingOptions {
  readonly dir: string;
  readonly reason: RecordingReason;
  readonly log: Logger;
  /** Once, when the recording is over (complete or failed) and its files are written. */
  readonly onDone: (recording: Recording) => void;
  /** Once, when the file failed (before `onDone`). */
  readonly onFailure: (failure: WavFailure) => void;
}

/**
 * A call being recorded.
 * @example
 * const recording = await Recording.start(call, { dir, reason: 'api', log, onDone, onFailure });
 * recording.pause(); recording.resume(); await recording.stop();
 */
export class Recording implements TapListener {
  readonly id: string;
  readonly wavPath: string;
  readonly jsonPath: string;
  readonly #call: Call;
  readonly #mixer: StereoMixer;
  readonly #options: RecordingOptions;
  readonly #log: Logger;
  readonly #startedAt = new Date();
  #wav!: WavWriter;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #samplesOut = 0;
  #paused = false;
  readonly #pauses: { fromMs: number; toMs: number | null }[] = [];
  #status: RecordingStatus = 'recording';
  #failure: WavFailure | null = null;
  #endedAt: Date | null = null;
  #done: Promise<void> | undefined;
  #sidecar: Promise<void> = Promise.resolve();
  #markFinished!: () => void;
  /** Resolves once the recording is over and its files are complete (it never rejects). */
  readonly finished = new Promise<void>((resolve) => (this.#markFinished = resolve));

  private constructor(call: Call, options: RecordingOptions) {
    this.id = `${this.#startedAt.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomUUID()}`;
    this.wavPath = join(options.dir, `${this.id}.wav`);
    this.jsonPath = join(options.dir, `${this.id}.json`);
    this.#call = call;
    this.#options = options;
    this.#mixer = new StereoMixer(call.format, MAX_SKEW_MS);
    this.#log = options.log.child({ recordingId: this.id });
  }

  /**
   * Create the files and start hearing `call`.
   * @throws the file system's error when the WAV or its sidecar cannot be created.
   */
  static async start(call: Call, options: RecordingOptions): Promise<Recording> {
    const r = new Recording(call, options);
    r.#wav = await WavWriter.create(r.wavPath, { rateHz: r.#mixer.rateHz, channels: 2, onFailure: (f, err) => r.#failed(f, err) });
    await r.#writeSidecar();
    if (!call.tap.attach(r)) r.end(); // the call ended meanwhile
    else {
      r.#log.info({ reason: options.reason, file: r.wavPath }, 'recording started');
      tellRecordingState(call, 'on');
    }
    return r;
  }

  get status(): RecordingStatus {
    return this.#status;
  }

  get meta(): RecordingMeta {
    const call = this.#call;
    return {
      id: this.id,
      ...callMetadata(call),
      format: call.format,
      rateHz: this.#mixer.rateHz,
      channels: ['caller', 'agent'],
      reason: this.#options.reason,
      startedAt: this.#startedAt.toISOString(),
      endedAt: this.#endedAt?.toISOString() ?? null,
      durationMs: Math.round((this.#samplesOut * 1000) / this.#mixer.rateHz),
      status: this.#status,
      failure: this.#failure,
      pauses: this.#pauses.map((p) => ({ ...p })),
    };
  }

  /** Write silence instead of the call's audio until {@link Recording.resume}; false when not recording. */
  pause(): boolean {
    if (this.#status !== 'recording') return false;
    this.#paused = true;
    this.#status = 'paused';
    this.#pauses.push({ fromMs: this.meta.durationMs, toMs: null });
    this.#log.info('recording paused');
    tellRecordingState(this.#call, 'paused');
    void this.#writeSidecar().catch(() => undefined);
    return true;
  }

  /** Record the call's audio again; false when not paused. */
  resume(): boolean {
    if (this.#status !== 'paused') return false;
    this.#paused = false;
    this.#status = 'recording';
    const last = this.#pauses[this.#pauses.length - 1];
    if (last !== undefined) last.toMs = this.meta.durationMs;
    this.#log.info('recording resumed');
    tellRecordingState(this.#call, 'on');
    void this.#writeSidecar().catch(() => undefined);
    return true;
  }

  /** Stop recording (the call goes on); resolves once the files are complete. */
  stop(): Promise<void> {
    this.#call.tap.detach(this); // runs end()
    return this.end();
  }

  /** @internal From the call's tap. */
  audio(track: Track, frames: Buffer): void {
    const out = this.#mixer.push(track, frames, this.#paused);
    if (out !== undefined) this.#collect(out);
  }

  /**
   * @internal From the call's tap: the call ended or the recording was detached (stopped through
   * the API, or its file failed); in a call that goes on, the agent is told it is off.
   */
  end(): Promise<void> {
    if (this.#done === undefined) {
      tellRecordingState(this.#call, 'off');
      this.#done = this.#finish();
    }
    return this.#done;
  }

  async #finish(): Promise<void> {
    const rest = this.#mixer.flush();
    if (rest !== undefined) this.#collect(rest);
    this.#write();
    await this.#wav.close();
    this.#endedAt = new Date();
    const last = this.#pauses[this.#pauses.length - 1];
    if (last !== undefined && last.toMs === null) last.toMs = this.meta.durationMs;
    if (this.#status !== 'failed') this.#status = 'complete';
    await this.#writeSidecar().catch((err: unknown) => this.#log.error({ err }, 'recording sidecar not written'));
    this.#log.info({ status: this.#status, durationMs: this.meta.durationMs, bytes: this.#wav.dataBytes }, 'recording ended');
    this.#options.onDone(this);
    this.#markFinished();
  }

  #collect(bytes: Buffer): void {
    this.#samplesOut += bytes.length / STEREO_FRAME_BYTES;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= (WRITE_EVERY_MS * this.#mixer.rateHz * STEREO_FRAME_BYTES) / 1000) this.#write();
  }

  #write(): void {
    if (this.#pending.length === 0) return;
    this.#wav.append(this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #failed(failure: WavFailure, err: NodeJS.ErrnoException | undefined): void {
    this.#status = 'failed';
    this.#failure = failure;
    this.#log.error({ failure, code: err?.code, file: this.wavPath }, 'recording stopped: the file could not be written; the call goes on');
    this.#options.onFailure(failure);
    this.#call.tap.detach(this);
  }

  /** The sidecar, replaced whole (a reader never sees half of it); one write at a time, in order. */
  #writeSidecar(): Promise<void> {
    const text = `${JSON.stringify(this.meta, null, 2)}\n`;
    const tmp = `${this.jsonPath}.tmp`;
    const write = this.#sidecar.then(async () => {
      await writeFile(tmp, text, { mode: 0o640 });
      await rename(tmp, this.jsonPath);
    });
    this.#sidecar = write.catch(() => undefined);
    return write;
  }
}
