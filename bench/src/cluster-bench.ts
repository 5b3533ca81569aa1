/**
 * What a cluster costs (issue 17): N calls relayed once by a single gateway (Asterisk and the
 * browsers on it), then by a cluster of three nodes on loopback and one redis-server, with every
 * call crossing nodes (Asterisk on node A, the browsers on node B, C idle). Stamped 640-byte frames
 * every 20 ms both ways, as in the relay bench (gag.v1 over wss, 20 ms packets); each node's CPU
 * from `/proc`. The figures: CPU per relayed frame of each node and of A+B against the single
 * node, and the latency a frame gains by crossing. Printed, never asserted. With them, what the
 * tail depends on: the generator's CPU and how late its frame clock ran, each node's event-loop
 * delay, the machine's CPU outside the bench, and where the frames above the p99 were sent
 * (cluster-tail.ts).
 * @packageDocumentation
 */
import { FRAME_BYTES, FRAME_MS } from '@gag/sdk/protocol';
import { startRedisServer, type RedisServer } from '@gag/testkit/redis-server';
import type { AsteriskCall } from './asterisk-call.js';
import { delay, runPool, until } from './bounded.js';
import type { BrowserPhone } from './browser-phone.js';
import { loginPhone, ringAndAnswer, type Endpoints } from './call-flow.js';
import { TailTrace, type TailShape } from './cluster-tail.js';
import { FrameClock } from './frame-clock.js';
import { DirectionStats, sentAtOf, stampFrame } from './frame-stamp.js';
import { GatewayHandle } from './gateway-handle.js';
import { machineBusyPercentOfCore, machineTimes } from './machine-load.js';
import { oldGenerationBytes, readProc, type ProcSample } from './proc-stats.js';
import type { Summary } from './samples.js';
import { makeTlsChain, type TlsChain } from './tls-chain.js';

const SETUP_CONCURRENCY = 50;
const SETUP_TIMEOUT_MS = 10_000;
const MIRROR_TIMEOUT_MS = 15_000;
const DRAIN_MAX_MS = 2_000;
const TEARDOWN_MAX_MS = 10_000;
const EXTENSION_BASE = 40_000;
const CLUSTER_SECRET = 'bench-cluster-secret-0123456789abcdef';

export interface ClusterBenchOptions {
  readonly calls: number;
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** One node's share of a round. */
export interface NodeFigures {
  readonly node: string;
  readonly cpuPercentOfCore: number;
  /** CPU per 20 ms frame relayed end to end in the round (both ways), µs. */
  readonly cpuUsPerFrame: number;
  /** Event-loop delay in the window, ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/** One round: `single` (one gateway) or `cross` (every call from node A to a browser on node B). */
export interface ClusterRound {
  readonly round: 'single' | 'cross';
  readonly calls: number;
  readonly established: number;
  readonly windowMs: number;
  readonly nodes: readonly NodeFigures[];
  /** CPU per relayed frame of the nodes that relay (A+B, or the single one), µs. */
  readonly relayUsPerFrame: number;
  readonly toBrowserMs: Summary;
  readonly toAsteriskMs: Summary;
  readonly framesRelayed: number;
  readonly framesLost: number;
  /** How late the generator's frame clock ran its slots in the window, ms. */
  readonly generatorLagMs: Summary;
  /** Where the frames above the round's p99 (the worse direction's) were sent. */
  readonly tail: TailShape;
  /** CPU of the load generator (this process) in the window, % of a core. */
  readonly generatorPercentOfCore: number;
  /** The generator's V8 heap outside the young generation at the window's end, bytes (what its mark-compacts walk). */
  readonly generatorOldGenerationBytes: number;
  /** CPU the machine spent on anything else (neither the bench's processes nor redis), % of a core: a busy machine's runs are not comparable. */
  readonly otherPercentOfCore: number;
}

const cpuUs = (s: ProcSample): number => s.cpuUserUs + s.cpuSystemUs;

/** Both rounds, the single node first. */
export async function runClusterBench(options: ClusterBenchOptions, progress: (text: string) => void): Promise<ClusterRound[]> {
  const tls = makeTlsChain();
  const redis = await startRedisServer();
  try {
    const rounds: ClusterRound[] = [];
    for (const round of ['single', 'cross'] as const) {
      progress(`cluster N=${options.calls} ${round}: setting up, then ${options.warmupMs} ms warm-up + ${options.windowMs} ms window`);
      rounds.push(await runRound(round, options, tls, redis));
    }
    return rounds;
  } finally {
    await redis.close({ signal: 'SIGTERM' });
    tls.remove();
  }
}

async function startNodes(round: ClusterRound['round'], tls: TlsChain, redisUrl: string, calls: number): Promise<GatewayHandle[]> {
  const base = { cert_file: tls.certFile, key_file: tls.keyFile, browser_packet_ms: 20, max_sessions_per_token: calls + 10 };
  if (round === 'single') return [await GatewayHandle.start({ config: base })];
  const nodes: GatewayHandle[] = [];
  try {
    for (const id of ['gw-a', 'gw-b', 'gw-c']) {
      nodes.push(await GatewayHandle.start({ config: { ...base, cluster: { redis_url: redisUrl, node_id: id, secret: CLUSTER_SECRET, link_listen: '127.0.0.1:0' } } }));
    }
    return nodes;
  } catch (err) {
    for (const node of nodes) node.kill();
    throw err;
  }
}

const endpointsOf = (gw: GatewayHandle, tls: TlsChain): Endpoints => ({ ...gw.ready, browserUrl: gw.ready.browserUrl.replace('://127.0.0.1:', '://localhost:'), ca: tls.ca });

async function runRound(round: ClusterRound['round'], options: ClusterBenchOptions, tls: TlsChain, redis: RedisServer): Promise<ClusterRound> {
  const n = options.calls;
  const nodes = await startNodes(round, tls, redis.url, n);
  const callNode = nodes[0]!;
  const phoneNode = nodes[round === 'single' ? 0 : 1]!;
  const phones: BrowserPhone[] = [];
  const calls: AsteriskCall[] = [];
  try {
    const extension = (i: number): string => String(EXTENSION_BASE + i);
    const logins = await runPool(n, SETUP_CONCURRENCY, (i) => loginPhone(endpointsOf(phoneNode, tls), extension(i), SETUP_TIMEOUT_MS));
    for (const p of logins) if (!(p instanceof Error)) phones.push(p);
    // The call's node rings the browsers once it mirrors them (its sessions count them).
    if (!(await until(async () => (await callNode.snapshot()).sessions >= phones.length, MIRROR_TIMEOUT_MS, 100))) throw new Error('node A never saw the browsers of node B');
    const answered = await runPool(n, SETUP_CONCURRENCY, async (i) => {
      const phone = logins[i]!;
      if (phone instanceof Error) throw phone;
      return ringAndAnswer(endpointsOf(callNode, tls), phone, extension(i), SETUP_TIMEOUT_MS);
    });
    const ok = answered.flatMap((r, index) => (r instanceof Error ? [] : [{ index, phone: logins[index] as BrowserPhone, call: r.call }]));
    for (const { call } of ok) calls.push(call);

    const expected = (ok.length * options.windowMs) / FRAME_MS;
    let windowStartMs = Infinity;
    const toBrowser = new DirectionStats(n, expected);
    const toAsterisk = new DirectionStats(n, expected);
    const clock = new FrameClock(options.warmupMs + options.windowMs + DRAIN_MAX_MS);
    const down = Buffer.alloc(FRAME_BYTES);
    const up = Buffer.alloc(FRAME_BYTES);
    // Each message's first frame, for where the tail was sent (a message holds one 20 ms frame here).
    const tail = new TailTrace(expected * 2 * 1.1 + 1_000);
    const traced = (f: Buffer, now: number): void => {
      const sentAtMs = sentAtOf(f);
      if (sentAtMs >= windowStartMs && sentAtMs < windowStartMs + options.windowMs) tail.add(sentAtMs - windowStartMs, now - sentAtMs);
    };
    for (const { index, phone, call } of ok) {
      phone.onAudio = (f) => {
        const now = performance.now();
        toBrowser.received(f, index, now);
        traced(f, now);
      };
      call.onAudio = (f) => {
        const now = performance.now();
        toAsterisk.received(f, index, now);
        traced(f, now);
      };
      let seqDown = 0;
      let seqUp = 0;
      clock.add(
        {
          sendFrame() {
            const atMs = performance.now();
            stampFrame(down, seqDown, index, atMs);
            if (call.sendAudio(down)) (seqDown++, toBrowser.sent(atMs));
            stampFrame(up, seqUp, index, atMs);
            if (phone.sendAudio(up)) (seqUp++, toAsterisk.sent(atMs));
          },
        },
        index,
      );
    }
    clock.start();
    await delay(options.warmupMs);
    await Promise.all(nodes.map((node) => node.resetLoopDelay()));
    clock.resetLag();
    const before = nodes.map((node) => readProc(node.pid!));
    const redisBefore = readProc(redis.pid);
    const generatorBefore = process.cpuUsage();
    const machineBefore = machineTimes();
    windowStartMs = performance.now();
    for (const d of [toBrowser, toAsterisk]) {
      d.windowStartMs = windowStartMs;
      d.windowEndMs = windowStartMs + options.windowMs;
    }
    await delay(options.windowMs);
    const after = nodes.map((node) => readProc(node.pid!));
    const redisAfter = readProc(redis.pid);
    const generator = process.cpuUsage(generatorBefore);
    const generatorOldGeneration = oldGenerationBytes();
    const machinePercent = machineBusyPercentOfCore(machineBefore, machineTimes());
    const loops = await Promise.all(nodes.map((node) => node.snapshot()));
    const generatorLagMs = clock.lagMs.summary();
    let last = -1;
    await until(() => {
      const got = toBrowser.receivedInWindow + toAsterisk.receivedInWindow;
      const settled = got === last || got >= toBrowser.sentInWindow + toAsterisk.sentInWindow;
      last = got;
      return settled;
    }, DRAIN_MAX_MS, 100);
    clock.stop();

    const framesRelayed = toBrowser.receivedInWindow + toAsterisk.receivedInWindow;
    const elapsedUs = after[0]!.atUs - before[0]!.atUs;
    const figures = nodes.map((node, i) => {
      const used = cpuUs(after[i]!) - cpuUs(before[i]!);
      return { node: round === 'single' ? 'single' : ['gw-a', 'gw-b', 'gw-c'][i]!, cpuPercentOfCore: (used / elapsedUs) * 100, cpuUsPerFrame: framesRelayed === 0 ? NaN : used / framesRelayed, usedUs: used };
    });
    const relaying = round === 'single' ? figures.slice(0, 1) : figures.slice(0, 2);
    const generatorPercent = ((generator.user + generator.system) / elapsedUs) * 100;
    const ours = figures.reduce((sum, f) => sum + f.cpuPercentOfCore, 0) + generatorPercent + ((cpuUs(redisAfter) - cpuUs(redisBefore)) / elapsedUs) * 100;
    for (const call of calls) call.hangup();
    await until(async () => (await callNode.snapshot()).calls === 0, TEARDOWN_MAX_MS, 100);
    const toBrowserMs = toBrowser.latencyMs.summary();
    const toAsteriskMs = toAsterisk.latencyMs.summary();
    return {
      round,
      calls: n,
      established: ok.length,
      windowMs: elapsedUs / 1000,
      nodes: figures.map(({ node, cpuPercentOfCore, cpuUsPerFrame }, i) => ({ node, cpuPercentOfCore, cpuUsPerFrame, loopDelayP99Ms: loops[i]!.loopDelayP99Ms, loopDelayMaxMs: loops[i]!.loopDelayMaxMs })),
      generatorLagMs,
      generatorPercentOfCore: generatorPercent,
      generatorOldGenerationBytes: generatorOldGeneration,
      otherPercentOfCore: machinePercent - ours,
      relayUsPerFrame: framesRelayed === 0 ? NaN : relaying.reduce((sum, f) => sum + f.usedUs, 0) / framesRelayed,
      toBrowserMs,
      toAsteriskMs,
      tail: tail.shape(Math.max(toBrowserMs.p99, toAsteriskMs.p99), options.windowMs),
      framesRelayed,
      framesLost: toBrowser.sentInWindow + toAsterisk.sentInWindow - framesRelayed,
    };
  } finally {
    for (const call of calls) call.ws.terminate();
    for (const phone of phones) phone.terminate();
    for (const node of nodes) await node.stop();
  }
}
