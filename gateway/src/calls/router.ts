/**
 * Where Asterisk's calls meet the browsers: each call's leg is matched to the online sessions of
 * its extension; browser messages and audio are routed to the call they belong to.
 * @packageDocumentation
 */
import type { ClientMessage, WireFormat } from '@gag/sdk/protocol';
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
  /** The call each session is talking in (one at a time). */
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

  /** A ready browser session. */
  addSession(session: Phone): void {
    session.on('message', (message) => this.#onMessage(session, message));
    session.on('audio', (frames) => this.#talking.get(session)?.audioFromBrowser(session, frames));
    session.once('closed', () => {
      for (const call of this.#calls.values()) if (call.involves(session)) call.lost(session);
    });
    // Calls already ringing its extension ring it too (a tab taking a call over from another).
    for (const call of this.#calls.values()) call.offer(session);
  }

  /** The call `phone` is talking in, if any. */
  callOf(phone: Phone): Call | undefined {
    return this.#talking.get(phone);
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
      const online = everyone.flatMap((e) => this.#options.registry.sessionsFor(e));
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
      onEnded: (ended) => this.#forget(ended),
      outbound: dial === undefined ? undefined : { dialId: dial.dialId, number: dial.number },
      relay: this.#options.activity.relay,
      onState: (c, previous) => this.#options.activity.emit('call', c, previous),
      keypad: this.#keypadFor(start),
    });
    this.#calls.set(call.id, call);
    leg.on('audio', (frames) => call.audioFromAsterisk(frames));
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
    const phones = new Set(extensions.flatMap((e) => this.#options.registry.sessionsFor(e)));
    return [...phones].filter((p) => p.canTakeCall && !this.#talking.has(p) && p.formats.includes(format));
  }

  #onMessage(session: Phone, message: PhoneMessage): void {
    if (message.type === 'dial') {
      this.#dial(session, message).catch((err: unknown) => {
        session.log.error({ err }, 'dial crashed');
        session.send({ type: 'dial_failed', requestId: message.requestId, code: 'originate_failed', message: 'internal error' });
      });
      return;
    }
    if (!('callId' in message)) return; // not about a call (answered by the session itself)
    const call = this.#calls.get(message.callId);
    if (call === undefined || !call.involves(session)) {
      // Legitimate race: the call ended (or went elsewhere) while the message was on its way.
      session.log.debug({ type: message.type, callId: message.callId }, 'message for no call of this session');
      return;
    }
    switch (message.type) {
      case 'answer':
        if (this.#talking.has(session)) {
          session.log.debug({ callId: call.id }, 'answer while in another call dropped');
          return;
        }
        call.answer(session);
        if (call.talkingWith !== session) return;
        this.#talking.set(session, call);
        session.talkingIn(call.format);
        // In a call now: it stops ringing for every other call (a group moves on, a lone phone's caller gets HANGUP).
        for (const other of this.#calls.values()) if (other !== call && other.involves(session)) other.reject(session);
        return;
      case 'reject':
        return call.reject(session);
      case 'hangup':
        return call.hangup(session);
      case 'dtmf':
        return call.dtmfFromBrowser(session, message.digits);
    }
  }

  /** A `dial` from a logged-in phone: for the token's extension only (the message cannot name another). */
  async #dial(session: Phone, message: DialMessage): Promise<void> {
    const extension = session.extension;
    if (extension === undefined) return;
    const { requestId } = message;
    const outcome = await this.#options.dialer.dial({
      extension,
      number: message.number,
      phoneId: session.id,
      via: 'ws',
      onLateFailure: (code, text) => session.send({ type: 'dial_failed', requestId, code, message: text }),
    });
    session.send(
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

  #forget(call: Call): void {
    this.#calls.delete(call.id);
    for (const [session, c] of this.#talking) {
      if (c !== call) continue;
      this.#talking.delete(session);
      session.talkingIn(undefined);
    }
  }
}
