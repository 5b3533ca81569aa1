/**
 * What the fork-and-record variants of the relay bench add (issue 20): the gateway records every
 * call into a temporary folder, or forks every call to a sink in its own process
 * (`fork-sink.ts`, binary or Twilio JSON). The probe gives the gateway its config keys, then
 * reads, at the window's edges and after teardown, what reached the disk or the sink and the
 * gateway's own fork and recording counters (`/metrics`), so that a fork or a recording that
 * silently drops shows in the figures.
 * @packageDocumentation
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './bounded.js';
import { ForkSink, type ForkSinkCounts } from './fork-sink.js';
import { readProc, type ProcSample } from './proc-stats.js';

/**
 * What a variant does with every call besides relaying it.
 * @example const kind: MediaKind = VARIANTS['gag-wss-20-fork']!.media!; // 'fork-binary'
 */
export type MediaKind = 'record' | 'fork-binary' | 'fork-twilio';

/** As long as the bench waits for the gateway over IPC: a gateway this late is overloaded, and the figures say so (NaN), not a crash. */
const METRICS_TIMEOUT_MS = 15_000;
const FINISH_MAX_MS = 10_000;
const FINISH_POLL_MS = 100;

/**
 * The figures of one fork-and-record run (`RelayResult.media`).
 * @example const lost = r.media?.fork?.sink.sequenceGaps; const bytesPerS = r.media?.record?.diskBytesPerCallSecond;
 */
export interface MediaFigures {
  readonly kind: MediaKind;
  /** The probe's own window (its edges a few ms from the CPU window's), ms. */
  readonly windowMs: number;
  /** Calls established in the run. */
  readonly calls: number;
  readonly record?: {
    /** Bytes the recordings' files grew by in the window. */
    readonly diskBytesInWindow: number;
    readonly diskBytesPerCallSecond: number;
    /** Files in the folder after teardown (a WAV and a sidecar per call), and their bytes. */
    readonly files: number;
    readonly totalBytes: number;
    readonly started: number;
    /** `gag_recording_failures_total` by failure (disk_full, write_error, too_slow, create_error). */
    readonly failures: Readonly<Record<string, number>>;
  };
  readonly fork?: {
    /** What the sink read in the window. */
    readonly sinkMediaFramesInWindow: number;
    /** Frames of the calls the gateway took in the same window, both ways (`gag_audio_frames_total` + `…_dropped_total`): what the forks should carry. */
    readonly callFramesInWindow: number;
    readonly sinkBytesInWindow: number;
    /** The sink process's CPU in the window (% of one core): the service's side, not the gateway's. */
    readonly sinkCpuPercentOfCore: number;
    /** What the sink read over the whole run, after every fork ended. */
    readonly sink: ForkSinkCounts;
    /** The gateway's counters over the whole run (`gag_fork_messages_*_total`, `gag_fork_reconnects_total`). */
    readonly gatewaySent: number;
    readonly gatewayDropped: number;
    readonly gatewayDroppedInWindow: number;
    readonly reconnects: number;
  };
}

/** What the probe reads at each edge of the window. */
interface Edge {
  readonly atMs: number;
  /** Recording: bytes in the folder. */
  readonly disk?: number;
  /** Fork: the sink's counts and CPU, the gateway's fork drops and the calls' frames so far. */
  readonly sink?: ForkSinkCounts;
  readonly sinkProc?: ProcSample;
  readonly dropped: number;
  readonly callFrames: number;
}

/** A counter's value in Prometheus text, summed over its labels (0 when absent; NaN without the text). */
function metricSum(text: string | undefined, name: string): number {
  if (text === undefined) return NaN;
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

/** A counter's value by its one label, e.g. `{ too_slow: 3 }` (empty when absent or without the text). */
function metricByLabel(text: string | undefined, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text?.matchAll(new RegExp(`^${name}\\{\\w+="([^"]*)"\\} ([0-9.e+-]+)$`, 'gm')) ?? []) if (Number(m[2]) > 0) out[m[1]!] = Number(m[2]);
  return out;
}

/** Bytes of every file in `dir`, and how many there are. */
function folderBytes(dir: string): { files: number; bytes: number } {
  let bytes = 0;
  const names = readdirSync(dir);
  for (const name of names) bytes += statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
  return { files: names.length, bytes };
}

/**
 * The side of a fork-and-record run that is not the relay: the recording folder or the fork sink.
 * @example
 * const probe = await MediaProbe.start('fork-binary');
 * const gw = await GatewayHandle.start({ config: { ...probe.config } });
 * probe.attach(`${gw.ready.browserUrl.replace(/^ws/, 'http')}/metrics`);
 * await probe.windowStart(); … await probe.windowEnd(); … (calls hung up) const figures = await probe.finish(calls);
 * await probe.close();
 */
export class MediaProbe {
  readonly kind: MediaKind;
  readonly #dir: string | undefined;
  readonly #sink: ForkSink | undefined;
  #metricsUrl: string | undefined;
  #ca: Buffer | undefined;
  #start: Edge | undefined;
  #end: Edge | undefined;

  private constructor(kind: MediaKind, dir: string | undefined, sink: ForkSink | undefined) {
    this.kind = kind;
    this.#dir = dir;
    this.#sink = sink;
  }

  static async start(kind: MediaKind): Promise<MediaProbe> {
    if (kind === 'record') return new MediaProbe(kind, mkdtempSync(join(tmpdir(), 'gag-bench-rec-')), undefined);
    return new MediaProbe(kind, undefined, await ForkSink.start());
  }

  /** The goastgateway.json keys of the variant: every call recorded, or forked to the sink. */
  get config(): Readonly<Record<string, unknown>> {
    if (this.#dir !== undefined) return { recording_dir: this.#dir, record_all_calls: true };
    return { fork_url: this.#sink!.url, fork_all_calls: true, fork_format: this.kind === 'fork-twilio' ? 'twilio' : 'binary' };
  }

  /** Where the gateway serves `/metrics` (https with `ca` over wss). */
  attach(metricsUrl: string, ca?: Buffer): void {
    this.#metricsUrl = metricsUrl;
    this.#ca = ca;
  }

  async windowStart(): Promise<void> {
    this.#start = await this.#edge();
  }

  async windowEnd(): Promise<void> {
    this.#end = await this.#edge();
  }

  /** After every call was hung up: waits (bounded) for every fork to end at the sink, then the figures. */
  async finish(calls: number): Promise<MediaFigures | undefined> {
    const start = this.#start;
    const end = this.#end;
    if (start === undefined || end === undefined) return undefined;
    const windowMs = end.atMs - start.atMs;
    const perCallSecond = (n: number): number => (calls === 0 ? NaN : n / calls / (windowMs / 1000));
    const base = { kind: this.kind, windowMs, calls };
    const metrics = await this.#metrics();
    if (this.#dir !== undefined) {
      // Every recording closes its file and writes its last sidecar (write, then rename) after its call.
      await until(async () => metricSum(await this.#metrics(), 'gag_recordings_active') === 0, FINISH_MAX_MS, FINISH_POLL_MS);
      const disk = folderBytes(this.#dir);
      const diskBytesInWindow = end.disk! - start.disk!;
      const record = { diskBytesInWindow, diskBytesPerCallSecond: perCallSecond(diskBytesInWindow), files: disk.files, totalBytes: disk.bytes, started: metricSum(metrics, 'gag_recordings_started_total'), failures: metricByLabel(metrics, 'gag_recording_failures_total') };
      return { ...base, record };
    }
    const sink = this.#sink!;
    await until(async () => (await sink.counts()).open === 0, FINISH_MAX_MS, FINISH_POLL_MS);
    const final = await sink.counts();
    const sinkCpuUs = (p: ProcSample | undefined): number => (p === undefined ? NaN : p.cpuUserUs + p.cpuSystemUs);
    const sinkWindowUs = end.sinkProc !== undefined && start.sinkProc !== undefined ? end.sinkProc.atUs - start.sinkProc.atUs : NaN;
    const after = await this.#metrics();
    return {
      ...base,
      fork: {
        sinkMediaFramesInWindow: end.sink!.mediaFrames - start.sink!.mediaFrames,
        callFramesInWindow: end.callFrames - start.callFrames,
        sinkBytesInWindow: end.sink!.bytes - start.sink!.bytes,
        sinkCpuPercentOfCore: ((sinkCpuUs(end.sinkProc) - sinkCpuUs(start.sinkProc)) / sinkWindowUs) * 100,
        sink: final,
        gatewaySent: metricSum(after, 'gag_fork_messages_sent_total'),
        gatewayDropped: metricSum(after, 'gag_fork_messages_dropped_total'),
        gatewayDroppedInWindow: end.dropped - start.dropped,
        reconnects: metricSum(after, 'gag_fork_reconnects_total'),
      },
    };
  }

  /** Remove the recordings, stop the sink. */
  async close(): Promise<void> {
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    await this.#sink?.stop();
  }

  async #edge(): Promise<Edge> {
    const atMs = performance.now();
    if (this.#dir !== undefined) return { atMs, disk: folderBytes(this.#dir).bytes, dropped: 0, callFrames: NaN };
    const sink = this.#sink!;
    const sinkProc = readProc(sink.pid);
    // The gateway first, then the sink, which is behind it by what is in flight between them.
    const metrics = await this.#metrics();
    const counts = await sink.counts();
    const callFrames = metricSum(metrics, 'gag_audio_frames_total') + metricSum(metrics, 'gag_audio_frames_dropped_total');
    return { atMs, sink: counts, sinkProc, dropped: metricSum(metrics, 'gag_fork_messages_dropped_total'), callFrames };
  }

  /** The gateway's `/metrics` text; undefined before {@link attach}, or when it did not answer. */
  #metrics(): Promise<string | undefined> {
    const url = this.#metricsUrl;
    if (url === undefined) return Promise.resolve(undefined);
    return new Promise<string>((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
      };
      const req = url.startsWith('https:') ? httpsGet(url, { ca: this.#ca, timeout: METRICS_TIMEOUT_MS }, onResponse) : httpGet(url, { timeout: METRICS_TIMEOUT_MS }, onResponse);
      req.on('timeout', () => req.destroy(new Error(`no /metrics within ${METRICS_TIMEOUT_MS} ms`))).on('error', reject);
    }).catch((err: unknown) => {
      process.stderr.write(`fork and record: the gateway's /metrics: ${(err as Error).message}\n`);
      return undefined;
    });
  }
}
