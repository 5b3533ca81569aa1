/**
 * The printed tables: one per benchmark, units in the column names, the targets next to the
 * figures. Targets are printed, never asserted: a missed target does not fail the command.
 * @packageDocumentation
 */
import type { BrowserResult } from './browser-bench.js';
import { describeTrace } from './browser-trace.js';
import type { BundleResult } from './bundle-size.js';
import type { ChurnResult } from './churn-bench.js';
import type { ProfileSummary } from './cpu-profile.js';
import type { RelayResult } from './relay-bench.js';
import type { Summary } from './samples.js';
import type { SetupResult } from './setup-bench.js';

/** What the browser bench's SDK-loop latency includes, between its two taps. */
const LATENCY_INCLUDES =
  'capture worklet (resample to 16 kHz, 20 ms framing) → main thread → WebSocket → gateway → fake Asterisk echo ' +
  '(re-sent on its 20 ms pacing tick, 0–20 ms) → gateway → WebSocket → main thread → playback worklet (jitter buffer at its depth, ' +
  'resample to the device rate) → volume → playback tap. Not included: the OS/device input and output latency, Chrome\'s capture-side ' +
  'audio processing before the graph (AEC etc.), and network beyond loopback.';

/** The targets of issue #9 (targets, not assertions). */
export const TARGETS = {
  relayCalls: 1_000,
  relayCpuPercentOfCore: 100,
  relayP99Ms: 2,
  relayLostFrames: 0,
  setupP99Ms: 5,
  rssPerCallBytes: 100_000,
  leftOver: 0,
  /** gag-phone.js gzipped: 25 KB, taken as KiB (25 × 1024 B); the note says where 25,000 B stands too. */
  componentGzipBytes: 25 * 1024,
  /** SDK core (no lit) gzipped: 12 KB, as KiB. */
  sdkCoreGzipBytes: 12 * 1024,
  /** Added latency of the SDK loop, capture tap → playback tap through gateway and echo: p50 and max over a run's onsets (issue 22). */
  loopLatencyMs: 80,
  loopLatencyMaxMs: 100,
} as const;

export const MIB = 1024 * 1024;

export function num(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

const pct = (s: Summary, digits = 2): string => `${num(s.p50, digits)} / ${num(s.p99, digits)} / ${num(s.max, digits)}`;
const pair = (a: number, b: number): string => `${a} / ${b}`;

/** A plain-text table; numeric-looking cells are right-aligned. */
export function table(title: string, headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-–\d.,/ %]+$/;
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [`\n## ${title}`, line(headers), rule, ...rows.map(line)].join('\n');
}

function relayVerdict(r: RelayResult): string {
  const misses: string[] = [];
  const p99 = Math.max(r.toBrowser.latencyMs.p99, r.toAsterisk.latencyMs.p99);
  if (!(p99 <= TARGETS.relayP99Ms)) misses.push('p99');
  if (r.toBrowser.lost + r.toAsterisk.lost > TARGETS.relayLostFrames) misses.push('lost');
  if (!(r.gateway.rssPerCallBytes <= TARGETS.rssPerCallBytes)) misses.push('RSS');
  if (!(r.gateway.cpuPercentOfCore <= TARGETS.relayCpuPercentOfCore)) misses.push('CPU');
  if (r.setupFailures > 0) misses.push('setup');
  return misses.length === 0 ? 'met' : `MISS: ${misses.join(', ')}`;
}

export function relayTable(results: readonly RelayResult[]): string {
  const headers = [
    'relay',
    'calls (N)',
    'setup fail',
    'offered (% of frames)',
    'gw CPU (% of 1 core)',
    'gw CPU (ms/call·s)',
    'gw CPU (µs/frame)',
    'gw RSS (MiB)',
    'RSS/call live / after GC (KB)',
    '→browser p50/p99/max (ms)',
    '→asterisk p50/p99/max (ms)',
    'lost →b / →a (frames)',
    'reordered →b / →a',
    'gw backlog drops (frames)',
    'gen CPU (% of 1 core)',
    'gen lag p99/max (ms), old-gen heap',
    'other procs (% of 1 core)',
    'vs targets',
  ];
  const rows = results.map((r) => [
    r.label,
    String(r.calls),
    String(r.setupFailures),
    num(r.offeredPercent, 0),
    num(r.gateway.cpuPercentOfCore),
    num(r.gateway.cpuMsPerCallSecond, 2),
    num(r.gateway.cpuUsPerRelayedFrame, 1),
    num(r.gateway.rssLoadedBytes / MIB, 1),
    `${num(r.gateway.rssPerCallBytes / 1000, 0)} / ${num(r.gateway.rssPerCallAfterGcBytes / 1000, 0)}`,
    pct(r.toBrowser.latencyMs),
    pct(r.toAsterisk.latencyMs),
    pair(r.toBrowser.lost, r.toAsterisk.lost),
    pair(r.toBrowser.reordered, r.toAsterisk.reordered),
    num(r.gateway.framesDroppedBacklog, 0),
    num(r.generator.cpuPercentOfCore),
    `${num(r.generator.lagMs.p99, 1)} / ${num(r.generator.lagMs.max, 1)}, ${num(r.generator.oldGenerationBytes / MIB, 0)} MiB`,
    num(r.otherPercentOfCore),
    relayVerdict(r),
  ]);
  const notes = [
    `Targets: ${TARGETS.relayCalls} concurrent calls on one core (gw CPU ≤ ${TARGETS.relayCpuPercentOfCore} %), p99 added latency ≤ ${TARGETS.relayP99Ms} ms each way, ` +
      `${TARGETS.relayLostFrames} lost frames, RSS ≤ ${TARGETS.rssPerCallBytes / 1000} KB per call (judged on the live figure).`,
    '- Frames: 640 B every 20 ms from "Asterisk"; from each browser one packet every packet time (20 ms: one frame, 40 ms: two). Figures cover the measurement window only (after the warm-up).',
    '- wss = TLS on the browser leg with a certificate from a CA made for the run (as deployed); ws = plain. The Asterisk leg is ws:// on loopback.',
    '- offered = frames the generator actually sent, % of nominal (N × 2 directions × 50/s); below 100 when it could not keep up.',
    '- latency = one-way, generator send → generator receive through the gateway (loopback, one clock): it includes the generator\'s own receive delay.',
    '- gw = the relay process alone (ours or the bare relay): CPU and RSS from /proc; µs/frame = per 20 ms frame it relayed (either direction).',
    '- RSS/call = (RSS − idle RSS) / N with every call up: while frames flow (live), and after two forced GCs. A call = one browser session + one Asterisk leg.',
    '- gen = this process, the load generator: it sends and receives every frame itself (4 ws messages per call per 20 ms, client masking',
    '  included) on the same 2 cores. gen lag = how late its one shared frame timer ran. When gen CPU nears 100 % or gen lag p99 exceeds a',
    '  few ms, latency and loss include the generator\'s delay, not only the gateway\'s.',
    '  old-gen heap = its V8 heap outside the young generation at the window\'s end: what each of its mark-compacts walks (tens of MiB: long pauses).',
    '- other procs = whole-machine CPU (os.cpus) minus gateway and generator during the window: other work on the same 2 cores.',
  ];
  for (const r of results) {
    const extra: string[] = [];
    if (r.setupErrors.length > 0) extra.push(`setup errors: ${r.setupErrors.join('; ')}`);
    const skipped = r.toBrowser.skippedByGenerator + r.toAsterisk.skippedByGenerator + r.generator.framesSkippedLate;
    if (skipped > 0) extra.push(`generator did not send ${skipped} frames (its sockets backed up or its timer > 200 ms late)`);
    if (r.toBrowser.misrouted + r.toAsterisk.misrouted > 0) extra.push(`MISROUTED frames: ${r.toBrowser.misrouted + r.toAsterisk.misrouted}`);
    if (r.leftAfter.calls + r.leftAfter.sessions > 0) extra.push(`left in gateway after teardown: ${r.leftAfter.calls} calls, ${r.leftAfter.sessions} sessions`);
    const logs = Object.entries(r.gateway.logCounts);
    if (logs.length > 0) extra.push(`gateway log lines: ${logs.map(([m, c]) => `${m} ×${c}`).join(', ')}`);
    extra.push(
      `gw CPU in the kernel ${num(r.gateway.cpuSystemPercentOfCore)} of ${num(r.gateway.cpuPercentOfCore)} %; ` +
        `gw event-loop delay p99/max ${num(r.gateway.loopDelayP99Ms)} / ${num(r.gateway.loopDelayMaxMs)} ms; ` +
        `setup ${num(r.setupWallMs / 1000, 1)} s (incoming p99 ${num(r.setupIncomingMs.p99, 1)} ms at 50 in flight); ` +
        `idle RSS ${num(r.gateway.rssIdleBytes / MIB, 1)} MiB; loaded: V8 heap ${num(r.gateway.heapTotalLoadedBytes / MIB, 1)} MiB ` +
        `(young generation ${num(r.gateway.newSpaceLoadedBytes / MIB, 1)}), external ${num(r.gateway.externalLoadedBytes / MIB, 1)} MiB`,
    );
    notes.push(`${r.label} N=${r.calls}: ${extra.join('; ')}`);
  }
  return `${table('Relay load (each relay in its own process, 640-byte frames every 20 ms both ways)', headers, rows)}\n${notes.join('\n')}`;
}

export function setupTable(r: SetupResult): string {
  const verdict = (s: Summary): string => (s.p99 <= TARGETS.setupP99Ms ? 'met' : 'MISS');
  const rows = [
    ['MEDIA_START sent → incoming at browser', String(r.completed), num(r.incomingMs.p50, 2), num(r.incomingMs.p99, 2), num(r.incomingMs.max, 2), `≤ ${TARGETS.setupP99Ms}`, verdict(r.incomingMs)],
    ['answer sent → ANSWER at Asterisk', String(r.completed), num(r.answerMs.p50, 2), num(r.answerMs.p99, 2), num(r.answerMs.max, 2), `≤ ${TARGETS.setupP99Ms}`, verdict(r.answerMs)],
  ];
  const notes = [
    `${r.calls} calls, ${r.lanes} in flight at a time, each hung up by the caller before its lane's next call; ${r.failures} failures; ` +
      `${num(r.wallMs / 1000, 1)} s wall. Left in the gateway: ${r.leftAfter.calls} calls, ${r.leftAfter.sessions} sessions.`,
  ];
  if (r.errors.length > 0) notes.push(`errors: ${r.errors.join('; ')}`);
  return `${table('Call setup latency', ['hop', 'calls', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'target p99 (ms)', 'vs target'], rows)}\n${notes.join('\n')}`;
}

function resourcesDiff(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): string {
  const kinds = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = kinds.filter((k) => (before[k] ?? 0) !== (after[k] ?? 0)).map((k) => `${k} ${before[k] ?? 0}→${after[k] ?? 0}`);
  return changed.length === 0 ? 'unchanged' : changed.join(', ');
}

export function churnTable(r: ChurnResult): string {
  const mib = (b: number): string => num(b / MIB, 2);
  const rows = r.points.map((p, i) => {
    const prev = i === 0 ? undefined : r.points[i - 1]!;
    const calls = prev === undefined ? 0 : p.afterCalls - prev.afterCalls;
    const per = (now: number, then: number | undefined, unit: number, digits: number): string =>
      then === undefined || calls === 0 ? '' : num((now - then) / calls / unit, digits);
    return [
      String(p.afterCalls),
      String(p.calls),
      String(p.sessions),
      mib(p.rssBytes),
      mib(p.heapUsedBytes),
      per(p.rssBytes, prev?.rssBytes, 1000, 2),
      per(p.heapUsedBytes, prev?.heapUsedBytes, 1, 0),
      i === 0 ? '(idle)' : resourcesDiff(r.points[0]!.activeResources, p.activeResources),
    ];
  });
  const last = r.points.at(-1);
  const leftOk = last !== undefined && last.calls === 0 && last.sessions === 0;
  const headers = [
    'after calls',
    'calls left',
    'sessions left',
    'RSS after GC (MiB)',
    'heap used after GC (MiB)',
    'RSS growth since prev (KB/call)',
    'heap growth since prev (B/call)',
    'active handles vs idle',
  ];
  const notes = [
    `Targets: ${TARGETS.leftOver} calls and ${TARGETS.leftOver} sessions left after churn → ${leftOk ? 'met' : 'MISS'}; ` +
      'no memory growth that follows the number of calls (compare the growth per call between the later checkpoints; the first rows include warm-up: JIT, pools).',
    `${r.completed} of ${r.calls} calls completed (${r.failures} failed) in ${num(r.wallMs / 1000, 1)} s of calling (${num(r.completed / (r.wallMs / 1000), 0)} calls/s); ` +
      `hung up by the caller ${r.hungUpByCaller}, by the browser ${r.hungUpByBrowser}; ${r.sessionsOpened} browser sessions opened and closed ` +
      `(half of them dropped without a close); ${r.callsMissingFrames} calls missed some of their 3 + 3 frames.`,
    'Each checkpoint waits until the gateway holds no call and no session (read over IPC), then forces two GCs (--expose-gc) before reading memory.',
  ];
  if (r.errors.length > 0) notes.push(`errors: ${r.errors.join('; ')}`);
  const logs = Object.entries(r.logCounts);
  if (logs.length > 0) notes.push(`gateway log lines: ${logs.map(([m, c]) => `${m} ×${c}`).join(', ')}`);
  return `${table('Churn (short calls, leaks)', headers, rows)}\n${notes.join('\n')}`;
}

export function profileTable(p: ProfileSummary, relay: RelayResult): string {
  const cats = table(
    `Gateway CPU profile at N=${relay.established}: self time by category (measurement window ${num(p.windowMs / 1000, 1)} s)`,
    ['category', 'self (ms)', 'of busy (%)'],
    p.categories.map((c) => [c.name, num(c.selfMs, 0), num(c.percent, 1)]),
  );
  const top = table('Gateway CPU profile: top self-time functions', ['function', 'category', 'self (ms)', 'of busy (%)'], p.top.map((e) => [e.name, e.category, num(e.selfMs, 0), num(e.percent, 1)]));
  const notes = [
    `Relayed ${relay.gateway.framesRelayed} frames in the window: busy ${num(p.busyUsPerFrame, 1)} µs/frame as sampled ` +
      `(${num(relay.gateway.cpuUsPerRelayedFrame, 1)} µs/frame by process.cpuUsage, kernel time included); ` +
      `the gateway's own code (gateway + sdk + eventemitter3 self time) ${num(p.ownUsPerFrame, 2)} µs/frame.`,
    'The sampled busy time is below process.cpuUsage(): Node marks the isolate idle for libuv\'s whole poll phase, so epoll_wait, the',
    'read(2) of every socket and their kernel TCP work fall under (idle) when no JS is on the stack, and GC helper threads are not',
    'sampled. writev, called from JS, is sampled with its kernel time. Use cpuUsage for totals and the profile for the split of the rest.',
    `Profile: ${p.file} (open in Chrome DevTools → Performance, or speedscope).`,
  ];
  return `${cats}\n${top}\n${notes.join('\n')}`;
}

const kib = (bytes: number): string => num(bytes / 1024, 2);
const under = (value: number, limit: number): string => (value <= limit ? 'met' : 'MISS');

export function browserTable(b: BundleResult | undefined, r: BrowserResult | undefined): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  if (b !== undefined) {
    const w = Object.entries(b.worklets);
    rows.push(
      ['gag-phone.js (lit + SDK + component), gzip -9', kib(b.component.gzipBytes), `${b.component.gzipBytes} B gz, ${b.component.bytes} B raw`, `≤ ${TARGETS.componentGzipBytes / 1024} KiB`, under(b.component.gzipBytes, TARGETS.componentGzipBytes)],
      ...Object.entries(b.componentLater).map(([name, size]) => [`  then, for a call: ${name}, gzip -9`, kib(size.gzipBytes), `${size.gzipBytes} B gz, ${size.bytes} B raw`, '', '']),
      ['SDK core (sdk/src/index.ts, no lit), worklets inlined, gzip -9', kib(b.sdkWithWorklets.gzipBytes), `${b.sdkWithWorklets.gzipBytes} B gz, ${b.sdkWithWorklets.bytes} B raw`, `≤ ${TARGETS.sdkCoreGzipBytes / 1024} KiB`, under(b.sdkWithWorklets.gzipBytes, TARGETS.sdkCoreGzipBytes)],
      ['SDK core without the worklets (each replaced by \'\'), gzip -9', kib(b.sdkWithoutWorklets.gzipBytes), `${b.sdkWithoutWorklets.gzipBytes} B gz, ${b.sdkWithoutWorklets.bytes} B raw`, `≤ ${TARGETS.sdkCoreGzipBytes / 1024} KiB`, under(b.sdkWithoutWorklets.gzipBytes, TARGETS.sdkCoreGzipBytes)],
      ...w.map(([name, size]) => [`  worklet ${name} alone (as inlined), gzip -9`, kib(size.gzipBytes), `${size.gzipBytes} B gz, ${size.bytes} B raw`, '', '']),
    );
    notes.push(
      `Bundles: gag-phone.js freshly built by \`npm run build -w @gag/web-components\`; the SDK core built here with Vite build() in memory (minified ES, one chunk, ` +
        `eventemitter3 and valibot bundled, exports kept). KiB = 1024 B; at 1 KB = 1000 B: gag-phone.js ${b.component.gzipBytes <= 25_000 ? 'within' : 'OVER'} 25,000 B, ` +
        `SDK core ${b.sdkWithWorklets.gzipBytes <= 12_000 ? 'within' : 'OVER'} 12,000 B (${b.sdkWithoutWorklets.gzipBytes <= 12_000 ? 'within' : 'OVER'} without worklets). ` +
        `Inlined as a JSON string inside the SDK, the worklets gzip less well than alone (${b.sdkWithWorklets.gzipBytes - b.sdkWithoutWorklets.gzipBytes} B gz together inside the SDK).`,
    );
  }
  if (r !== undefined) {
    const l = r.latency;
    const ms = l.ms;
    const lat = ms.count === 0 ? 'no onsets' : `${num(ms.p50, 1)} / ${num(ms.max, 1)}`;
    const c = r.callCpuMsPerSecond;
    rows.push(
      [`SDK loop latency p50 / max (ms), ${ms.count} onsets`, lat, `jitter buffer ${num(l.depthAtStartMs, 0)} → ${num(l.jitter.depthMs, 0)} ms deep (target ${num(l.jitter.targetMs, 1)}); fake-Asterisk echo queue ${num(l.echoQueueFrames.mean, 2)} frames (max ${l.echoQueueFrames.max}) ≈ ${num(l.echoWaitEstimateMs, 0)} ms of the figure, not subtracted; underruns ${l.underrunsAtStart} at the start (answer + 2 s), ${l.underrunsInCpuWindow} in the CPU window, ${l.underrunsBeforeWindow} as the detector loads, ${l.underrunsInWindow} in the latency window, ${l.jitter.underruns} in call`, `p50 ≤ ${TARGETS.loopLatencyMs}, max ≤ ${TARGETS.loopLatencyMaxMs} ms`, ms.count === 0 ? 'MISS: not measured' : ms.p50 <= TARGETS.loopLatencyMs && ms.max <= TARGETS.loopLatencyMaxMs ? 'met' : 'MISS'],
      ['audio thread CPU in a call (ms per s of call)', num(r.audioThreadMsPerSecond, 1), 'renderer thread \'Realtime AudioW…\': whole Web Audio graph incl. both worklets', '', ''],
      ['  of it, the same graph with empty worklets (ms/s)', num(r.graphFloor.audioThreadMsPerSecond, 1), 'Chromium\'s share: mic source, taps, gain, destination, two calls into JS per quantum (browser-graph-floor.ts)', '', ''],
      ['  the same + the call\'s port traffic, handlers empty (ms/s)', num(r.trafficFloor.audioThreadMsPerSecond, 1), `50 captured 640 B frames a second out (their buffers back 4 at a time) and 50 in, transferred; the call's figure minus this, ${num(r.audioThreadMsPerSecond - r.trafficFloor.audioThreadMsPerSecond, 1)} ms/s, is our worklets' code`, '', ''],
      ['renderer CPU, call − idle (ms/s)', num(c.renderer, 1), `idle ${num(r.cpuIdle.msPerSecondByType['renderer'] ?? 0, 1)}, call ${num(r.cpuCall.msPerSecondByType['renderer'] ?? 0, 1)}`, '', ''],
      ['page main thread task time, call − idle (ms/s)', num(c.mainThread, 1), `script ${num(r.cpuCall.mainThreadScriptMsPerSecond - r.cpuIdle.mainThreadScriptMsPerSecond, 1)} ms/s of it`, '', ''],
      ['all Chromium processes, call − idle (ms/s)', num(c.allProcesses, 1), 'browser, renderer, GPU, network and audio services', '', ''],
    );
    notes.push(
      `Chromium ${r.browserVersion} (${r.chromium}), headless, fake microphone WAV: a ${'1 kHz'} burst at the start of every second, silence after. AudioContext at ${l.contextRateHz} Hz ` +
        `(baseLatency ${num(l.baseLatencyMs, 1)} ms, outputLatency ${num(l.outputLatencyMs, 1)} ms: device side, not in the figure).`,
      `Latency = tone onset at the SDK's playback tap − onset at its capture tap, timed at sample accuracy on the call's AudioContext clock by a detector worklet of ours ` +
        `fed from both taps; capture onsets ${l.captureOnsets}, playback onsets ${l.playbackOnsets}, unpaired ${l.unpaired}; peaks ${num(l.peak[0], 2)} / ${num(l.peak[1], 2)}. It includes: ${LATENCY_INCLUDES}`,
      '  On a quiet machine the figure barely moves within a run (every clock is steady on loopback) and moves by about 20 ms between runs with the ' +
        'phase of the 20 ms framing against the fake Asterisk\'s 20 ms tick, and with the jitter buffer\'s depth. On a busy machine underruns deepen the ' +
        'jitter buffer and the figure grows with it (see underruns, depth and the machine load below). Nothing is subtracted.',
      `CPU: Chromium's per-process CPU time (CDP SystemInfo.getProcessInfo, 10 ms ticks) and the renderer's threads (/proc, 10 ms ticks) over ${num(r.cpuIdle.wallMs / 1000, 1)} s ` +
        `with the phone idle (logged in) and ${num(r.cpuCall.wallMs / 1000, 1)} s with one echo call up (before the detector is added). ms/s = ms of CPU per second of wall time (10 ms/s = 1 % of a core).`,
      `  renderer threads in the call (ms/s): ${Object.entries(r.cpuCall.rendererThreadsMsPerSecond).map(([n, v]) => `${n} ${num(v, 1)}`).join(', ')}; ` +
        `idle: ${Object.entries(r.cpuIdle.rendererThreadsMsPerSecond).map(([n, v]) => `${n} ${num(v, 1)}`).join(', ')}; ` +
        `the empty graph: ${Object.entries(r.graphFloor.window.rendererThreadsMsPerSecond).map(([n, v]) => `${n} ${num(v, 1)}`).join(', ')} (load ${num(r.graphFloor.window.loadAverage1m, 2)}); ` +
        `with the traffic: ${Object.entries(r.trafficFloor.window.rendererThreadsMsPerSecond).map(([n, v]) => `${n} ${num(v, 1)}`).join(', ')} (load ${num(r.trafficFloor.window.loadAverage1m, 2)}).`,
      `  1-minute load average after the idle / call window: ${num(r.cpuIdle.loadAverage1m, 2)} / ${num(r.cpuCall.loadAverage1m, 2)} (2 cores): ` +
        'when other work shares the cores, underruns deepen the jitter buffer and the latency grows with it.',
      `  processes in the call (ms/s): ${Object.entries(r.cpuCall.msPerSecondByType).map(([n, v]) => `${n} ${num(v, 1)}`).join(', ')}.`,
      ...describeTrace(r.trace),
    );
  }
  if (r !== undefined) {
    notes.push(
      '  The echo-queue wait is Little\'s law on the fake Asterisk\'s queue (mean length sampled every 37 ms × 20 ms per frame): an estimate of what a real Asterisk ' +
        'bridge would replace with its own buffering, shown beside the figure and never subtracted from it.',
    );
  }
  return `${table('Browser side (real Chromium, headless)', ['figure', 'value (KiB / ms / ms·s⁻¹)', 'detail', 'target', 'vs target'], rows)}\n${notes.join('\n')}`;
}
