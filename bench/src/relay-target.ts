/**
 * What a relay run measures: our gateway (forked `gateway-process.ts`, the config an admin would
 * write: wss:// with a CA-signed certificate, or ws://) or the bare relay (the floor), each in
 * its own process. Both are measured from outside by the same ruler (`/proc`, proc-stats.ts);
 * ours also answers questions over IPC (calls and sessions left, event-loop delay, drops).
 * @packageDocumentation
 */
import { BareRelay } from './bare-relay.js';
import type { Endpoints } from './call-flow.js';
import { GatewayHandle } from './gateway-handle.js';
import type { GatewaySnapshot } from './ipc.js';
import { MediaProbe, type MediaKind } from './media-targets.js';
import type { TlsChain } from './tls-chain.js';

/** One line of the relay table: which relay, which browser leg, which protocol, which packet time. */
export interface RelayVariant {
  readonly relay: 'gag' | 'bare';
  readonly browserLeg: 'wss' | 'ws';
  readonly protocol: 'gag.v1' | 'legacy';
  /** Audio per message on the browser leg (gag.v1 only; the legacy protocol is 20 ms). */
  readonly packetMs: 20 | 40 | 60;
  /** Ours only: every call also recorded, or forked to a sink (media-targets.ts). */
  readonly media?: MediaKind;
}

/** The variants a run compares, by the names `--relay-variants` takes. */
export const VARIANTS: Readonly<Record<string, RelayVariant>> = {
  bare: { relay: 'bare', browserLeg: 'wss', protocol: 'legacy', packetMs: 20 },
  'gag-wss-20': { relay: 'gag', browserLeg: 'wss', protocol: 'gag.v1', packetMs: 20 },
  'gag-wss-40': { relay: 'gag', browserLeg: 'wss', protocol: 'gag.v1', packetMs: 40 },
  'gag-wss-60': { relay: 'gag', browserLeg: 'wss', protocol: 'gag.v1', packetMs: 60 },
  'gag-legacy-wss': { relay: 'gag', browserLeg: 'wss', protocol: 'legacy', packetMs: 20 },
  'gag-ws-20': { relay: 'gag', browserLeg: 'ws', protocol: 'gag.v1', packetMs: 20 },
  'gag-ws-40': { relay: 'gag', browserLeg: 'ws', protocol: 'gag.v1', packetMs: 40 },
  'gag-wss-20-record': { relay: 'gag', browserLeg: 'wss', protocol: 'gag.v1', packetMs: 20, media: 'record' },
  'gag-wss-20-fork': { relay: 'gag', browserLeg: 'wss', protocol: 'gag.v1', packetMs: 20, media: 'fork-binary' },
  'gag-wss-20-fork-twilio': { relay: 'gag', browserLeg: 'wss', protocol: 'gag.v1', packetMs: 20, media: 'fork-twilio' },
};

/** What `npm run bench` compares by default: the floor first, then ours as deployed and its levers. */
export const DEFAULT_VARIANTS = 'bare,gag-wss-20,gag-wss-40,gag-legacy-wss,gag-ws-20';

/** `gag gag.v1 wss 40 ms` */
export const variantLabel = (v: RelayVariant): string => `${v.relay === 'bare' ? 'bare relay' : 'gag'} ${v.protocol} ${v.browserLeg} ${v.packetMs} ms${v.media === undefined ? '' : ` + ${v.media}`}`;

/** The same Origin for every relay of a run. */
const BENCH_ORIGIN = 'http://bench.test';

/** A relay process under load. */
export interface RelayTarget {
  readonly endpoints: Endpoints;
  readonly pid: number;
  /** Ours only: a snapshot over IPC (after two forced GCs when `gc`). */
  snapshot(gc?: boolean): Promise<GatewaySnapshot | undefined>;
  /** Ours only: reset the event-loop delay histogram at the start of the window. */
  resetLoopDelay(): Promise<void>;
  /** Warn/error lines it logged, by message (ours only). */
  readonly logCounts: ReadonlyMap<string, number>;
  /** The recording folder or fork sink of a fork-and-record variant. */
  readonly media?: MediaProbe;
  stop(): Promise<void>;
  kill(): void;
}

/** Where to find what a variant needs. */
export interface TargetNeeds {
  readonly tls: TlsChain;
  /** bare-relay.mjs, when this machine has it. */
  readonly bareSource: string | undefined;
  readonly cpuProfileDir?: string;
}

export async function startTarget(variant: RelayVariant, needs: TargetNeeds): Promise<RelayTarget> {
  const { tls } = needs;
  if (variant.relay === 'bare') {
    if (needs.bareSource === undefined) throw new Error('the bare relay is not on this machine');
    const secret = 'bench-secret-bench-secret-bench-secret-0123456789';
    const bare = await BareRelay.start({ source: needs.bareSource, certFile: tls.certFile, keyFile: tls.keyFile, secret, origin: BENCH_ORIGIN });
    return {
      endpoints: { asteriskUrl: bare.asteriskUrl, browserUrl: bare.browserUrl, secret, origin: BENCH_ORIGIN, ca: tls.ca },
      pid: bare.pid,
      snapshot: () => Promise.resolve(undefined),
      resetLoopDelay: () => Promise.resolve(),
      logCounts: new Map(),
      stop: () => bare.stop(),
      kill: () => bare.kill(),
    };
  }
  const wss = variant.browserLeg === 'wss';
  const media = variant.media === undefined ? undefined : await MediaProbe.start(variant.media);
  const gw = await GatewayHandle.start({
    ...(needs.cpuProfileDir === undefined ? {} : { cpuProfileDir: needs.cpuProfileDir }),
    config: { ...(wss ? { cert_file: tls.certFile, key_file: tls.keyFile } : {}), browser_packet_ms: variant.packetMs, ...media?.config },
  }).catch(async (err: unknown) => {
    await media?.close();
    throw err;
  });
  // The gateway names its wss:// URL by address; the certificate is for localhost.
  const browserUrl = gw.ready.browserUrl.replace('://127.0.0.1:', '://localhost:');
  media?.attach(`${browserUrl.replace(/^ws/, 'http')}/metrics`, wss ? tls.ca : undefined);
  return {
    endpoints: { ...gw.ready, browserUrl, ...(wss ? { ca: tls.ca } : {}) },
    pid: gw.pid!,
    snapshot: (gc = false) => (gc ? gw.gc() : gw.snapshot()),
    resetLoopDelay: () => gw.resetLoopDelay(),
    logCounts: gw.logCounts,
    ...(media === undefined ? {} : { media }),
    stop: async () => {
      await gw.stop();
      await media?.close();
    },
    kill: () => {
      gw.kill();
      void media?.close();
    },
  };
}
