/**
 * What the browser bench records through a call besides its windows (issue 22): the page's main
 * thread timestamps every audio message from the gateway as it hands it to the playback worklet
 * (a late or bunched hand-off is what runs the jitter buffer dry), and the call's own `quality`
 * events (every 2 s) give the playout depth, target and underruns over the whole call. Neither
 * adds work to the page beyond a push per message: the quality events are emitted anyway.
 * @packageDocumentation
 */

/** Page init script: before the page's own scripts, wrap WebSocket so each binary message's arrival (performance.now()) is kept. */
export const TRACE_DOWNLINK_INIT = `(() => {
  const times = [];
  window.__gagDownlink = times;
  const Base = window.WebSocket;
  window.WebSocket = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => { if (typeof e.data !== 'string') times.push(performance.now()); });
    }
  };
})()`;

/** In the page, once the call is up: keep each `quality` event. Returns the page's clock, the trace's origin. */
export const TRACE_QUALITY = `(() => {
  const call = document.querySelector('gag-phone').activeCall;
  const reports = [];
  window.__gagQuality = reports;
  call.on('quality', (q) => reports.push({ atMs: performance.now(), depthMs: q.depthMs, targetMs: q.targetMs, underruns: q.underruns }));
  return performance.now();
})()`;

/** In the page: the page's clock now (to mark a phase's end on the same clock as the trace). */
export const PAGE_NOW = 'performance.now()';

/** In the page, at the end: both traces. */
export const READ_TRACE = '({ downlink: window.__gagDownlink ?? [], quality: window.__gagQuality ?? [] })';

export interface RawTrace {
  readonly downlink: readonly number[];
  readonly quality: ReadonlyArray<{ atMs: number; depthMs: number; targetMs: number; underruns: number }>;
}

/** The phases of the bench's call, on the page's clock. */
export interface CallPhases {
  /** The call shows "In call" (the trace's origin). */
  readonly inCallMs: number;
  readonly warmUpEndMs: number;
  readonly cpuEndMs: number;
  readonly latencyStartMs: number;
  readonly latencyEndMs: number;
}

/** Downlink hand-offs in one phase: the largest gap between audio messages (20 ms when steady), and how many gaps were 60 ms or more. */
export interface HandOffGaps {
  readonly maxGapMs: number;
  /** When the largest gap ended, s after "In call". */
  readonly maxGapAtS: number;
  readonly gapsOver60Ms: number;
  readonly messages: number;
}

export interface CallTrace {
  readonly handOffs: { readonly start: HandOffGaps; readonly cpuWindow: HandOffGaps; readonly beforeLatency: HandOffGaps; readonly latencyWindow: HandOffGaps };
  /** The quality events, seconds after "In call": depth, target (ms) and underruns since the answer. */
  readonly playout: ReadonlyArray<{ readonly atS: number; readonly depthMs: number; readonly targetMs: number; readonly underruns: number }>;
}

const LONG_GAP_MS = 60;

function gaps(times: readonly number[], fromMs: number, toMs: number, originMs: number): HandOffGaps {
  let maxGapMs = 0;
  let maxGapAtS = NaN;
  let gapsOver60Ms = 0;
  let messages = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] ?? 0;
    if (t < fromMs || t >= toMs) continue;
    messages++;
    const previous = times[i - 1];
    if (previous === undefined || previous < fromMs) continue;
    const gap = t - previous;
    if (gap > maxGapMs) {
      maxGapMs = gap;
      maxGapAtS = (t - originMs) / 1000;
    }
    if (gap >= LONG_GAP_MS) gapsOver60Ms++;
  }
  return { maxGapMs, maxGapAtS, gapsOver60Ms, messages };
}

/** Summarise the raw traces by phase. The start runs from the first audio message to the end of the warm-up. */
export function summariseTrace(raw: RawTrace, phases: CallPhases): CallTrace {
  const first = raw.downlink[0] ?? phases.inCallMs;
  return {
    handOffs: {
      start: gaps(raw.downlink, Math.min(first, phases.inCallMs), phases.warmUpEndMs, phases.inCallMs),
      cpuWindow: gaps(raw.downlink, phases.warmUpEndMs, phases.cpuEndMs, phases.inCallMs),
      beforeLatency: gaps(raw.downlink, phases.cpuEndMs, phases.latencyStartMs, phases.inCallMs),
      latencyWindow: gaps(raw.downlink, phases.latencyStartMs, phases.latencyEndMs, phases.inCallMs),
    },
    playout: raw.quality.map((q) => ({ atS: (q.atMs - phases.inCallMs) / 1000, depthMs: q.depthMs, targetMs: q.targetMs, underruns: q.underruns })),
  };
}

/** One line for the report: the hand-offs by phase and the playout every 2 s. */
export function describeTrace(trace: CallTrace): string[] {
  const h = trace.handOffs;
  const phase = (name: string, g: HandOffGaps): string =>
    `${name} max ${g.maxGapMs.toFixed(0)} ms at ${g.maxGapAtS.toFixed(1)} s (${g.gapsOver60Ms} ≥ ${LONG_GAP_MS} ms, ${g.messages} messages)`;
  return [
    `Downlink hand-offs on the page's main thread (gap between audio messages, 20 ms when steady; s after "In call"): ${phase('start (first message → end of warm-up)', h.start)}; ` +
      `${phase('CPU window', h.cpuWindow)}; ${phase('echo restart + detector', h.beforeLatency)}; ${phase('latency window', h.latencyWindow)}.`,
    `Playout through the call (quality events, s after "In call": depth/target ms, underruns): ` +
      (trace.playout.map((p) => `${p.atS.toFixed(1)} s ${p.depthMs.toFixed(0)}/${p.targetMs.toFixed(0)} (${p.underruns})`).join(', ') || 'none'),
  ];
}
