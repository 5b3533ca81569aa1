/**
 * Relay load at N concurrent calls through one relay variant (relay-target.ts: ours or the bare
 * relay, wss:// or ws:// towards the browsers, gag.v1 or legacy, 20/40/60 ms packets): N browsers
 * logged in, N calls rung and answered, then stamped 640-byte frames every 20 ms from "Asterisk"
 * and one packet every packet time from each browser, for a warm-up and a measurement window.
 * The relay runs in its own process (fresh for each run, so its idle RSS is its own), measured
 * through `/proc`; the load generator is this process.
 * @packageDocumentation
 */
import { FRAME_BYTES, FRAME_MS } from '@gag/sdk/protocol';
import type { AsteriskCall } from './asterisk-call.js';
import { delay, runPool, until } from './bounded.js';
import type { BrowserPhone } from './browser-phone.js';
import { loginLegacyPhone, loginPhone, ringAndAnswer, type AnsweredCall } from './call-flow.js';
import { FrameClock } from './frame-clock.js';
import { DirectionStats, stampFrame } from './frame-stamp.js';
import type { LegacyPhone } from './legacy-phone.js';
import { machineBusyPercentOfCore, machineTimes } from './machine-load.js';
import type { MediaFigures } from './media-targets.js';
import { oldGenerationBytes, readProc, type ProcSample } from './proc-stats.js';
import { startTarget, variantLabel, type RelayVariant, type TargetNeeds } from './relay-target.js';
import { summarise, type Summary } from './samples.js';

export interface RelayOptions {
  readonly calls: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly variant: RelayVariant;
  /** The TLS chain, the bare relay's script and an optional `--cpu-prof` directory for ours. */
  readonly needs: TargetNeeds;
}

export interface DirectionResult {
  readonly latencyMs: Summary;
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly reordered: number;
  readonly misrouted: number;
  /** Not sent: the generator's own socket was backed up. */
  readonly skippedByGenerator: number;
}

export interface RelayResult {
  readonly variant: RelayVariant;
  readonly label: string;
  readonly calls: number;
  readonly established: number;
  readonly setupFailures: number;
  readonly setupErrors: readonly string[];
  readonly setupWallMs: number;
  /** Setup latency while N calls were being set up, 50 at a time (the setup benchmark is the calm one). */
  readonly setupIncomingMs: Summary;
  readonly setupAnswerMs: Summary;
  readonly windowMs: number;
  /** Frames the generator sent in the window, % of N × 2 directions × one per 20 ms. */
  readonly offeredPercent: number;
  /** The relay process (ours or the bare relay); fields from IPC are NaN for the bare relay. */
  readonly gateway: {
    readonly cpuPercentOfCore: number;
    /** The part of cpuPercentOfCore spent in the kernel (system time: socket syscalls, loopback TCP). */
    readonly cpuSystemPercentOfCore: number;
    readonly cpuMsPerCallSecond: number;
    /** CPU per 20 ms frame of audio relayed (a 40 ms packet is two). */
    readonly cpuUsPerRelayedFrame: number;
    /** 20 ms frames that arrived at the generator in the window, both ways. */
    readonly framesRelayed: number;
    readonly framesDroppedBacklog: number;
    readonly rssIdleBytes: number;
    readonly rssLoadedBytes: number;
    readonly rssPerCallBytes: number;
    /** With every call still up, after two forced GCs (garbage of the traffic excluded). */
    readonly rssAfterGcBytes: number;
    readonly rssPerCallAfterGcBytes: number;
    readonly heapUsedAfterGcBytes: number;
    readonly heapUsedLoadedBytes: number;
    /** Ours, while loaded: the V8 heap reserved, its young generation, and external memory (Buffers). */
    readonly heapTotalLoadedBytes: number;
    readonly newSpaceLoadedBytes: number;
    readonly externalLoadedBytes: number;
    readonly loopDelayP99Ms: number;
    readonly loopDelayMaxMs: number;
    readonly logCounts: Readonly<Record<string, number>>;
  };
  /** Asterisk → gateway → browser. */
  readonly toBrowser: DirectionResult;
  /** Browser → gateway → Asterisk. */
  readonly toAsterisk: DirectionResult;
  readonly generator: {
    readonly cpuPercentOfCore: number;
    /** How late the shared frame timer ran its slots. */
    readonly lagMs: Summary;
    readonly framesSkippedLate: number;
    /** Its V8 heap outside the young generation at the window's end (what its mark-compacts walk). */
    readonly oldGenerationBytes: number;
  };
  /** The whole machine during the window, % of one core (all cores busy = cores × 100). */
  readonly machineBusyPercentOfCore: number;
  /** Of that, what neither the gateway nor the generator used (other work on the machine). */
  readonly otherPercentOfCore: number;
  /** Read over IPC after every call was hung up and every browser closed (NaN: the bare relay cannot say). */
  readonly leftAfter: { readonly calls: number; readonly sessions: number };
  /** The gateway process, and the window on its hrtime clock (for cutting its `--cpu-prof` profile). */
  readonly gatewayPid: number | undefined;
  readonly windowHrtimeUs: { readonly start: number; readonly end: number };
  /** A fork-and-record variant: what reached the disk or the fork sink, and the gateway's counters. */
  readonly media?: MediaFigures;
}

const SETUP_CONCURRENCY = 50;
const SETUP_TIMEOUT_MS = 15_000;
const DRAIN_MAX_MS = 5_000;
const DRAIN_POLL_MS = 250;
const TEARDOWN_MAX_MS = 15_000;
const TEARDOWN_POLL_MS = 100;
/** Extensions of the relay run: 10000, 10001, … */
const EXTENSION_BASE = 10_000;

const cpuUs = (s: ProcSample): number => s.cpuUserUs + s.cpuSystemUs;
type LoadPhone = BrowserPhone | LegacyPhone;
const firstDistinct = (errors: readonly Error[], max = 5): string[] => [...new Set(errors.map((e) => e.message))].slice(0, max);

function directionResult(d: DirectionStats): DirectionResult {
  return {
    latencyMs: d.latencyMs.summary(),
    sent: d.sentInWindow,
    received: d.receivedInWindow,
    lost: d.lost,
    reordered: d.reordered,
    misrouted: d.misrouted,
    skippedByGenerator: d.skippedBackpressure,
  };
}

export async function runRelay(options: RelayOptions): Promise<RelayResult> {
  const n = options.calls;
  const { variant } = options;
  const target = await startTarget(variant, options.needs);
  const gw = target.endpoints;
  const phones: LoadPhone[] = [];
  const calls: AsteriskCall[] = [];
  try {
    await target.snapshot(true); // ours: two forced GCs, so that idle is idle
    const idle = readProc(target.pid);
    const extension = (i: number): string => String(EXTENSION_BASE + i);
    const setupStartMs = performance.now();
    const login: (at: typeof gw, extension: string, timeoutMs: number) => Promise<LoadPhone> = variant.protocol === 'legacy' ? loginLegacyPhone : loginPhone;
    const logins = await runPool(n, SETUP_CONCURRENCY, (i) => login(gw, extension(i), SETUP_TIMEOUT_MS));
    for (const p of logins) if (!(p instanceof Error)) phones.push(p);
    const answered = await runPool(n, SETUP_CONCURRENCY, async (i) => {
      const phone = logins[i]!;
      if (phone instanceof Error) throw phone;
      return ringAndAnswer(gw, phone, extension(i), SETUP_TIMEOUT_MS);
    });
    const setupWallMs = performance.now() - setupStartMs;
    const ok: Array<{ index: number; phone: LoadPhone; answered: AnsweredCall }> = [];
    const failures: Error[] = [];
    answered.forEach((r, index) => {
      if (r instanceof Error) return void failures.push(r);
      calls.push(r.call);
      ok.push({ index, phone: logins[index] as LoadPhone, answered: r });
    });

    const expectedPerDirection = (ok.length * options.windowMs) / FRAME_MS;
    const toBrowser = new DirectionStats(n, expectedPerDirection);
    const toAsterisk = new DirectionStats(n, expectedPerDirection);
    const clock = new FrameClock(options.warmupMs + options.windowMs + DRAIN_MAX_MS);
    // One buffer for every send: a client ws copies the payload while masking it (Sender.frame
    // merges a read-only Buffer into a new one), so reusing it cannot corrupt a queued frame.
    const frame = Buffer.alloc(FRAME_BYTES);
    // The browsers send one packet of `framesPerPacket` frames every packet time.
    const framesPerPacket = variant.packetMs / FRAME_MS;
    const packet = Buffer.alloc(FRAME_BYTES * framesPerPacket);
    for (const { index, phone, answered: { call } } of ok) {
      phone.onAudio = (f) => toBrowser.received(f, index, performance.now());
      call.onAudio = (f) => toAsterisk.received(f, index, performance.now());
      let seqToBrowser = 0;
      let seqToAsterisk = 0;
      let tick = 0;
      clock.add(
        {
          sendFrame() {
            let atMs = performance.now();
            stampFrame(frame, seqToBrowser, index, atMs);
            if (call.sendAudio(frame)) {
              seqToBrowser++;
              toBrowser.sent(atMs);
            } else toBrowser.skipped(atMs);
            if (++tick % framesPerPacket !== 0) return;
            atMs = performance.now();
            for (let k = 0; k < framesPerPacket; k++) stampFrame(packet, seqToAsterisk + k, index, atMs, k * FRAME_BYTES);
            const sent = phone.sendAudio(packet);
            for (let k = 0; k < framesPerPacket; k++) {
              if (sent) toAsterisk.sent(atMs);
              else toAsterisk.skipped(atMs);
            }
            if (sent) seqToAsterisk += framesPerPacket;
          },
        },
        index,
      );
    }

    clock.start();
    await delay(options.warmupMs);
    await target.media?.windowStart();
    const before = readProc(target.pid);
    const beforeIpc = await target.snapshot();
    await target.resetLoopDelay();
    const windowStartMs = performance.now();
    for (const d of [toBrowser, toAsterisk]) {
      d.windowStartMs = windowStartMs;
      d.windowEndMs = windowStartMs + options.windowMs;
    }
    clock.resetLag();
    const genCpuBefore = process.cpuUsage();
    const machineBefore = machineTimes();
    await delay(options.windowMs);
    const after = readProc(target.pid);
    const afterIpc = await target.snapshot();
    const genCpu = process.cpuUsage(genCpuBefore);
    const genOldGeneration = oldGenerationBytes();
    const machineBusy = machineBusyPercentOfCore(machineBefore, machineTimes());
    const genElapsedMs = performance.now() - windowStartMs;
    const lagMs = clock.lagMs.summary();
    await target.media?.windowEnd();

    // Frames of the window still on their way: wait until nothing more arrives (bounded). The
    // clock keeps sending meanwhile (its frames fall after the window and are not counted): with
    // 40 or 60 ms packets the gateway holds the window's last frames until the rest of their
    // packet comes, as it would in a call that goes on.
    let lastReceived = -1;
    await until(
      () => {
        const received = toBrowser.receivedInWindow + toAsterisk.receivedInWindow;
        const settled = received === lastReceived || received >= toBrowser.sentInWindow + toAsterisk.sentInWindow;
        lastReceived = received;
        return settled;
      },
      DRAIN_MAX_MS,
      DRAIN_POLL_MS,
    );
    clock.stop();

    const settled = await target.snapshot(true);
    const settledProc = readProc(target.pid);

    // The callers hang up, then the browsers leave: ours must forget them all.
    for (const call of calls) call.hangup();
    await until(async () => ((await target.snapshot())?.calls ?? 0) === 0, TEARDOWN_MAX_MS, TEARDOWN_POLL_MS);
    for (const phone of phones) phone.close();
    await until(async () => ((await target.snapshot())?.sessions ?? 0) === 0, TEARDOWN_MAX_MS, TEARDOWN_POLL_MS);
    const left = await target.snapshot();
    const media = await target.media?.finish(ok.length);

    const elapsedUs = after.atUs - before.atUs;
    const gatewayCpuUs = cpuUs(after) - cpuUs(before);
    const framesRelayed = toBrowser.receivedInWindow + toAsterisk.receivedInWindow;
    const callSeconds = (ok.length * elapsedUs) / 1e6;
    const gatewayPercent = (gatewayCpuUs / elapsedUs) * 100;
    const generatorPercent = ((genCpu.user + genCpu.system) / 1000 / genElapsedMs) * 100;
    const perCall = (bytes: number): number => (ok.length === 0 ? NaN : bytes / ok.length);
    return {
      variant,
      label: variantLabel(variant),
      calls: n,
      established: ok.length,
      setupFailures: failures.length,
      setupErrors: firstDistinct(failures),
      setupWallMs,
      setupIncomingMs: summarise(ok.map((o) => o.answered.incomingMs)),
      setupAnswerMs: summarise(ok.map((o) => o.answered.answerMs)),
      windowMs: elapsedUs / 1000,
      offeredPercent: ok.length === 0 ? NaN : ((toBrowser.sentInWindow + toAsterisk.sentInWindow) / ((2 * ok.length * options.windowMs) / FRAME_MS)) * 100,
      gateway: {
        cpuPercentOfCore: gatewayPercent,
        cpuSystemPercentOfCore: ((after.cpuSystemUs - before.cpuSystemUs) / elapsedUs) * 100,
        cpuMsPerCallSecond: callSeconds === 0 ? NaN : gatewayCpuUs / 1000 / callSeconds,
        cpuUsPerRelayedFrame: framesRelayed === 0 ? NaN : gatewayCpuUs / framesRelayed,
        framesRelayed,
        framesDroppedBacklog: afterIpc === undefined || beforeIpc === undefined ? NaN : afterIpc.sessionFramesDroppedBacklog - beforeIpc.sessionFramesDroppedBacklog,
        rssIdleBytes: idle.rssBytes,
        rssLoadedBytes: after.rssBytes,
        rssPerCallBytes: perCall(after.rssBytes - idle.rssBytes),
        heapUsedLoadedBytes: afterIpc?.heapUsedBytes ?? NaN,
        heapTotalLoadedBytes: afterIpc?.heapTotalBytes ?? NaN,
        newSpaceLoadedBytes: afterIpc?.newSpaceBytes ?? NaN,
        externalLoadedBytes: afterIpc?.externalBytes ?? NaN,
        rssAfterGcBytes: settledProc.rssBytes,
        rssPerCallAfterGcBytes: settled === undefined ? NaN : perCall(settledProc.rssBytes - idle.rssBytes),
        heapUsedAfterGcBytes: settled?.heapUsedBytes ?? NaN,
        loopDelayP99Ms: afterIpc?.loopDelayP99Ms ?? NaN,
        loopDelayMaxMs: afterIpc?.loopDelayMaxMs ?? NaN,
        logCounts: Object.fromEntries(target.logCounts),
      },
      toBrowser: directionResult(toBrowser),
      toAsterisk: directionResult(toAsterisk),
      generator: {
        cpuPercentOfCore: generatorPercent,
        lagMs,
        framesSkippedLate: clock.framesSkippedLate,
        oldGenerationBytes: genOldGeneration,
      },
      machineBusyPercentOfCore: machineBusy,
      otherPercentOfCore: Math.max(0, machineBusy - gatewayPercent - generatorPercent),
      leftAfter: { calls: left?.calls ?? NaN, sessions: left?.sessions ?? NaN },
      gatewayPid: target.pid,
      windowHrtimeUs: { start: beforeIpc?.hrtimeUs ?? NaN, end: afterIpc?.hrtimeUs ?? NaN },
      ...(media === undefined ? {} : { media }),
    };
  } catch (err) {
    target.kill();
    throw err;
  } finally {
    for (const call of calls) call.ws.terminate();
    for (const phone of phones) phone.terminate();
    await target.stop();
  }
}
