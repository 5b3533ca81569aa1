/**
 * `GET /metrics` in the Prometheus text format, through prom-client with a registry of our own
 * (several gateways may run in one process, as in the tests). Gauges are read at scrape time from
 * the router and the registry; the audio path only bumps each connection's plain integers, whose
 * sums (`RelayCounters`) become counters at scrape time: nothing on the hot path takes labels,
 * allocates or observes a histogram. The event-loop delay comes from `monitorEventLoopDelay`, reset at every scrape.
 * @packageDocumentation
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry as PromRegistry } from '../prom-classes.js';
import { SUPERVISE_MODES, type SuperviseMode } from '@gag/sdk/protocol';
import { BasicAuth } from '../access/basic-auth.js';
import { IpAcl } from '../access/ip-acl.js';
import { CONNECTION_LIMITS, type ConnectionLimit } from '../browser/admission.js';
import type { Registry } from '../browser/registration.js';
import type { Activity } from '../calls/activity.js';
import type { Call } from '../calls/call.js';
import { DTMF_DIGIT_RESULTS, type DtmfDigitResult } from '../calls/keypad.js';
import type { RelayCounters } from '../calls/relay-totals.js';
import type { DialActivity } from '../originate/dialer.js';

/** Where a refusal happened, the `side` label of `gag_auth_failures_total`. */
export type AuthSide = 'browser' | 'asterisk' | 'api';

/** Buckets of `gag_call_setup_seconds`: from Asterisk's call arriving to a phone answering. */
const SETUP_BUCKETS_S = [0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60];
/** Sampling resolution of the event-loop delay histogram. */
const LOOP_RESOLUTION_MS = 20;

/** What the metrics read at scrape time. */
export interface MetricsSources {
  readonly calls: () => readonly Call[];
  readonly registry: Registry;
  readonly activity: Activity;
  /** Whether the click-to-call backend can originate; undefined when click-to-call is off. */
  readonly originateReady: (() => Promise<boolean>) | undefined;
  /** Supervisors in calls now, by mode (issue 21). */
  readonly supervisions?: () => Readonly<Record<SuperviseMode, number>>;
}

const directionOf = (call: Call): 'inbound' | 'outbound' => (call.outbound === undefined ? 'inbound' : 'outbound');

/**
 * The gateway's metrics.
 * @example
 * const metrics = new GatewayMetrics({ calls: () => router.calls, registry, activity, originateReady });
 * res.writeHead(200, { 'Content-Type': metrics.contentType }).end(await metrics.render());
 */
export class GatewayMetrics {
  readonly #prom = new PromRegistry();
  readonly #loop: IntervalHistogram;
  readonly #authFailures: Counter<'side' | 'reason'>;
  readonly #limitRefusals: Counter<'reason'>;
  readonly #onCall: (call: Call, previous: string) => void;
  readonly #onDial: (dial: DialActivity) => void;
  readonly #onDtmf: (result: DtmfDigitResult) => void;
  readonly #activity: Activity;

  /** @internal Where other parts of the gateway register their own metrics (recordings). */
  get prom(): PromRegistry {
    return this.#prom;
  }

  constructor(sources: MetricsSources) {
    const registers = [this.#prom];
    this.#activity = sources.activity;
    this.#loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#loop.enable();

    new Gauge({
      name: 'gag_calls',
      help: 'Calls now, by state (routing, ringing, talking) and direction.',
      labelNames: ['state', 'direction'] as const,
      registers,
      collect() {
        this.reset();
        for (const state of ['routing', 'ringing', 'talking'] as const) for (const direction of ['inbound', 'outbound'] as const) this.set({ state, direction }, 0);
        for (const call of sources.calls()) if (call.state !== 'ended') this.inc({ state: call.state, direction: directionOf(call) });
      },
    });
    const started = new Counter({ name: 'gag_calls_total', help: 'Calls that rang a phone, by direction.', labelNames: ['direction'] as const, registers });
    const ended = new Counter({ name: 'gag_calls_ended_total', help: 'Calls that ended, by end reason and direction.', labelNames: ['reason', 'direction'] as const, registers });
    const setup = new Histogram({
      name: 'gag_call_setup_seconds',
      help: "Time from Asterisk's call arriving to a phone answering it.",
      labelNames: ['direction'] as const,
      buckets: SETUP_BUCKETS_S,
      registers,
    });
    new Gauge({
      name: 'gag_sessions',
      help: 'Logged-in browser connections, by protocol.',
      labelNames: ['protocol'] as const,
      registers,
      collect() {
        this.set({ protocol: 'gag.v1' }, 0);
        this.set({ protocol: 'legacy' }, 0);
        // This node's own: another node's phones mirrored here are counted by that node.
        for (const phone of sources.registry.all()) if (phone.node === undefined) this.inc({ protocol: phone.protocol });
      },
    });
    relayCounter(registers, 'gag_audio_frames_total', 'Audio frames (20 ms) relayed, by direction.', sources.activity.relay, {
      to_browser: 'framesToBrowser',
      to_asterisk: 'framesToAsterisk',
    });
    relayCounter(registers, 'gag_audio_bytes_total', 'Audio bytes relayed, by direction.', sources.activity.relay, {
      to_browser: 'bytesToBrowser',
      to_asterisk: 'bytesToAsterisk',
    });
    relayCounter(
      registers,
      'gag_audio_frames_dropped_total',
      'Audio frames dropped: to_browser when a browser is over its backlog limit, to_asterisk while Asterisk says MEDIA_XOFF or has not read the last second sent.',
      sources.activity.relay,
      { to_browser: 'framesDroppedToBrowser', to_asterisk: 'framesDroppedToAsterisk' },
    );
    this.#authFailures = new Counter({
      name: 'gag_auth_failures_total',
      help: 'Refused connections and requests, by side (browser, asterisk, api) and reason.',
      labelNames: ['side', 'reason'] as const,
      registers,
    });
    this.#limitRefusals = new Counter({
      name: 'gag_connections_refused_total',
      help: 'Browser connections refused by a limit, by reason: pending_total (HTTP 503), pending_per_ip (429), sessions_per_extension (close 4200), sessions_per_token (4201).',
      labelNames: ['reason'] as const,
      registers,
    });
    for (const reason of CONNECTION_LIMITS) this.#limitRefusals.inc({ reason }, 0);
    const dials = new Counter({
      name: 'gag_dial_requests_total',
      help: 'Click-to-call requests, by result (accepted or the dial error code) and how they came (ws, http).',
      labelNames: ['result', 'via'] as const,
      registers,
    });
    const dtmf = new Counter({
      name: 'gag_dtmf_digits_total',
      help: 'Keys pressed on phones, pressed on Asterisk\'s side of the call over AMI (PlayDTMF), by result: sent, failed (refused, AMI unreachable), dropped (too many waiting, or the call ended).',
      labelNames: ['result'] as const,
      registers,
    });
    for (const result of DTMF_DIGIT_RESULTS) dtmf.inc({ result }, 0);
    if (sources.originateReady !== undefined) {
      const ready = sources.originateReady;
      new Gauge({
        name: 'gag_originate_ready',
        help: 'Whether the click-to-call backend (AMI logged in, or ARI answering) can originate: 1 or 0.',
        registers,
        async collect() {
          this.set((await ready()) ? 1 : 0);
        },
      });
    }
    if (sources.supervisions !== undefined) {
      const supervisions = sources.supervisions;
      new Gauge({
        name: 'gag_supervisions',
        help: 'Supervisors in calls now, by mode: listen, whisper, barge (docs/supervisors.md).',
        labelNames: ['mode'] as const,
        registers,
        collect() {
          const counts = supervisions();
          for (const mode of SUPERVISE_MODES) this.set({ mode }, counts[mode]);
        },
      });
    }
    const loop = this.#loop;
    new Gauge({
      name: 'gag_event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape: p50, p99 and max.',
      labelNames: ['stat'] as const,
      registers,
      collect() {
        const empty = loop.count === 0;
        this.set({ stat: 'p50' }, empty ? 0 : loop.percentile(50) / 1e9);
        this.set({ stat: 'p99' }, empty ? 0 : loop.percentile(99) / 1e9);
        this.set({ stat: 'max' }, empty ? 0 : loop.max / 1e9);
        loop.reset();
      },
    });

    this.#onCall = (call, previous) => {
      const direction = directionOf(call);
      if (call.state === 'ringing' && previous === 'routing') started.inc({ direction });
      if (call.state === 'talking' && call.answeredAtMs !== undefined) setup.observe({ direction }, (call.answeredAtMs - call.startedAtMs) / 1_000);
      if (call.state === 'ended') ended.inc({ reason: call.endReason ?? 'failed', direction });
    };
    this.#onDial = (dial) => dials.inc({ result: dial.result, via: dial.via });
    this.#onDtmf = (result) => dtmf.inc({ result });
    sources.activity.on('call', this.#onCall);
    sources.activity.on('dial', this.#onDial);
    sources.activity.on('dtmf', this.#onDtmf);
  }

  /** The `Content-Type` of {@link render}'s text. */
  get contentType(): string {
    return this.#prom.contentType;
  }

  /** The metrics in the Prometheus text format. */
  render(): Promise<string> {
    return this.#prom.metrics();
  }

  /** Count a refusal. `reason` is a fixed word (a TokenRefusal, AsteriskRefusal or AdminRefusal), never input. */
  authFailure(side: AuthSide, reason: string): void {
    this.#authFailures.inc({ side, reason });
  }

  /** Count a connection refused by a limit. */
  connectionRefused(limit: ConnectionLimit): void {
    this.#limitRefusals.inc({ reason: limit });
  }

  /** An IP allow-list that counts what it refuses (for the Asterisk listener, which does not report). */
  countingAcl(rules: readonly string[], side: AuthSide): IpAcl {
    return new CountingIpAcl(rules, () => this.authFailure(side, 'ip_not_allowed'));
  }

  /** Basic credentials that count refusals as `credentials_missing` / `credentials_wrong`. */
  countingBasicAuth(username: string, password: string): BasicAuth {
    return new CountingBasicAuth(username, password, (result) => this.authFailure('asterisk', `credentials_${result}`));
  }

  /** Stop measuring the event loop and listening to the activity. */
  close(): void {
    this.#loop.disable();
    this.#activity.off('call', this.#onCall);
    this.#activity.off('dial', this.#onDial);
    this.#activity.off('dtmf', this.#onDtmf);
  }
}

/** A counter whose values are the relay's totals, added to the counter at each scrape. */
function relayCounter<L extends string>(
  registers: PromRegistry[],
  name: string,
  help: string,
  relay: RelayCounters,
  fields: Readonly<Record<L, keyof RelayCounters>>,
): void {
  const reported = new Map<L, number>();
  new Counter({
    name,
    help,
    labelNames: ['direction'],
    registers,
    collect() {
      for (const direction of Object.keys(fields) as L[]) {
        const now = relay[fields[direction]];
        const delta = now - (reported.get(direction) ?? 0);
        reported.set(direction, now);
        this.inc({ direction }, delta);
      }
    },
  });
}

class CountingIpAcl extends IpAcl {
  readonly #onRefused: () => void;
  constructor(rules: readonly string[], onRefused: () => void) {
    super(rules);
    this.#onRefused = onRefused;
  }
  override allows(remoteAddress: string | undefined): boolean {
    const ok = super.allows(remoteAddress);
    if (!ok) this.#onRefused();
    return ok;
  }
}

class CountingBasicAuth extends BasicAuth {
  readonly #onRefused: (result: 'missing' | 'wrong') => void;
  constructor(username: string, password: string, onRefused: (result: 'missing' | 'wrong') => void) {
    super(username, password);
    this.#onRefused = onRefused;
  }
  override check(header: string | undefined): ReturnType<BasicAuth['check']> {
    const result = super.check(header);
    if (result !== 'ok') this.#onRefused(result);
    return result;
  }
}
