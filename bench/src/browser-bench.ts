/**
 * The browser side in real Chromium (Debian's, found as the e2e tests find it; never downloaded),
 * headless, with a fake microphone WAV: the page logs in with `<gag-phone>` from the gateway,
 * answers a call from the e2e fake Asterisk, and the fake Asterisk echoes what it receives.
 *
 * - CPU: Chromium's per-process CPU time (`SystemInfo.getProcessInfo`, browser CDP session) over a
 *   window with the phone idle (logged in, no call) and over a window with the echo call up; the
 *   difference is what one call costs. The page's main-thread busy time (`Performance.getMetrics`
 *   TaskDuration) splits the renderer's figure into main thread and the rest (the audio thread
 *   with both worklets, IO). Before the call, the same audio graph with empty worklets, without
 *   and with the call's port traffic, gives the floor under the audio thread's figure
 *   (browser-graph-floor.ts).
 * - Latency: a detector AudioWorklet of our own in the call's AudioContext, fed from the SDK's two
 *   taps (capture tap: the microphone as it enters the graph; playback tap: what is played out,
 *   after the volume), timestamps each tone onset of the fake microphone at sample accuracy on
 *   the context's clock. Onset at playback − onset at capture = the whole SDK loop (see
 *   LATENCY_INCLUDES in report.ts). The detector only listens (fan-out from the taps).
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mintToken } from '@gag/gateway';
import { FakeAsterisk, echo, type FakeCall } from '@gag/e2e';
import { floatToS16le } from '@gag/e2e/tones';
import { deadline, delay } from './bounded.js';
import { audioThreadMsPerSecond, measureCpu, type CpuWindow } from './chromium-cpu.js';
import { measureGraphFloor } from './browser-graph-floor.js';
export type { CpuWindow } from './chromium-cpu.js';
import { GatewayHandle } from './gateway-handle.js';
import { READ_TRACE, TRACE_DOWNLINK_INIT, TRACE_QUALITY, summariseTrace, type CallTrace, type RawTrace } from './browser-trace.js';
import { summarise, type Summary } from './samples.js';

const EXTENSION = '2001';
const STEP_TIMEOUT_MS = 20_000;
const CLOSE_TIMEOUT_MS = 10_000;
/** The fake microphone: 48 kHz, a tone burst at the start of every period, silence after it. */
const MIC_RATE_HZ = 48_000;
const ONSET_PERIOD_MS = 1_000;
/** One wire frame: the fake Asterisk receives and re-sends 50 a second. */
const FRAME_MS_WIRE = 20;
const BURST_MS = 200;
const BURST_HZ = 1_000;
const BURST_AMPLITUDE = 0.5;
/** Detector: an onset is the first sample ≥ HIGH after at least QUIET_MS below LOW. */
const ONSET_HIGH = 0.1;
const ONSET_LOW = 0.01;
const ONSET_QUIET_MS = 100;
/** A playback onset later than this after its capture onset is not paired (half the period). */
const PAIR_WINDOW_MS = ONSET_PERIOD_MS / 2;
/** After answering, before any window: the jitter buffer settles, AEC converges. */
const CALL_WARMUP_MS = 2_000;
/** After the page shows Ready, before the idle window: parsing, compiling and layout of the load are over. */
const IDLE_SETTLE_MS = 3_000;
/** How often the fake Asterisk's echo queue is sampled during the latency window: prime to its 20 ms tick, so every phase is seen. */
const ECHO_SAMPLE_MS = 37;
/**
 * After the detector's module is loaded, before the echo restarts: the module compiles on the
 * audio thread, which can run the jitter buffer dry once (and hold the page, whose captured frames
 * then reach the echo in a bunch); the buffer keeps the room that stall asked for as long as its
 * arrival window (2 s), then compresses it away.
 */
const DETECTOR_SETTLE_MS = 2_000;
/** After the echo is restarted for the latency window, before the detector is connected. */
const ECHO_RESTART_SETTLE_MS = 1_000;

export interface BrowserBenchOptions {
  /** Length of each CPU window (idle, call). */
  readonly cpuWindowMs: number;
  /** How many tone onsets to time (one per second). */
  readonly onsets: number;
}

export interface BrowserResult {
  readonly chromium: string;
  readonly browserVersion: string;
  readonly cpuIdle: CpuWindow;
  readonly cpuCall: CpuWindow;
  /** Call − idle, ms of CPU per second of call. */
  readonly callCpuMsPerSecond: { readonly renderer: number; readonly rendererOffMainThread: number; readonly mainThread: number; readonly allProcesses: number };
  readonly latency: {
    readonly ms: Summary;
    readonly captureOnsets: number;
    readonly playbackOnsets: number;
    readonly unpaired: number;
    readonly contextRateHz: number;
    readonly baseLatencyMs: number;
    readonly outputLatencyMs: number;
    /** The SDK's jitter buffer at the end of the latency window (stats().playback). */
    readonly jitter: { readonly depthMs: number; readonly targetMs: number; readonly underruns: number; readonly concealedFrames: number; readonly lateFrames: number };
    /** The jitter buffer's depth when the latency window began (`jitter.depthMs` is at its end). */
    readonly depthAtStartMs: number;
    /**
     * Underruns as the call started: from the answer to the end of the warm-up (before the bench
     * measures anything), then during the CPU window (whose CDP samples at its two ends stall the
     * page), and before the latency window (the detector's worklet module compiles on the audio thread).
     */
    readonly underrunsAtStart: number;
    readonly underrunsInCpuWindow: number;
    /** Underruns between the CPU and the latency window (the detector's module loads, the echo restarts). */
    readonly underrunsBeforeWindow: number;
    /** Underruns and concealed frames during the latency window alone. */
    readonly underrunsInWindow: number;
    readonly concealedInWindow: number;
    /** The fake Asterisk's echo queue during the window, frames (each waits for a 20 ms tick): mean and max of samples every 37 ms. */
    readonly echoQueueFrames: { readonly mean: number; readonly max: number };
    /** Mean wait of a frame in that queue by Little's law (mean queue ÷ 50 frames/s): an estimate, not subtracted from `ms`. */
    readonly echoWaitEstimateMs: number;
    readonly echoDroppedFrames: number;
    /** Loudest sample the detector saw at the capture and the playback tap (the tone is at 0.5). */
    readonly peak: readonly [number, number];
  };
  /** Downlink hand-offs by phase and the playout depth every 2 s through the call (browser-trace.ts). */
  readonly trace: CallTrace;
  /** The renderer's audio rendering thread ('Realtime AudioW…': the whole Web Audio graph, both worklets included) in the call window. */
  readonly audioThreadMsPerSecond: number;
  /** The same graph with worklets that do nothing, on the idle page (browser-graph-floor.ts): Chromium's share of the figure above. */
  readonly graphFloor: { readonly window: CpuWindow; readonly audioThreadMsPerSecond: number };
  /** The same, with the call's port traffic (50 captured 640-byte frames a second out, their buffers back four at a time, 50 frames in; all transferred) and nothing done with it. */
  readonly trafficFloor: { readonly window: CpuWindow; readonly audioThreadMsPerSecond: number };
  readonly wallMs: number;
}

interface ChromiumModule {
  findChromium(): string | undefined;
  readonly CHROMIUM_ARGS: readonly string[];
}

/** The fake microphone file: one period = a cosine burst (starts at its peak: a sharp onset), then silence. */
function micWav(): Buffer {
  const period = Math.round((MIC_RATE_HZ * ONSET_PERIOD_MS) / 1000);
  const burst = Math.round((MIC_RATE_HZ * BURST_MS) / 1000);
  const samples = new Float32Array(period * 2);
  const w = (2 * Math.PI * BURST_HZ) / MIC_RATE_HZ;
  for (let p = 0; p < 2; p++) for (let i = 0; i < burst; i++) samples[p * period + i] = BURST_AMPLITUDE * Math.cos(w * i);
  const data = floatToS16le(samples);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(MIC_RATE_HZ, 24);
  header.writeUInt32LE(MIC_RATE_HZ * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** The detector worklet (plain JS, loaded from a Blob URL like the SDK's own). Input 0: capture tap, input 1: playback tap. */
const DETECTOR_SOURCE = `
class GagBenchOnset extends AudioWorkletProcessor {
  constructor() {
    super();
    this.quiet = [0, 0];
    this.peak = [0, 0];
    this.quanta = 0;
    this.armed = [false, false];
    this.minQuiet = Math.round(sampleRate * ${ONSET_QUIET_MS} / 1000);
    this.port.onmessage = () => this.port.postMessage({ type: 'report', peak: this.peak, quanta: this.quanta });
  }
  process(inputs) {
    this.quanta++;
    for (let i = 0; i < 2; i++) {
      const ch = inputs[i] && inputs[i][0];
      if (!ch) continue;
      for (let j = 0; j < ch.length; j++) {
        const a = Math.abs(ch[j]);
        if (a > this.peak[i]) this.peak[i] = a;
        if (a >= ${ONSET_HIGH}) {
          if (this.armed[i]) this.port.postMessage({ input: i, frame: currentFrame + j });
          this.armed[i] = false;
          this.quiet[i] = 0;
        } else if (a < ${ONSET_LOW}) {
          if (++this.quiet[i] >= this.minQuiet) this.armed[i] = true;
        } else this.quiet[i] = 0; // the rising edge itself (smeared by resampling) keeps the arming
      }
    }
    return true;
  }
}
registerProcessor('gag-bench-onset', GagBenchOnset);
`;

/** In the page: load the detector's module into the call's context (compiled on the audio thread). */
const LOAD_DETECTOR = `(async (source) => {
  const audio = document.querySelector('gag-phone')?.activeCall?.audio;
  if (audio === undefined) throw new Error('no call audio');
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try { await audio.diagnostics.capture.context.audioWorklet.addModule(url); } finally { URL.revokeObjectURL(url); }
})(${JSON.stringify(DETECTOR_SOURCE)})`;

/** In the page: attach the detector (loaded) to the active call's taps. Returns the context's figures. */
const INSTALL_DETECTOR = `(async () => {
  const audio = document.querySelector('gag-phone').activeCall.audio;
  const ctx = audio.diagnostics.capture.context;
  const node = new AudioWorkletNode(ctx, 'gag-bench-onset', { numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit' });
  audio.diagnostics.capture.connect(node, 0, 0);
  audio.diagnostics.playback.connect(node, 0, 1);
  node.connect(new GainNode(ctx, { gain: 0 })).connect(ctx.destination);
  const onsets = [];
  node.port.onmessage = (e) => onsets.push(e.data);
  window.__gagBench = { onsets, node };
  const stats = await audio.stats();
  return { playback: stats.playback, rateHz: ctx.sampleRate, baseLatencyS: ctx.baseLatency ?? 0, outputLatencyS: ctx.outputLatency ?? 0, pageNowMs: performance.now() };
})()`;

/** The SDK's playout counters now (stats().playback), and the page's clock. */
const READ_PLAYOUT = `(async () => ({ ...(await document.querySelector('gag-phone').activeCall.audio.stats()).playback, pageNowMs: performance.now() }))()`;

const READ_ONSETS = `(async () => {
  const b = window.__gagBench;
  const report = await new Promise((resolve) => {
    b.node.port.onmessage = (e) => { if (e.data.type === 'report') resolve(e.data); else b.onsets.push(e.data); };
    b.node.port.postMessage('report');
  });
  b.node.port.onmessage = null;
  b.node.disconnect();
  const stats = await document.querySelector('gag-phone').activeCall.audio.stats();
  return { onsets: b.onsets, peak: report.peak, quanta: report.quanta, playback: stats.playback, pageNowMs: performance.now() };
})()`;

/** Pair each capture onset with the first playback onset after it (within the pair window). */
function pairOnsets(onsets: ReadonlyArray<{ input: number; frame: number }>, rateHz: number): { latencies: number[]; capture: number; playback: number } {
  const capture = onsets.filter((o) => o.input === 0).map((o) => o.frame).sort((x, y) => x - y);
  const playback = onsets.filter((o) => o.input === 1).map((o) => o.frame).sort((x, y) => x - y);
  const window = (PAIR_WINDOW_MS / 1000) * rateHz;
  const latencies: number[] = [];
  for (const c of capture) {
    const p = playback.find((f) => f > c && f - c < window);
    if (p !== undefined) latencies.push(((p - c) / rateHz) * 1000);
  }
  return { latencies, capture: capture.length, playback: playback.length };
}

function pageHtml(browserUrl: string, token: string): string {
  const gatewayUrl = browserUrl.replace('127.0.0.1', 'localhost');
  const script = new URL(gatewayUrl);
  script.protocol = 'http:';
  script.pathname = '/gag-phone.js';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>GAG bench</title>
<script src="${script.toString()}"></script></head><body>
<gag-phone server="${gatewayUrl}" lang="en"></gag-phone>
<script>document.querySelector('gag-phone').token = ${JSON.stringify(token).replace(/</g, '\\u003c')};</script>
</body></html>`;
}

/** Run the browser benchmark: everything it starts is stopped again, on success or error. */
export async function runBrowser(options: BrowserBenchOptions, progress: (text: string) => void): Promise<BrowserResult> {
  const start = performance.now();
  const chromiumModule = (await import(new URL('../../e2e/scripts/chromium.mjs', import.meta.url).href)) as ChromiumModule;
  const executablePath = chromiumModule.findChromium();
  if (executablePath === undefined) throw new Error('No Chromium: run `node e2e/scripts/chromium.mjs` or set GAG_CHROMIUM');

  const tmp = await mkdtemp(`${tmpdir()}/gag-bench-`);
  let pages: Server | undefined;
  let gateway: GatewayHandle | undefined;
  let asterisk: FakeAsterisk | undefined;
  let browser: Browser | undefined;
  let call: FakeCall | undefined;
  try {
    const wav = `${tmp}/mic.wav`;
    await writeFile(wav, micWav());
    let html = '';
    const server = createServer((_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html));
    pages = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    gateway = await GatewayHandle.start({ extraOrigins: [origin] });
    const token = await mintToken({ secret: gateway.ready.secret, extension: EXTENSION, ttlSeconds: 600 });
    html = pageHtml(gateway.ready.browserUrl, token);
    asterisk = new FakeAsterisk({ url: gateway.ready.asteriskUrl });

    progress(`browser: launching ${executablePath} (headless, fake microphone ${wav})`);
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...chromiumModule.CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
      timeout: STEP_TIMEOUT_MS,
    });
    const browserVersion = browser.version();
    const page: Page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.addInitScript(TRACE_DOWNLINK_INIT);
    await page.goto(`${origin}/`);
    const phone = page.locator('gag-phone');
    await phone.getByText('Ready').waitFor();
    const browserCdp = await browser.newBrowserCDPSession();
    const pageCdp = await page.context().newCDPSession(page);
    await pageCdp.send('Performance.enable');
    await delay(IDLE_SETTLE_MS);

    progress(`browser: CPU with the phone idle (${options.cpuWindowMs} ms)`);
    const cpuIdle = await measureCpu(browserCdp, pageCdp, options.cpuWindowMs);
    progress(`browser: CPU of a call's audio graph with empty worklets, without and with the call's port traffic (2 × ${options.cpuWindowMs} ms)`);
    const graphFloor = await measureGraphFloor(page, browserCdp, pageCdp, options.cpuWindowMs, false);
    const trafficFloor = await measureGraphFloor(page, browserCdp, pageCdp, options.cpuWindowMs, true);

    call = await deadline(asterisk.call(`ws-ext-${EXTENSION}`, { params: { from: '0312345678' } }), STEP_TIMEOUT_MS, 'MEDIA_START');
    await phone.getByRole('button', { name: 'Answer' }).click();
    await deadline(call.answered, STEP_TIMEOUT_MS, 'ANSWER at the fake Asterisk');
    call.play(echo(call, { delayMs: 0 }));
    await phone.getByText('In call').waitFor();
    const inCallMs = (await deadline(page.evaluate(TRACE_QUALITY), STEP_TIMEOUT_MS, 'tracing the quality events')) as number;
    await delay(CALL_WARMUP_MS);
    const atStart = (await deadline(page.evaluate(READ_PLAYOUT), STEP_TIMEOUT_MS, 'reading the playout')) as { underruns: number; pageNowMs: number };

    progress(`browser: CPU with one echo call up (${options.cpuWindowMs} ms)`);
    const cpuCall = await measureCpu(browserCdp, pageCdp, options.cpuWindowMs);
    const afterCpu = (await deadline(page.evaluate(READ_PLAYOUT), STEP_TIMEOUT_MS, 'reading the playout')) as { underruns: number; pageNowMs: number };

    progress(`browser: latency over ${options.onsets} tone onsets`);
    // A fresh echo for the latency window: the fake's echo re-sends one frame per 20 ms tick, so a
    // burst that reached it earlier (call start, an underrun) stays queued for the rest of the
    // call. Its first fill() drops what is older than one frame; what queues up again is reported.
    await deadline(page.evaluate(LOAD_DETECTOR), STEP_TIMEOUT_MS, 'loading the detector');
    await delay(DETECTOR_SETTLE_MS);
    const echoSource = echo(call, { delayMs: 0 });
    call.play(echoSource);
    await delay(ECHO_RESTART_SETTLE_MS);
    const context = (await deadline(page.evaluate(INSTALL_DETECTOR), STEP_TIMEOUT_MS, 'installing the detector')) as {
      rateHz: number;
      baseLatencyS: number;
      outputLatencyS: number;
      playback: { underruns: number; concealedFrames: number; depthMs: number };
      pageNowMs: number;
    };
    // The fake Asterisk's echo queue (frames received, not yet re-sent on its 20 ms tick), sampled through the window.
    const echoQueue: number[] = [];
    const windowEndMs = performance.now() + options.onsets * ONSET_PERIOD_MS + PAIR_WINDOW_MS;
    while (performance.now() < windowEndMs) {
      echoQueue.push(echoSource.queuedFrames);
      await delay(ECHO_SAMPLE_MS);
    }
    const read = (await deadline(page.evaluate(READ_ONSETS), STEP_TIMEOUT_MS, 'reading the onsets')) as {
      onsets: Array<{ input: number; frame: number }>;
      peak: [number, number];
      quanta: number;
      playback: { depthMs: number; targetMs: number; underruns: number; concealedFrames: number; lateFrames: number };
      pageNowMs: number;
    };
    const paired = pairOnsets(read.onsets, context.rateHz);
    const rawTrace = (await deadline(page.evaluate(READ_TRACE), STEP_TIMEOUT_MS, 'reading the trace')) as RawTrace;
    const trace = summariseTrace(rawTrace, {
      inCallMs,
      warmUpEndMs: atStart.pageNowMs,
      cpuEndMs: afterCpu.pageNowMs,
      latencyStartMs: context.pageNowMs,
      latencyEndMs: read.pageNowMs,
    });

    await deadline(call.hangup(), STEP_TIMEOUT_MS, 'hang-up');
    call = undefined;
    const renderer = (w: CpuWindow): number => w.msPerSecondByType['renderer'] ?? 0;
    return {
      chromium: executablePath,
      browserVersion,
      cpuIdle,
      cpuCall,
      callCpuMsPerSecond: {
        renderer: renderer(cpuCall) - renderer(cpuIdle),
        mainThread: cpuCall.mainThreadTaskMsPerSecond - cpuIdle.mainThreadTaskMsPerSecond,
        rendererOffMainThread:
          renderer(cpuCall) - cpuCall.mainThreadTaskMsPerSecond - (renderer(cpuIdle) - cpuIdle.mainThreadTaskMsPerSecond),
        allProcesses: cpuCall.msPerSecondTotal - cpuIdle.msPerSecondTotal,
      },
      latency: {
        ms: summarise(paired.latencies),
        captureOnsets: paired.capture,
        playbackOnsets: paired.playback,
        unpaired: paired.capture - paired.latencies.length,
        contextRateHz: context.rateHz,
        baseLatencyMs: context.baseLatencyS * 1000,
        outputLatencyMs: context.outputLatencyS * 1000,
        jitter: {
          depthMs: read.playback.depthMs,
          targetMs: read.playback.targetMs,
          underruns: read.playback.underruns,
          concealedFrames: read.playback.concealedFrames,
          lateFrames: read.playback.lateFrames,
        },
        depthAtStartMs: context.playback.depthMs,
        underrunsAtStart: atStart.underruns,
        underrunsInCpuWindow: afterCpu.underruns - atStart.underruns,
        underrunsBeforeWindow: context.playback.underruns - afterCpu.underruns,
        underrunsInWindow: read.playback.underruns - context.playback.underruns,
        concealedInWindow: read.playback.concealedFrames - context.playback.concealedFrames,
        echoQueueFrames: { mean: echoQueue.reduce((a, b) => a + b, 0) / Math.max(1, echoQueue.length), max: Math.max(0, ...echoQueue) },
        echoWaitEstimateMs: (echoQueue.reduce((a, b) => a + b, 0) / Math.max(1, echoQueue.length)) * FRAME_MS_WIRE,
        echoDroppedFrames: echoSource.droppedFrames,
        peak: read.peak,
      },
      trace,
      audioThreadMsPerSecond: audioThreadMsPerSecond(cpuCall),
      graphFloor: { window: graphFloor, audioThreadMsPerSecond: audioThreadMsPerSecond(graphFloor) },
      trafficFloor: { window: trafficFloor, audioThreadMsPerSecond: audioThreadMsPerSecond(trafficFloor) },
      wallMs: performance.now() - start,
    };
  } finally {
    if (call !== undefined) await deadline(call.hangup(), CLOSE_TIMEOUT_MS, 'hang-up').catch(() => undefined);
    if (browser !== undefined) await deadline(browser.close(), CLOSE_TIMEOUT_MS, 'closing Chromium').catch(() => undefined);
    if (asterisk !== undefined) await deadline(asterisk.close(), CLOSE_TIMEOUT_MS, 'closing the fake Asterisk').catch(() => undefined);
    if (gateway !== undefined) await gateway.stop().catch(() => gateway?.kill());
    if (pages !== undefined) {
      pages.closeAllConnections();
      pages.close();
    }
    await rm(tmp, { recursive: true, force: true });
  }
}
