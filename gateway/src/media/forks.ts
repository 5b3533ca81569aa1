/**
 * The gateway's live forks (issue 20): which answered calls the config forks (all, by
 * extension, by group) and the ones the operations API starts and stops, with their state and
 * counters for `/metrics`, `/api/calls/:id/fork` and the monitor.
 * @packageDocumentation
 */
import { Counter, Gauge, type Registry as PromRegistry } from '../prom-classes.js';
import type { CallState } from '@gag/sdk/protocol';
import type { ForkActivity } from '../calls/activity.js';
import type { Call } from '../calls/call.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { BackoffPolicy, type ReconnectPolicy } from '../originate/reconnect-policy.js';
import { rulesName } from './call-rules.js';
import { Fork } from './fork.js';

/** Back-off of a fork's reconnections, ms: quick at first, then every 5 s while the call lasts. */
export const FORK_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1_000, 2_000, 5_000];

/** Why a fork could not start (the API's error codes). */
export type ForkRefusal = 'not_enabled' | 'not_talking' | 'already_forked';

/**
 * A fork as `/api/calls/:id/fork`, `/api/forks` and the monitor show it.
 * @example const { fork } = (await (await fetch(`${base}/api/calls/${id}/fork`, { method: 'POST', headers })).json()) as { fork: ForkView };
 */
export type ForkView = ForkActivity;

/** What the forks read. */
export interface ForksOptions {
  readonly config: () => GatewayConfig;
  readonly log: Logger;
  readonly prom: PromRegistry;
  /** When to reconnect a lost fork (default: {@link FORK_RETRY_DELAYS_MS} with jitter). */
  readonly policy?: ReconnectPolicy;
  /** A fork changed state (connected, lost, ended): the monitor tells its watchers. */
  readonly onChange?: (view: ForkView) => void;
}

/**
 * Every live fork of one gateway.
 * @example
 * const forks = new Forks({ config: () => current.config, log, prom });
 * activity.on('call', (call, previous) => forks.onCall(call, previous));
 */
export class Forks {
  readonly #options: ForksOptions;
  readonly #live = new Map<string, Fork>();
  readonly #policy: ReconnectPolicy;
  /** Counters of forks that have ended (the live ones are added at scrape time). */
  readonly #ended = { sent: 0, dropped: 0, reconnects: 0 };

  constructor(options: ForksOptions) {
    this.#options = options;
    this.#policy = options.policy ?? new BackoffPolicy({ delaysMs: FORK_RETRY_DELAYS_MS });
    const registers = [options.prom];
    const total = (key: 'sent' | 'dropped' | 'reconnects'): number => [...this.#live.values()].reduce((n, f) => n + f.stats[key], this.#ended[key]);
    const live = this.#live;
    new Gauge({
      name: 'gag_forks',
      help: 'Live forks now, by state (connecting, open, reconnecting).',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.reset();
        for (const state of ['connecting', 'open', 'reconnecting'] as const) this.set({ state }, 0);
        for (const fork of live.values()) if (fork.state !== 'closed') this.inc({ state: fork.state });
      },
    });
    const counter = (name: string, help: string, key: 'sent' | 'dropped' | 'reconnects'): void =>
      void new Counter({ name, help, registers, collect() { this.reset(); this.inc(total(key)); } });
    counter('gag_fork_messages_sent_total', 'Messages (a 20 ms frame of one track, or an event) sent to fork services.', 'sent');
    counter('gag_fork_messages_dropped_total', 'Messages not sent to fork services: the socket was not open or its buffer was full (the call was not affected).', 'dropped');
    counter('gag_fork_reconnects_total', 'Fork connections made again after a loss or a refusal.', 'reconnects');
  }

  /** A call changed state: an answered call the rules name, or whose agent's token asks for it (`gag_fork`), is forked. */
  onCall(call: Call, previous: CallState): void {
    if (call.state !== 'talking' || previous === 'talking') return;
    const c = this.#options.config();
    if (c.fork_url === undefined) return;
    if (rulesName({ all: c.fork_all_calls, extensions: c.fork_extensions, groups: c.fork_groups }, call) || call.talkingWith?.claims.fork === true) this.start(call);
  }

  /** The fork of a live call, if any. */
  of(callId: string): Fork | undefined {
    return this.#live.get(callId);
  }

  /** Fork `call` from now on. */
  start(call: Call): { ok: true; fork: Fork } | { ok: false; refusal: ForkRefusal } {
    const c = this.#options.config();
    if (c.fork_url === undefined) return { ok: false, refusal: 'not_enabled' };
    if (call.state !== 'talking') return { ok: false, refusal: 'not_talking' };
    if (this.#live.has(call.id)) return { ok: false, refusal: 'already_forked' };
    // The bound in bytes: base64 JSON carries about 4/3 of the audio plus ~150 bytes a frame.
    const bytesPerS = (c.fork_format === 'twilio' ? 4 / 3 : 1) * 2 * (call.format === 'slin16' ? 32_000 : call.format === 'slin' ? 16_000 : 8_000) + 2 * 50 * 150;
    const fork = new Fork(call, {
      url: c.fork_url,
      format: c.fork_format,
      customParameters: c.fork_parameters,
      maxBufferedBytes: Math.round((bytesPerS * c.fork_buffer_ms) / 1000),
      policy: this.#policy,
      audioBack: c.fork_audio_back,
      log: this.#options.log.child({ callId: call.id }),
      onState: (f) => {
        if (f.state === 'closed' && this.#live.get(call.id) === f) {
          this.#live.delete(call.id);
          for (const key of ['sent', 'dropped', 'reconnects'] as const) this.#ended[key] += f.stats[key];
        }
        this.#options.onChange?.(forkView(f, call.id));
      },
    });
    this.#live.set(call.id, fork);
    if (!fork.start()) return { ok: false, refusal: 'not_talking' };
    return { ok: true, fork };
  }

  /** Stop the fork of a live call; false when there is none. */
  stop(callId: string): boolean {
    const fork = this.#live.get(callId);
    if (fork === undefined) return false;
    fork.stop();
    return true;
  }

  /** Every live fork. */
  get all(): ForkView[] {
    return [...this.#live].map(([callId, fork]) => forkView(fork, callId));
  }
}

/** A fork as the API shows it. */
export const forkView = (fork: Fork, callId: string): ForkView => ({ streamSid: fork.streamSid, callId, state: fork.state, format: fork.format, ...fork.stats });
