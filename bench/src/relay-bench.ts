/**
 * Relay load at N concurrent calls: N browsers logged in, N calls rung and answered, then one
 * stamped 640-byte frame every 20 ms in each direction of every call for a warm-up and a
 * measurement window. The gateway runs in its own process (fresh for each N, so its idle RSS is
 * its own); the load generator is this process.
 * @packageDocumentation
 */
import { FRAME_BYTES, FRAME_MS } from '@gag/sdk/protocol';
import type { AsteriskCall } from './asterisk-call.js';
import { delay, runPool, until } from './bounded.js';
import type { BrowserPhone } from './browser-phone.js';
import { loginPhone, ringAndAnswer, type AnsweredCall } from './call-flow.js';
import { FrameClock } from './frame-clock.js';
import { DirectionStats, stampFrame } from './frame-stamp.js';
import { GatewayHandle } from './gateway-handle.js';
import { machineBusyPercentOfCore, machineTimes } from './machine-load.js';
import type { GatewaySnapshot } from './ipc.js';
import { summarise, type Summary } from './samples.js';

export interface RelayOptions {
  readonly calls: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  /** Run the gateway with `--cpu-prof` into this directory. */
  readonly cpuProfileDir?: string;
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
  readonly gateway: {
    readonly cpuPercentOfCore: number;
    /** The part of cpuPercentOfCore spent in the kernel (system time: socket syscalls, loopback TCP). */
    readonly cpuSystemPercentOfCore: number;
    readonly cpuMsPerCallSecond: number;
    readonly cpuUsPerRelayedFrame: number;
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
  };
  /** The whole machine during the window, % of one core (all cores busy = cores × 100). */
  readonly machineBusyPercentOfCore: number;
  /** Of that, what neither the gateway nor the generator used (other work on the machine). */
  readonly otherPercentOfCore: number;
  /** Read over IPC after every call was hung up and every browser closed. */
  readonly leftAfter: { readonly calls: number; readonly sessions: number };
  /** The gateway process, and the window on its hrtime clock (for cutting its `--cpu-prof` profile). */
  readonly gatewayPid: number | undefined;
  readonly windowHrtimeUs: { readonly start: number; readonly end: number };
}

const SETUP_CONCURRENCY = 50;
const SETUP_TIMEOUT_MS = 15_000;
const DRAIN_MAX_MS = 5_000;
const DRAIN_POLL_MS = 250;
const TEARDOWN_MAX_MS = 15_000;
const TEARDOWN_POLL_MS = 100;
/** Extensions of the relay run: 10000, 10001, … */
const EXTENSION_BASE = 10_000;

const cpuUs = (s: GatewaySnapshot): number => s.cpuUserUs + s.cpuSystemUs;
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
  const gw = await GatewayHandle.start(options.cpuProfileDir === undefined ? {} : { cpuProfileDir: options.cpuProfileDir });
  const phones: BrowserPhone[] = [];
  const calls: AsteriskCall[] = [];
  try {
    const idle = await gw.gc();
    const extension = (i: number): string => String(EXTENSION_BASE + i);
    const setupStartMs = performance.now();
    const logins = await runPool(n, SETUP_CONCURRENCY, (i) => loginPhone(gw.ready, extension(i), SETUP_TIMEOUT_MS));
    for (const p of logins) if (!(p instanceof Error)) phones.push(p);
    const answered = await runPool(n, SETUP_CONCURRENCY, async (i) => {
      const phone = logins[i]!;
      if (phone instanceof Error) throw phone;
      return ringAndAnswer(gw.ready, phone, extension(i), SETUP_TIMEOUT_MS);
    });
    const setupWallMs = performance.now() - setupStartMs;
    const ok: Array<{ index: number; phone: BrowserPhone; answered: AnsweredCall }> = [];
    const failures: Error[] = [];
    answered.forEach((r, index) => {
      if (r instanceof Error) return void failures.push(r);
      calls.push(r.call);
      ok.push({ index, phone: logins[index] as BrowserPhone, answered: r });
    });

    const expectedPerDirection = (ok.length * options.windowMs) / FRAME_MS;
    const toBrowser = new DirectionStats(n, expectedPerDirection);
    const toAsterisk = new DirectionStats(n, expectedPerDirection);
    const clock = new FrameClock(options.warmupMs + options.windowMs + DRAIN_MAX_MS);
    // One buffer for every send: a client ws copies the payload while masking it (Sender.frame
    // merges a read-only Buffer into a new one), so reusing it cannot corrupt a queued frame.
    const frame = Buffer.alloc(FRAME_BYTES);
    for (const { index, phone, answered: { call } } of ok) {
      phone.onAudio = (f) => toBrowser.received(f, index, performance.now());
      call.onAudio = (f) => toAsterisk.received(f, index, performance.now());
      let seqToBrowser = 0;
      let seqToAsterisk = 0;
      clock.add(
        {
          sendFrame() {
            let atMs = performance.now();
            stampFrame(frame, seqToBrowser, index, atMs);
            if (call.sendAudio(frame)) {
              seqToBrowser++;
              toBrowser.sent(atMs);
            } else toBrowser.skipped(atMs);
            atMs = performance.now();
            stampFrame(frame, seqToAsterisk, index, atMs);
            if (phone.sendAudio(frame)) {
              seqToAsterisk++;
              toAsterisk.sent(atMs);
            } else toAsterisk.skipped(atMs);
          },
        },
        index,
      );
    }

    clock.start();
    await delay(options.warmupMs);
    const before = await gw.snapshot();
    await gw.resetLoopDelay();
    const windowStartMs = performance.now();
    for (const d of [toBrowser, toAsterisk]) {
      d.windowStartMs = windowStartMs;
      d.windowEndMs = windowStartMs + options.windowMs;
    }
    clock.resetLag();
    const genCpuBefore = process.cpuUsage();
    const machineBefore = machineTimes();
    await delay(options.windowMs);
    const after = await gw.snapshot();
    const genCpu = process.cpuUsage(genCpuBefore);
    const machineBusy = machineBusyPercentOfCore(machineBefore, machineTimes());
    const genElapsedMs = performance.now() - windowStartMs;
    const lagMs = clock.lagMs.summary();
    clock.stop();

    // Frames of the window still on their way: wait until nothing more arrives (bounded).
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

    const settled = await gw.gc();

    // The callers hang up, then the browsers leave: the gateway must forget them all.
    for (const call of calls) call.hangup();
    await until(async () => (await gw.snapshot()).calls === 0, TEARDOWN_MAX_MS, TEARDOWN_POLL_MS);
    for (const phone of phones) phone.close();
    await until(async () => (await gw.snapshot()).sessions === 0, TEARDOWN_MAX_MS, TEARDOWN_POLL_MS);
    const left = await gw.snapshot();

    const elapsedUs = after.hrtimeUs - before.hrtimeUs;
    const gatewayCpuUs = cpuUs(after) - cpuUs(before);
    const framesRelayed = after.sessionFramesIn - before.sessionFramesIn + (after.sessionFramesOut - before.sessionFramesOut);
    const callSeconds = (ok.length * elapsedUs) / 1e6;
    const gatewayPercent = (gatewayCpuUs / elapsedUs) * 100;
    const generatorPercent = ((genCpu.user + genCpu.system) / 1000 / genElapsedMs) * 100;
    return {
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
        framesDroppedBacklog: after.sessionFramesDroppedBacklog - before.sessionFramesDroppedBacklog,
        rssIdleBytes: idle.rssBytes,
        rssLoadedBytes: after.rssBytes,
        rssPerCallBytes: ok.length === 0 ? NaN : (after.rssBytes - idle.rssBytes) / ok.length,
        heapUsedLoadedBytes: after.heapUsedBytes,
        rssAfterGcBytes: settled.rssBytes,
        rssPerCallAfterGcBytes: ok.length === 0 ? NaN : (settled.rssBytes - idle.rssBytes) / ok.length,
        heapUsedAfterGcBytes: settled.heapUsedBytes,
        loopDelayP99Ms: after.loopDelayP99Ms,
        loopDelayMaxMs: after.loopDelayMaxMs,
        logCounts: Object.fromEntries(gw.logCounts),
      },
      toBrowser: directionResult(toBrowser),
      toAsterisk: directionResult(toAsterisk),
      generator: {
        cpuPercentOfCore: generatorPercent,
        lagMs,
        framesSkippedLate: clock.framesSkippedLate,
      },
      machineBusyPercentOfCore: machineBusy,
      otherPercentOfCore: Math.max(0, machineBusy - gatewayPercent - generatorPercent),
      leftAfter: { calls: left.calls, sessions: left.sessions },
      gatewayPid: gw.pid,
      windowHrtimeUs: { start: before.hrtimeUs, end: after.hrtimeUs },
    };
  } catch (err) {
    gw.kill();
    throw err;
  } finally {
    for (const call of calls) call.ws.terminate();
    for (const phone of phones) phone.terminate();
    await gw.stop();
  }
}
