/**
 * The gateway's recordings: which answered calls the config records (all, by extension, by
 * group), start, stop, pause and resume on a live call (operations API), and the folder's
 * finished files (list, read, delete). Counts what it does in `/metrics`.
 * @packageDocumentation
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Counter, Gauge, type Registry as PromRegistry } from '../prom-classes.js';
import type { CallState } from '@gag/sdk/protocol';
import type { Call } from '../calls/call.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { rulesName } from './call-rules.js';
import { Recording, type RecordingMeta, type RecordingReason } from './recording.js';
import type { WavFailure } from './wav-writer.js';

/** A recording id as the files are named: the start time and a UUID (nothing that walks out of the folder). */
export const RECORDING_ID = /^\d{8}T\d{6}-[0-9a-f-]{36}$/;

/** Why a recording could not start (the API's error codes). */
export type StartRefusal = 'not_enabled' | 'not_talking' | 'already_recording' | 'write_failed';

/** What the recordings read. */
export interface RecordingsOptions {
  readonly config: () => GatewayConfig;
  readonly log: Logger;
  /** Where the recording metrics are registered (the gateway's own prom-client registry). */
  readonly prom: PromRegistry;
}

/**
 * Every recording of one gateway.
 * @example
 * const recordings = new Recordings({ config: () => current.config, log, prom });
 * activity.on('call', (call, previous) => recordings.onCall(call, previous));
 */
export class Recordings {
  readonly #options: RecordingsOptions;
  readonly #live = new Map<string, Recording>();
  /** Calls whose recording is being created (the files are not open yet). */
  readonly #starting = new Set<string>();
  readonly #finishing = new Set<Promise<void>>();
  readonly #started: Counter<'reason'>;
  readonly #failures: Counter<'failure'>;

  constructor(options: RecordingsOptions) {
    this.#options = options;
    const registers = [options.prom];
    this.#started = new Counter({ name: 'gag_recordings_started_total', help: 'Recordings started, by why (rule, claim, api).', labelNames: ['reason'] as const, registers });
    this.#failures = new Counter({
      name: 'gag_recording_failures_total',
      help: 'Recordings stopped because their file could not be written (disk_full, write_error, too_slow) or created (create_error); the call went on.',
      labelNames: ['failure'] as const,
      registers,
    });
    const live = this.#live;
    new Gauge({ name: 'gag_recordings_active', help: 'Calls being recorded now (paused ones included).', registers, collect() { this.set(live.size); } });
  }

  /** A call changed state: an answered call the rules name, or whose agent's token asks for it (`gag_record`), is recorded. */
  onCall(call: Call, previous: CallState): void {
    if (call.state !== 'talking' || previous === 'talking') return;
    if (this.#ruleRecords(call)) void this.start(call, 'rule');
    else if (call.talkingWith?.claims.record === true && this.#options.config().recording_dir !== undefined) void this.start(call, 'claim');
  }

  /** The recording of a live call, if any. */
  of(callId: string): Recording | undefined {
    return this.#live.get(callId);
  }

  /** Record `call` from now on. */
  async start(call: Call, reason: RecordingReason): Promise<{ ok: true; recording: Recording } | { ok: false; refusal: StartRefusal }> {
    const dir = this.#options.config().recording_dir;
    if (dir === undefined) return { ok: false, refusal: 'not_enabled' };
    if (call.state !== 'talking') return { ok: false, refusal: 'not_talking' };
    if (this.#live.has(call.id) || this.#starting.has(call.id)) return { ok: false, refusal: 'already_recording' };
    this.#starting.add(call.id);
    const log = this.#options.log.child({ callId: call.id });
    try {
      const recording = await Recording.start(call, {
        dir,
        reason,
        log,
        onFailure: (failure: WavFailure) => this.#failures.inc({ failure }),
        onDone: (r) => {
          if (this.#live.get(call.id) === r) this.#live.delete(call.id);
        },
      });
      if (recording.status === 'recording') this.#live.set(call.id, recording);
      this.#track(recording.finished);
      this.#started.inc({ reason });
      return { ok: true, recording };
    } catch (err) {
      this.#failures.inc({ failure: 'create_error' });
      log.error({ err, dir }, 'recording not started: its file could not be created; the call goes on');
      return { ok: false, refusal: 'write_failed' };
    } finally {
      this.#starting.delete(call.id);
    }
  }

  /** Stop the recording of a live call; false when there is none. */
  async stop(callId: string): Promise<boolean> {
    const recording = this.#live.get(callId);
    if (recording === undefined) return false;
    this.#live.delete(callId);
    await recording.stop();
    return true;
  }

  /** The finished and live recordings of the folder, newest first, as their sidecars say. */
  async list(): Promise<RecordingMeta[]> {
    const dir = this.#options.config().recording_dir;
    if (dir === undefined) return [];
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && RECORDING_ID.test(n.slice(0, -5)));
    const metas = await Promise.all(names.map((n) => this.get(n.slice(0, -5))));
    return metas.filter((m): m is RecordingMeta => m !== undefined).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** One recording's sidecar (live ones from memory); undefined when there is none. */
  async get(id: string): Promise<RecordingMeta | undefined> {
    const dir = this.#options.config().recording_dir;
    if (dir === undefined || !RECORDING_ID.test(id)) return undefined;
    for (const r of this.#live.values()) if (r.id === id) return r.meta;
    try {
      return JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as RecordingMeta;
    } catch {
      return undefined;
    }
  }

  /** The WAV file of a recording (checked id), or undefined. */
  wavPathOf(id: string): string | undefined {
    const dir = this.#options.config().recording_dir;
    return dir === undefined || !RECORDING_ID.test(id) ? undefined : join(dir, `${id}.wav`);
  }

  /** Delete a finished recording's two files: `live` when it is still being recorded, `gone` when there is none. */
  async delete(id: string): Promise<'ok' | 'live' | 'gone'> {
    const wav = this.wavPathOf(id);
    if (wav === undefined) return 'gone';
    for (const r of this.#live.values()) if (r.id === id) return 'live';
    const results = await Promise.allSettled([unlink(wav), unlink(`${wav.slice(0, -4)}.json`)]);
    return results.some((r) => r.status === 'fulfilled') ? 'ok' : 'gone';
  }

  /** Wait for every recording to finish its files (after the calls ended, at shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.#finishing]);
  }

  #track(done: Promise<void>): void {
    this.#finishing.add(done);
    void done.finally(() => this.#finishing.delete(done));
  }

  #ruleRecords(call: Call): boolean {
    const c = this.#options.config();
    if (c.recording_dir === undefined) return false;
    return rulesName({ all: c.record_all_calls, extensions: c.record_extensions, groups: c.record_groups }, call);
  }
}
