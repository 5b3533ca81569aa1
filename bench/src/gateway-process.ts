/**
 * The gateway under test, alone in its own process so that its CPU and RSS are measured without
 * the load generator's. Started by `gateway-handle.ts` with `child_process.fork` (and
 * `--expose-gc`, optionally `--cpu-prof`); reports its URLs and secret over IPC and answers
 * snapshot requests. Exits when the parent asks, or when the parent goes away.
 * @packageDocumentation
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { devConfig, startGateway, type Gateway, type GatewayConfigInput } from '@gag/gateway';
import type { ChildArgs, GatewaySnapshot, ReadyMessage, RequestMessage, ResponseMessage } from './ipc.js';

/** The Origin the bench's browsers send. */
const BENCH_ORIGIN = 'http://bench.test';
/** Event-loop delay sampling period; coarse on purpose, so the monitor itself costs next to nothing. */
const LOOP_DELAY_RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

function send(message: ReadyMessage | ResponseMessage): void {
  process.send?.(message);
}

/** The histogram records whole timer intervals (the resolution included): keep only the lateness. */
function lateMs(histogram: { count: number }, intervalNs: number): number {
  return histogram.count === 0 ? 0 : Math.max(0, intervalNs / NS_PER_MS - LOOP_DELAY_RESOLUTION_MS);
}

function snapshot(gw: Gateway, loopDelay: ReturnType<typeof monitorEventLoopDelay>): GatewaySnapshot {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  let framesIn = 0;
  let framesOut = 0;
  let dropped = 0;
  const sessions = gw.registry.all();
  for (const s of sessions) {
    framesIn += s.stats.framesIn;
    framesOut += s.stats.framesOut;
    dropped += s.stats.framesDroppedBacklog;
  }
  const activeResources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) activeResources[kind] = (activeResources[kind] ?? 0) + 1;
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    hrtimeUs: Number(process.hrtime.bigint() / 1000n),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    newSpaceBytes: getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? NaN,
    externalBytes: memory.external + memory.arrayBuffers,
    calls: gw.router.calls.length,
    sessions: sessions.length,
    sessionFramesIn: framesIn,
    sessionFramesOut: framesOut,
    sessionFramesDroppedBacklog: dropped,
    loopDelayP50Ms: lateMs(loopDelay, loopDelay.count === 0 ? 0 : loopDelay.percentile(50)),
    loopDelayP99Ms: lateMs(loopDelay, loopDelay.count === 0 ? 0 : loopDelay.percentile(99)),
    loopDelayMaxMs: lateMs(loopDelay, loopDelay.count === 0 ? 0 : loopDelay.max),
    activeResources,
  };
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('gateway-process.js is started by the bench (child_process.fork), not by hand');
  const args = JSON.parse(process.argv[2] ?? '{"extraOrigins":[],"config":{}}') as ChildArgs;
  const config = devConfig({
    asterisk_addr: '127.0.0.1:0',
    browser_addr: '127.0.0.1:0',
    // Extra origins from the parent: the browser benchmark's page server (a real page).
    allowed_origins: [BENCH_ORIGIN, ...args.extraOrigins],
    // warn: refusals and peer errors still show (the parent counts them); nothing per call.
    log_level: 'warn',
    ...(args.config as Partial<GatewayConfigInput>),
  });
  const gw = await startGateway(config);
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    loopDelay.disable();
    await gw.close();
    process.disconnect?.();
    process.exit(0); // --cpu-prof writes its file on a normal exit
  };
  // The parent is gone (crashed or killed): never outlive it.
  process.on('disconnect', () => void stop());
  process.on('message', (raw) => {
    const request = raw as RequestMessage;
    if (request.type !== 'request') return;
    const reply = (extra: Omit<ResponseMessage, 'type' | 'id'> = {}): void => send({ type: 'response', id: request.id, ...extra });
    switch (request.op) {
      case 'snapshot':
        return reply({ snapshot: snapshot(gw, loopDelay) });
      case 'gc': {
        const gc = (globalThis as { gc?: () => void }).gc;
        if (gc === undefined) return reply({ error: 'start the child with --expose-gc' });
        // Twice: the first pass may only queue finalizers that free more on the second.
        gc();
        gc();
        return reply({ snapshot: snapshot(gw, loopDelay) });
      }
      case 'reset-loop-delay':
        loopDelay.reset();
        return reply();
      case 'stop':
        reply();
        return void stop();
    }
  });
  send({ type: 'ready', asteriskUrl: gw.asteriskUrl, browserUrl: gw.browserUrl, secret: config.jwt_secret, origin: BENCH_ORIGIN });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
