/**
 * Click-to-call by call back. A user (a `dial` message or `POST /api/calls`, authenticated by its
 * token) asks for a number; the dialer checks it, rate-limits the extension, and asks Asterisk
 * (AMI or ARI) to ring the token's own extension and then dial the number. The originate carries a
 * random dial id; the call back that reaches the gateway with that id for that extension is the
 * user's own outbound call ({@link Dialer.claim}), once.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { DialErrorCode } from '@gag/sdk/protocol';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { SampledWarn } from '../sampled-log.js';
import { settledWithin } from '../settled-within.js';
import { fillTemplate, normaliseNumber, numberAllowed } from './dial-policy.js';
import type { Originator } from './originator.js';
import { RateLimiter, type RateDecision } from './rate-limit.js';

/**
 * How long an originate waits for the other nodes of a cluster to be told of its pending dial
 * (one Redis PUBLISH; Redis down answers at once): past it the dial goes on regardless.
 */
export const SHARE_PENDING_WAIT_MS = 500;

/** A pending dial is forgotten this long after Asterisk's ring timeout, if its call back never came. */
export const PENDING_GRACE_MS = 30_000;
/**
 * How many claimed dial ids are remembered, so that one arriving again is told apart from an
 * unknown one: Asterisk's leaked `v()` sends an old `dial=` with later calls on the same section
 * (calls/routing.ts), for as long as that section gets no call with its own `v()`.
 * @example if (dialer.claimedBefore(dialId)) log.debug({ dialId }, 'leaked dial id'); // one of the last CLAIMED_DIAL_IDS_KEPT
 */
export const CLAIMED_DIAL_IDS_KEPT = 1_000;

/**
 * One request, from an authenticated user.
 * @example const outcome = await gateway.dialer.dial({ extension: '2001', number: '03-1234-5678', phoneId: undefined, via: 'http' } satisfies DialRequest);
 */
export interface DialRequest {
  /** From the verified token: the only extension that can be rung back. */
  readonly extension: string;
  /** As the user wrote it. */
  readonly number: string;
  /** The phone that asked (a `dial` message): the call back rings only it while it is online. */
  readonly phoneId: string | undefined;
  /** The asking phone's `requestId`, echoed in the call back's `incoming` to that phone alone. */
  readonly requestId?: string | undefined;
  /** How it came: a phone's `dial` message (`ws`) or `POST /api/calls` (`http`). */
  readonly via: 'ws' | 'http';
  /** Told when Asterisk accepted the originate but the call back failed before reaching us. */
  readonly onLateFailure?: (code: DialErrorCode, message: string) => void;
}

/**
 * The answer to a {@link DialRequest}. `message` is a sentence for the user.
 * @example const outcome = await dialer.dial(request); if (!outcome.ok) reply(409, { code: outcome.code, message: outcome.message });
 */
export type DialOutcome =
  | {
      /** Accepted: Asterisk rings the extension back. */
      readonly ok: true;
      /** The id of this click-to-call, carried by the call back to match it. */
      readonly dialId: string;
      /** The number as it will be dialled (normalised). */
      readonly number: string;
    }
  | {
      /** Refused, or the originate failed. */
      readonly ok: false;
      /** Why, one of `DIAL_ERRORS`. */
      readonly code: DialErrorCode;
      /** A sentence for the user. */
      readonly message: string;
      /** With `rate_limited`: when the extension may ask again, in ms. */
      readonly retryAfterMs?: number;
    };

/**
 * An accepted dial waiting for its call back.
 * @example const pending: PendingDial | undefined = dialer.claim(dialId, '2001'); // the call back's match, once
 */
export interface PendingDial {
  /** The id of this click-to-call. */
  readonly dialId: string;
  /** The extension rung back. */
  readonly extension: string;
  /** The normalised number to call once it answers. */
  readonly number: string;
  /** The phone that asked, if it asked by `dial` (the call back rings only it while it is online). */
  readonly phoneId: string | undefined;
  /** The `requestId` of the phone's `dial` (undefined for `POST /api/calls`). */
  readonly requestId: string | undefined;
}

interface Entry extends PendingDial {
  readonly timer: NodeJS.Timeout;
  readonly via: DialRequest['via'];
  readonly onLateFailure: DialRequest['onLateFailure'];
  /** Set once the originate's answer arrived: a failure after it is reported as late. */
  accepted: boolean;
  /** A failure reported before the originate's answer (AMI sends both in one read). */
  failedEarly: string | undefined;
  /** Another node's dial, adopted (cluster): its originate and failures are that node's. */
  readonly remote: boolean;
}

/**
 * A click-to-call request and its outcome, as the dialer reports it (metrics, the monitor feed).
 * @example monitor.onmessage = (e) => { const ev = JSON.parse(e.data); if (ev.type === 'dial') show((ev.dial as DialActivity).result); };
 */
export interface DialActivity {
  /** The extension that asked. */
  readonly extension: string;
  /** The normalised number; undefined when it could not be read as one. */
  readonly number: string | undefined;
  /** Set when accepted (and on a late failure). */
  readonly dialId: string | undefined;
  /** `accepted`, or why it was refused or failed. */
  readonly result: 'accepted' | DialErrorCode;
  /** How it came: a phone's `dial` message (`ws`) or `POST /api/calls` (`http`). */
  readonly via: 'ws' | 'http';
  /** In a cluster's `/monitor`, another node's request names its node. */
  readonly node?: string;
}

/** What the dialer needs. */
export interface DialerOptions {
  readonly config: () => GatewayConfig;
  /** Undefined when `originate` is `none`. */
  readonly originator: Originator | undefined;
  /** Every request answered, and every accepted one failing later (the gateway's activity feed). */
  readonly onDial: (dial: DialActivity) => void;
  readonly log: Logger;
  /**
   * In a cluster (issue 17): a dial of this node now waits for its call back, which Asterisk may
   * send to another node (they adopt it with {@link Dialer.adoptRemote}) for up to `ttlMs`. The
   * originate waits until what it returns settles (the other nodes were told), at most
   * {@link SHARE_PENDING_WAIT_MS}: a call back must not reach a node before the dial does.
   */
  readonly onPending?: ((dial: PendingDial, ttlMs: number) => unknown) | undefined;
  /** In a cluster: a dial's call back arrived here, or its originate failed: the other nodes forget it. */
  readonly onSettled?: ((dialId: string) => void) | undefined;
  /** In a cluster: the rate limit counted across the nodes; undefined from it means count here. */
  readonly sharedRate?: ((extension: string, limit: number) => Promise<RateDecision | undefined>) | undefined;
}

/**
 * Checks, rate-limits and originates click-to-call requests, and recognises their call backs.
 * @example
 * const outcome = await dialer.dial({ extension: claims.extension, number: '03-1234-5678', phoneId: phone.id, via: 'ws' });
 * // later, when a call arrives with a dial id:
 * const pending = dialer.claim(dialId, extension);
 */
export class Dialer {
  readonly #options: DialerOptions;
  readonly #limiter = new RateLimiter();
  readonly #pending = new Map<string, Entry>();
  /** The last {@link CLAIMED_DIAL_IDS_KEPT} claimed dial ids, oldest first. */
  readonly #claimed = new Set<string>();
  readonly #log: Logger;
  /** Refusals a user can cause at any rate: one warn line per interval with the counts by code. */
  readonly #refusals: SampledWarn;

  constructor(options: DialerOptions) {
    this.#options = options;
    this.#log = options.log.child({ module: 'dialer' });
    this.#refusals = new SampledWarn(this.#log, 'dial refused');
    if (options.originator !== undefined) options.originator.onLateFailure = (dialId, detail) => this.#lateFailure(dialId, detail);
  }

  /** Whether click-to-call is configured (`originate` is not `none`). */
  get enabled(): boolean {
    return this.#options.originator !== undefined;
  }

  /** Accepted dials whose call back has not arrived yet. */
  get pending(): readonly PendingDial[] {
    return [...this.#pending.values()];
  }

  /** Whether the backend can originate now; true when click-to-call is off (nothing to wait for). */
  isReady(): Promise<boolean> {
    return this.#options.originator?.isReady() ?? Promise.resolve(true);
  }

  /** Check and originate one request. Never throws: every refusal is an outcome with a code. */
  async dial(request: DialRequest): Promise<DialOutcome> {
    const { extension, via } = request;
    const originator = this.#options.originator;
    const config = this.#options.config();
    const number = normaliseNumber(request.number);
    const refuse = (code: DialErrorCode, message: string, extra: { retryAfterMs?: number } = {}): DialOutcome => {
      this.#refusals.count(code, { exten: extension, number, via });
      this.#options.onDial({ extension, number, dialId: undefined, result: code, via });
      return { ok: false, code, message, ...extra };
    };
    if (originator === undefined) return refuse('not_enabled', 'click-to-call is not enabled on this gateway');
    // Every request counts, a refused number too (issue 15): probing the pattern is as limited as calling.
    const limit = config.dial_rate_limit_per_min;
    const rate = (await this.#options.sharedRate?.(extension, limit)) ?? this.#limiter.take(extension, limit);
    if (!rate.ok) {
      const seconds = Math.ceil(rate.retryAfterMs / 1_000);
      return refuse('rate_limited', `too many calls: try again in ${seconds} s`, { retryAfterMs: rate.retryAfterMs });
    }
    if (number === undefined || !numberAllowed(number, config)) {
      return refuse('number_not_allowed', 'this number may not be called from here');
    }
    const dialId = randomUUID();
    const values = { ext: extension, number };
    const timeoutMs = config.ring_timeout_ms;
    // Pending before the originate (here and on the other nodes): Asterisk may ring back before its answer reaches us.
    const shared = this.#remember({ dialId, extension, number, phoneId: request.phoneId, requestId: request.requestId, via, onLateFailure: request.onLateFailure }, timeoutMs + PENDING_GRACE_MS);
    if (shared !== undefined) await settledWithin(shared, SHARE_PENDING_WAIT_MS);
    const result = await originator.originate({
      dialId,
      channel: fillTemplate(config.originate_channel_template, values),
      context: config.originate_context,
      exten: number,
      callerId: config.originate_caller_id === undefined ? undefined : fillTemplate(config.originate_caller_id, values),
      timeoutMs,
    });
    const entry = this.#pending.get(dialId);
    if (entry !== undefined) entry.accepted = true;
    if (!result.ok || entry?.failedEarly !== undefined) {
      this.#forget(dialId);
      this.#options.onSettled?.(dialId);
      return result.ok ? refuse('originate_failed', entry?.failedEarly ?? '') : refuse(result.code, result.detail);
    }
    this.#log.info({ exten: extension, number, dialId, via, backend: originator.backend }, 'dial originated');
    this.#options.onDial({ extension, number, dialId, result: 'accepted', via });
    return { ok: true, dialId, number };
  }

  /**
   * The call back with `dialId` reached the gateway for `extension`: its pending dial, once. An
   * unknown id, one already claimed, or one for another extension gives undefined.
   */
  claim(dialId: string, extension: string): PendingDial | undefined {
    const entry = this.#pending.get(dialId);
    if (entry === undefined || entry.extension !== extension) return undefined;
    this.#forget(dialId);
    this.#options.onSettled?.(dialId);
    this.#markClaimed(dialId);
    return { dialId: entry.dialId, extension: entry.extension, number: entry.number, phoneId: entry.phoneId, requestId: entry.requestId };
  }

  /** Whether an earlier call back already claimed `dialId` (one of the last {@link CLAIMED_DIAL_IDS_KEPT}). */
  claimedBefore(dialId: string): boolean {
    return this.#claimed.has(dialId);
  }

  /**
   * Another node's dial (cluster): its call back may reach this node, which then claims it like
   * one of its own (the asking phone is another node's, registered here as a remote phone).
   */
  adoptRemote(dial: PendingDial, ttlMs: number): void {
    if (this.#pending.has(dial.dialId) || this.#claimed.has(dial.dialId)) return;
    this.#remember({ ...dial, via: 'ws', onLateFailure: undefined, remote: true }, ttlMs);
    this.#pending.get(dial.dialId)!.accepted = true;
  }

  /**
   * A dial was settled on another node (cluster): its call back arrived there, or, for another
   * node's dial, its originate failed. Its call back will not come here.
   */
  settledElsewhere(dialId: string): void {
    if (!this.#pending.has(dialId)) return;
    this.#forget(dialId);
    this.#markClaimed(dialId);
  }

  #markClaimed(dialId: string): void {
    this.#claimed.add(dialId);
    if (this.#claimed.size > CLAIMED_DIAL_IDS_KEPT) this.#claimed.delete(this.#claimed.values().next().value ?? '');
  }

  /** Forget every pending dial. */
  close(): void {
    this.#refusals.close();
    for (const dialId of [...this.#pending.keys()]) this.#forget(dialId);
    this.#claimed.clear();
  }

  /** Keep a dial pending; one of this node's is also shared (what `onPending` returned). */
  #remember(dial: Omit<Entry, 'timer' | 'accepted' | 'failedEarly' | 'remote'> & { remote?: boolean }, ttlMs: number): unknown {
    const timer = setTimeout(() => {
      this.#pending.delete(dial.dialId);
      if (dial.remote !== true) this.#log.info({ exten: dial.extension, dialId: dial.dialId }, 'dial expired without a call back');
    }, ttlMs);
    this.#pending.set(dial.dialId, { ...dial, timer, accepted: false, failedEarly: undefined, remote: dial.remote === true });
    if (dial.remote === true) return undefined;
    return this.#options.onPending?.({ dialId: dial.dialId, extension: dial.extension, number: dial.number, phoneId: dial.phoneId, requestId: dial.requestId }, ttlMs);
  }

  #forget(dialId: string): void {
    const entry = this.#pending.get(dialId);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#pending.delete(dialId);
  }

  #lateFailure(dialId: string, detail: string): void {
    const entry = this.#pending.get(dialId);
    if (entry === undefined) return; // its call back arrived (that call tells its own end) or it expired
    // Before the originate's own answer: dial() reports it, so `dial_failed` never precedes `dialing`.
    if (!entry.accepted) return void (entry.failedEarly = detail);
    this.#forget(dialId);
    this.#options.onSettled?.(dialId);
    this.#log.warn({ exten: entry.extension, dialId, detail }, 'call back failed');
    this.#options.onDial({ extension: entry.extension, number: entry.number, dialId, result: 'originate_failed', via: entry.via });
    entry.onLateFailure?.('originate_failed', detail);
  }
}
