/**
 * Where Asterisk's calls meet the browsers: each call's leg is matched to the online phones of
 * its extension; browser messages and audio are routed to the call they belong to. What a call
 * does on entering a state happens in the call (`call.ts`); the router only keeps the books that
 * span calls (which phone talks in which call), told by the call's `onState`.
 * @packageDocumentation
 */
import type { CallState, ClientMessage, WireFormat } from '@gag/sdk/protocol';
import type { AsteriskLeg, MediaStart } from '../asterisk/leg.js';
import type { Registry } from '../browser/registration.js';
import type { Phone, PhoneMessage } from '../browser/phone.js';
import { NO_GROUPS, type GroupsConfig } from '../config/groups.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Dialer, PendingDial } from '../originate/dialer.js';
import type { DtmfSender } from '../originate/originator.js';
import type { Activity } from './activity.js';
import { Call, type CallOptions } from './call.js';
import { extensionsOf, ringPlanFor } from './ring-plan.js';
import { URI_PARAMS_LEAKED, routingOf } from './routing.js';

/** What the router reads: the registry and the current config and groups. */
export interface RouterOptions {
  readonly registry: Registry;
  readonly config: () => GatewayConfig;
  readonly groups: () => GroupsConfig;
  readonly log: Logger;
  /** Where calls report their state and relay counters. */
  readonly activity: Activity;
  /** Click-to-call: takes `dial` messages and recognises call backs. */
  readonly dialer: Dialer;
  /** Presses the talking phone's keys on Asterisk (AMI); undefined when the backend cannot, and `dtmf` is not offered. */
  readonly dtmf?: DtmfSender | undefined;
  /** Supervisors' requests and voices (supervise/desk.ts, issue 21); without it they are refused as from no supervisor. */
  readonly supervisors?: SupervisorPort | undefined;
  /** Whether a phone is in a call another node of the cluster holds (cluster/phone-host.ts): then it is not rung. */
  readonly busyElsewhere?: ((phone: Phone) => boolean) | undefined;
}

/** The messages only a supervisor may send. */
export type SupervisorMessage = Extract<ClientMessage, { type: 'board' | 'supervise' | 'unsupervise' }>;

/**
 * What the router needs of the supervisors' side (supervise/desk.ts implements it; calls/ does
 * not import supervise/, which builds on calls/).
 */
export interface SupervisorPort {
  /** A `board`, `supervise` or `unsupervise` from `phone` (refused there unless it is a supervisor's). */
  handle(phone: Phone, message: SupervisorMessage): void;
  /** Audio from `phone`: its voice if it supervises a call (true), else false. */
  voice(phone: Phone, frames: Buffer): boolean;
  /** Whether `phone` supervises a call now (then it is not rung). */
  supervising(phone: Phone): boolean;
  /** `phone`'s session closed. */
  lost(phone: Phone): void;
}

type DialMessage = Extract<ClientMessage, { type: 'dial' }>;

/**
 * Matches Asterisk's calls to phones and routes every phone message and frame to its call.
 * @example
 * const router = new Router({ registry, config: () => config, groups: () => groups, log, activity, dialer });
 * asteriskListener.onLeg = (leg) => router.addLeg(leg);
 */
export class Router {
  readonly #calls = new Map<string, Call>();
  /** The call each phone is talking in (one at a time). */
  readonly #talking = new Map<Phone, Call>();
  readonly #options: RouterOptions;

  constructor(options: RouterOptions) {
    this.#options = options;
  }

  /** Calls not yet ended. */
  get calls(): readonly Call[] {
    return [...this.#calls.values()];
  }

  /** A new socket from Asterisk. */
  addLeg(leg: AsteriskLeg): void {
    leg.once('start', (start) => this.#route(leg, start));
  }

  /** A ready phone (a logged-in browser). */
  addPhone(phone: Phone): void {
    phone.on('message', (message) => this.#onMessage(phone, message));
    phone.on('audio', (frames) => {
      const call = this.#talking.get(phone);
      if (call !== undefined) call.audioFromBrowser(phone, frames);
      else this.#options.supervisors?.voice(phone, frames);
    });
    phone.once('closed', () => {
      this.#options.supervisors?.lost(phone);
      for (const call of this.#calls.values()) if (call.involves(phone)) call.lost(phone);
    });
    // Calls already ringing its extension ring it too (a tab taking a call over from another).
    for (const call of this.#calls.values()) call.offer(phone);
  }

  /** The call `phone` is talking in, if any. */
  callOf(phone: Phone): Call | undefined {
    return this.#talking.get(phone);
  }

  /** The live call with `callId`, if any. */
  call(callId: string): Call | undefined {
    return this.#calls.get(callId);
  }

  /** `phone` is busy elsewhere (it supervises a call): every call ringing it stops ringing it. */
  stopRinging(phone: Phone): void {
    for (const call of this.#calls.values()) if (call.state === 'ringing' && call.involves(phone)) call.reject(phone);
  }

  /** Hang up the call with `callId` on both sides (operations API); false if there is none. */
  hangup(callId: string): boolean {
    const call = this.#calls.get(callId);
    if (call === undefined) return false;
    call.hangupByOperator();
    return true;
  }

  /** Hang up every call (shutdown). */
  hangupAll(): void {
    for (const call of this.#calls.values()) call.abort();
  }

  #route(leg: AsteriskLeg, start: MediaStart): void {
    const config = this.#options.config();
    const dialer = this.#options.dialer;
    const { extension, caller, dialId, leaked } = routingOf(start, leg.params, config, (id) => dialer.claimedBefore(id));
    const log = this.#options.log.child({ connectionId: start.connectionId, exten: extension });
    if (leaked !== undefined) log.warn({ ...leaked, ignoredParams: [...leg.params.keys()] }, URI_PARAMS_LEAKED);
    if (extension === undefined) {
      log.warn({ pattern: config.exten_search_pattern }, 'no extension for call; hanging up');
      return leg.hangup();
    }
    const dial = dialId === undefined ? undefined : dialer.claim(dialId, extension);
    if (dialId !== undefined && dial === undefined) log.warn({ dialId }, 'call back with an unknown dial id rings as an ordinary call');
    // A call back rings the user's own extension, never a group of that name.
    const plan = ringPlanFor(extension, dial === undefined ? this.#options.groups() : NO_GROUPS, config.ring_timeout_ms);
    const everyone = extensionsOf(plan);
    const format = start.codec;
    const available = (extensions: readonly string[]): Phone[] => this.#availableFor(extensions, dial, format);
    if (available(everyone).length === 0) {
      const online = everyone.flatMap((e) => this.#options.registry.phonesFor(e));
      const speaking = online.filter((p) => p.formats.includes(format));
      // A legacy webphone speaks slin16 only: online, yet not for a c(ulaw) call.
      const msg =
        online.length === 0 ? 'nobody online; hanging up' : speaking.length === 0 ? 'no phone online speaks the codec; hanging up' : 'all phones busy; hanging up';
      log.info({ group: plan.group, codec: format }, msg);
      return leg.hangup();
    }
    const call = new Call({
      leg,
      format,
      extension,
      caller,
      plan,
      available,
      log,
      outbound: dial === undefined ? undefined : { dialId: dial.dialId, number: dial.number, phoneId: dial.phoneId, requestId: dial.requestId },
      onState: (c, previous) => this.#onCallState(c, previous),
      keypad: this.#keypadFor(start),
    });
    this.#calls.set(call.id, call);
    leg.audioTo(call);
    leg.on('dtmf', (digit) => call.dtmfFromAsterisk(digit));
    leg.once('closed', () => call.asteriskClosed());
    call.ring();
  }

  /**
   * The phones a call may ring: for the call back of a `dial`, only the phone that asked while it
   * is available (the user clicked there); otherwise, or once it is gone, every phone.
   */
  #availableFor(extensions: readonly string[], dial: PendingDial | undefined, format: WireFormat): Phone[] {
    const phones = this.#available(extensions, format);
    const asker = dial?.phoneId === undefined ? undefined : phones.find((p) => p.id === dial.phoneId);
    return asker === undefined ? phones : [asker];
  }

  /**
   * The phones of `extensions` that are online, not talking and able to speak `format`, each
   * once. A legacy webphone speaks slin16 only, and the gateway never transcodes.
   */
  #available(extensions: readonly string[], format: WireFormat): Phone[] {
    const phones = new Set(extensions.flatMap((e) => this.#options.registry.phonesFor(e)));
    const supervisors = this.#options.supervisors;
    const elsewhere = this.#options.busyElsewhere;
    return [...phones].filter((p) => p.canTakeCall && !this.#talking.has(p) && p.formats.includes(format) && supervisors?.supervising(p) !== true && elsewhere?.(p) !== true);
  }

  #onMessage(phone: Phone, message: PhoneMessage): void {
    if (message.type === 'dial') {
      this.#dial(phone, message).catch((err: unknown) => {
        phone.log.error({ err }, 'dial crashed');
        phone.send({ type: 'dial_failed', requestId: message.requestId, code: 'originate_failed', message: 'internal error' });
      });
      return;
    }
    if (message.type === 'board' || message.type === 'supervise' || message.type === 'unsupervise') {
      if (this.#options.supervisors !== undefined) return this.#options.supervisors.handle(phone, message);
      return phone.send({ type: 'supervisor_refused', request: message.type, code: 'not_supervisor', message: 'this gateway has no supervisors' });
    }
    if (!('callId' in message)) return; // not about a call (answered by the phone itself)
    const call = this.#calls.get(message.callId);
    if (call === undefined || !call.involves(phone)) {
      // Legitimate race: the call ended (or went elsewhere) while the message was on its way.
      phone.log.debug({ type: message.type, callId: message.callId }, 'message for no call of this session');
      return;
    }
    switch (message.type) {
      case 'answer':
        if (this.#talking.has(phone)) {
          phone.log.debug({ callId: call.id }, 'answer while in another call dropped');
          return;
        }
        return call.answer(phone);
      case 'reject':
        return call.reject(phone);
      case 'hangup':
        return call.hangup(phone);
      case 'dtmf':
        return call.dtmfFromBrowser(phone, message.digits);
    }
  }

  /**
   * A call changed state (its own side effects done): the books that span calls follow, in the
   * order watchers have always seen them (an ended call is gone from {@link Router.calls} when
   * its `ended` is emitted; a call's `talking` is emitted before the other calls stop ringing its phone).
   */
  #onCallState(call: Call, previous: CallState): void {
    if (call.state === 'ended') this.#forget(call);
    this.#options.activity.emit('call', call, previous);
    const phone = call.talkingWith;
    if (call.state !== 'talking' || previous === 'talking' || phone === undefined) return;
    this.#talking.set(phone, call);
    // In a call now: it stops ringing for every other call (a group moves on, a lone phone's caller gets HANGUP).
    for (const other of this.#calls.values()) if (other !== call && other.involves(phone)) other.reject(phone);
  }

  /** A `dial` from a logged-in phone: for the token's extension only (the message cannot name another). */
  async #dial(phone: Phone, message: DialMessage): Promise<void> {
    const extension = phone.extension;
    if (extension === undefined) return;
    const { requestId } = message;
    const outcome = await this.#options.dialer.dial({
      extension,
      number: message.number,
      phoneId: phone.id,
      requestId,
      via: 'ws',
      onLateFailure: (code, text) => phone.send({ type: 'dial_failed', requestId, code, message: text }),
    });
    phone.send(
      outcome.ok
        ? { type: 'dialing', requestId, dialId: outcome.dialId, number: outcome.number }
        : { type: 'dial_failed', requestId, code: outcome.code, message: outcome.message },
    );
  }

  /** Where a call's keys go: its channel, through the backend that can press them, counted. */
  #keypadFor(start: MediaStart): CallOptions['keypad'] {
    const sender = this.#options.dtmf;
    if (sender === undefined) return undefined;
    return { sender, channel: start.channel, onDigit: (result) => this.#options.activity.emit('dtmf', result) };
  }

  /** The call ended: it no longer routes, and its phone (even one lost with it) is free. */
  #forget(call: Call): void {
    this.#calls.delete(call.id);
    for (const [phone, c] of this.#talking) if (c === call) this.#talking.delete(phone);
  }
}
