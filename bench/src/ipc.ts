/**
 * The IPC messages between the bench (parent) and the gateway process it forks. JSON over the
 * `child_process.fork` channel: one `ready` from the child, then request/response pairs by `id`.
 * @packageDocumentation
 */

/** The child's one command-line argument, as JSON. */
export interface ChildArgs {
  /** Origins allowed besides the bench's own. */
  readonly extraOrigins: readonly string[];
  /** goastgateway.json keys over the dev defaults. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Sent once by the child when the gateway listens. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly asteriskUrl: string;
  readonly browserUrl: string;
  /** The random HS256 secret of this gateway (devConfig), so the parent can mint tokens. */
  readonly secret: string;
  /** The one Origin the gateway allows. */
  readonly origin: string;
}

/** What the parent may ask. */
export type RequestOp =
  /** A snapshot of {@link GatewaySnapshot}. */
  | 'snapshot'
  /** `global.gc()` (the child runs with --expose-gc), then a snapshot. */
  | 'gc'
  /** Reset the child's event-loop delay histogram (start of a measurement window). */
  | 'reset-loop-delay'
  /** Close the gateway and exit (so `--cpu-prof` writes its profile). */
  | 'stop';

export interface RequestMessage {
  readonly type: 'request';
  readonly id: number;
  readonly op: RequestOp;
}

/** What the gateway process reports about itself. */
export interface GatewaySnapshot {
  /** `process.cpuUsage()`, µs. */
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** `process.hrtime` at the snapshot, µs (the clock of `--cpu-prof` sample times). */
  readonly hrtimeUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** The V8 heap reserved, and of it the young generation (it grows under a high allocation rate). */
  readonly heapTotalBytes: number;
  readonly newSpaceBytes: number;
  /** Memory outside the V8 heap that JS objects hold (Buffers, ArrayBuffers). */
  readonly externalBytes: number;
  /** `gw.router.calls.length`: calls not yet ended. */
  readonly calls: number;
  /** `gw.registry.all().length`: browser sessions online. */
  readonly sessions: number;
  /** Sum of the online sessions' counters. */
  readonly sessionFramesIn: number;
  readonly sessionFramesOut: number;
  readonly sessionFramesDroppedBacklog: number;
  /** Event-loop delay since the last reset (perf_hooks.monitorEventLoopDelay), ms. */
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** `process.getActiveResourcesInfo()` counted by kind (sockets, timers…). */
  readonly activeResources: Readonly<Record<string, number>>;
}

export interface ResponseMessage {
  readonly type: 'response';
  readonly id: number;
  readonly snapshot?: GatewaySnapshot;
  readonly error?: string;
}

export type ChildMessage = ReadyMessage | ResponseMessage;
