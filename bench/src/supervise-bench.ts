/**
 * What a supervisor costs the gateway (issue 21): N calls relayed as in the relay bench (ours,
 * gag.v1 over wss at 20 ms, slin16), three times in fresh gateway processes: plain; every call
 * listened to by one supervisor (the gateway mixes the caller and the agent for it, 50 frames a
 * second); every call barged in on (also the supervisor's voice mixed into both legs, its frames
 * coming in every 20 ms). The gateway's CPU is read from `/proc` over the same window in each, so
 * the difference per call-second is what one listened or barged call adds. Printed, never asserted.
 * @packageDocumentation
 */
import { mintToken } from '@gag/gateway';
import { FRAME_BYTES, type SuperviseMode } from '@gag/sdk/protocol';
import { delay, runPool, until } from './bounded.js';
import { BrowserPhone } from './browser-phone.js';
import { loginPhone, ringAndAnswer, type AnsweredCall, type Endpoints } from './call-flow.js';
import { FrameClock } from './frame-clock.js';
import { GatewayHandle } from './gateway-handle.js';
import { readProc, type ProcSample } from './proc-stats.js';
import { makeTlsChain, type TlsChain } from './tls-chain.js';

/** What each run adds to every call. */
export type SuperviseRunMode = 'plain' | SuperviseMode;
/** The runs of one bench, in order. */
export const SUPERVISE_RUNS: readonly SuperviseRunMode[] = ['plain', 'listen', 'barge'];

export interface SuperviseBenchOptions {
  readonly calls: number;
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** One run's figures. */
export interface SuperviseRun {
  readonly mode: SuperviseRunMode;
  readonly calls: number;
  /** Calls answered (and, but in the plain run, supervised). */
  readonly established: number;
  readonly supervised: number;
  readonly windowMs: number;
  readonly cpuPercentOfCore: number;
  readonly cpuMsPerCallSecond: number;
  /** 20 ms frames that reached, in the window: the agents, Asterisk, the supervisors. */
  readonly framesToAgents: number;
  readonly framesToAsterisk: number;
  readonly framesToSupervisors: number;
  /** What the supervisors should have got in the window: one frame per 20 ms each. */
  readonly supervisorFramesExpected: number;
  readonly rssLoadedBytes: number;
  readonly loopDelayP99Ms: number;
  /** How late the load generator's frame timer ran (p99, ms): a late generator sends in bursts, which the gateway's loop delay then shows. */
  readonly generatorLagP99Ms: number;
  /** The load generator's CPU in the window (% of one core): it also reads every supervisor's frames. */
  readonly generatorCpuPercentOfCore: number;
  /** Warn and error lines the gateway logged, by message. */
  readonly logCounts: Readonly<Record<string, number>>;
}

const SETUP_CONCURRENCY = 50;
const SETUP_TIMEOUT_MS = 15_000;
const TEARDOWN_MAX_MS = 15_000;
const TEARDOWN_POLL_MS = 100;
const EXTENSION_BASE = 10_000;
const SUPERVISOR_EXTENSION = '9000';
const TOKEN_TTL_S = 3_600;

const cpuUs = (s: ProcSample): number => s.cpuUserUs + s.cpuSystemUs;

/** The three runs, one after another, each against a fresh gateway. */
export async function runSuperviseBench(options: SuperviseBenchOptions, progress: (text: string) => void): Promise<SuperviseRun[]> {
  const tls = makeTlsChain();
  const runs: SuperviseRun[] = [];
  try {
    for (const mode of SUPERVISE_RUNS) {
      progress(`supervise N=${options.calls} ${mode}: setting up, then ${options.warmupMs} ms warm-up + ${options.windowMs} ms window`);
      runs.push(await runOne(mode, options, tls));
    }
  } finally {
    tls.remove();
  }
  return runs;
}

async function runOne(mode: SuperviseRunMode, options: SuperviseBenchOptions, tls: TlsChain): Promise<SuperviseRun> {
  const n = options.calls;
  const gw = await GatewayHandle.start({
    config: {
      cert_file: tls.certFile,
      key_file: tls.keyFile,
      browser_packet_ms: 20,
      supervisors: { [SUPERVISOR_EXTENSION]: { extensions: ['*'] } },
      // Every supervisor logs in as 9000 with one token.
      max_sessions_per_extension: n + 10,
      max_sessions_per_token: n + 10,
    },
  });
  const browserUrl = gw.ready.browserUrl.replace('://127.0.0.1:', '://localhost:');
  const at: Endpoints = { ...gw.ready, browserUrl, ca: tls.ca };
  const phones: BrowserPhone[] = [];
  const supervisors: BrowserPhone[] = [];
  const calls: AnsweredCall[] = [];
  try {
    const extension = (i: number): string => String(EXTENSION_BASE + i);
    const answered = await runPool(n, SETUP_CONCURRENCY, async (i) => {
      const phone = await loginPhone(at, extension(i), SETUP_TIMEOUT_MS);
      phones.push(phone);
      return { phone, call: await ringAndAnswer(at, phone, extension(i), SETUP_TIMEOUT_MS) };
    });
    const ok = answered.filter((r): r is { phone: BrowserPhone; call: AnsweredCall } => !(r instanceof Error));
    for (const { call } of ok) calls.push(call);
    let supervised = 0;
    if (mode !== 'plain') {
      const token = await mintToken({ secret: at.secret, extension: SUPERVISOR_EXTENSION, ttlSeconds: TOKEN_TTL_S, supervisor: true });
      const joined = await runPool(ok.length, SETUP_CONCURRENCY, async (i) => {
        const sup = await BrowserPhone.login(at.browserUrl, at.origin, token, SETUP_TIMEOUT_MS, at.ca);
        supervisors[i] = sup;
        const supervising = sup.next('supervising', SETUP_TIMEOUT_MS);
        sup.send({ type: 'supervise', callId: ok[i]!.call.callId, mode });
        await supervising;
      });
      supervised = joined.filter((r) => !(r instanceof Error)).length;
    }

    let counting = false;
    let toAgents = 0;
    let toAsterisk = 0;
    let toSupervisors = 0;
    const clock = new FrameClock(options.warmupMs + options.windowMs + 1_000);
    // One buffer for every send: a client ws copies the payload while masking it.
    const frame = Buffer.alloc(FRAME_BYTES);
    ok.forEach(({ phone, call: { call } }, index) => {
      const sup = supervisors[index];
      phone.onAudio = (f) => void (counting && (toAgents += f.length / FRAME_BYTES));
      call.onAudio = (f) => void (counting && (toAsterisk += f.length / FRAME_BYTES));
      if (sup !== undefined) sup.onAudio = (f) => void (counting && (toSupervisors += f.length / FRAME_BYTES));
      clock.add(
        {
          sendFrame() {
            call.sendAudio(frame);
            phone.sendAudio(frame);
            if (mode === 'barge') sup?.sendAudio(frame); // the supervisor's voice
          },
        },
        index,
      );
    });

    clock.start();
    await delay(options.warmupMs);
    await gw.resetLoopDelay();
    const before = readProc(gw.pid!);
    clock.resetLag();
    const generatorBefore = process.cpuUsage();
    counting = true;
    await delay(options.windowMs);
    counting = false;
    const after = readProc(gw.pid!);
    const generator = process.cpuUsage(generatorBefore);
    const lag = clock.lagMs.summary();
    const snapshot = await gw.snapshot();
    clock.stop();

    for (const { call } of calls) call.hangup();
    await until(async () => (await gw.snapshot()).calls === 0, TEARDOWN_MAX_MS, TEARDOWN_POLL_MS);
    const elapsedUs = after.atUs - before.atUs;
    const windowS = elapsedUs / 1e6;
    const gatewayCpuUs = cpuUs(after) - cpuUs(before);
    return {
      mode,
      calls: n,
      established: ok.length,
      supervised,
      windowMs: elapsedUs / 1000,
      cpuPercentOfCore: (gatewayCpuUs / elapsedUs) * 100,
      cpuMsPerCallSecond: ok.length === 0 ? NaN : gatewayCpuUs / 1000 / (ok.length * windowS),
      framesToAgents: toAgents,
      framesToAsterisk: toAsterisk,
      framesToSupervisors: toSupervisors,
      supervisorFramesExpected: (supervised * elapsedUs) / 1000 / 20,
      rssLoadedBytes: after.rssBytes,
      loopDelayP99Ms: snapshot.loopDelayP99Ms,
      generatorLagP99Ms: lag.p99,
      generatorCpuPercentOfCore: ((generator.user + generator.system) / elapsedUs) * 100,
      logCounts: Object.fromEntries(gw.logCounts),
    };
  } catch (err) {
    gw.kill();
    throw err;
  } finally {
    for (const { call } of calls) call.ws.terminate();
    for (const p of [...phones, ...supervisors]) p?.terminate();
    await gw.stop();
  }
}
