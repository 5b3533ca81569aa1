/**
 * Where Asterisk's calls meet the browsers: each call's leg is matched to the online sessions of
 * its extension; browser messages and audio are routed to the call they belong to.
 * @packageDocumentation
 */
import type { AsteriskLeg, MediaStart } from '../asterisk/leg.js';
import type { Registry } from '../browser/registration.js';
import type { Phone, PhoneMessage } from '../browser/phone.js';
import type { GroupsConfig } from '../config/groups.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { Call } from './call.js';
import { extensionsOf, ringPlanFor } from './ring-plan.js';
import { callerOf, extensionOf } from './routing.js';

/** What the router reads: the registry and the current config and groups. */
export interface RouterOptions {
  readonly registry: Registry;
  readonly config: () => GatewayConfig;
  readonly groups: () => GroupsConfig;
  readonly log: Logger;
}

/**
 * Matches Asterisk's calls to phones and routes every phone message and frame to its call.
 * @example
 * const router = new Router({ registry, config: () => config, groups: () => groups, log });
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
  }

  /** Hang up every call (shutdown). */
  hangupAll(): void {
    for (const call of this.#calls.values()) call.abort();
  }

  #route(leg: AsteriskLeg, start: MediaStart): void {
    const config = this.#options.config();
    const extension = extensionOf(start, leg.params, config);
    const log = this.#options.log.child({ connectionId: start.connectionId, exten: extension });
    if (extension === undefined) {
      log.warn({ pattern: config.exten_search_pattern }, 'no extension for call; hanging up');
      return leg.hangup();
    }
    const plan = ringPlanFor(extension, this.#options.groups(), config.ring_timeout_ms);
    const everyone = extensionsOf(plan);
    if (this.#available(everyone).length === 0) {
      const online = everyone.some((e) => this.#options.registry.sessionsFor(e).length > 0);
      log.info({ group: plan.group }, online ? 'all phones busy; hanging up' : 'nobody online; hanging up');
      return leg.hangup();
    }
    const call = new Call({
      leg,
      extension,
      caller: callerOf(start, leg.params, config),
      plan,
      available: (extensions) => this.#available(extensions),
      log,
      onEnded: (ended) => this.#forget(ended),
    });
    this.#calls.set(call.id, call);
    leg.on('audio', (frames) => call.audioFromAsterisk(frames));
    leg.on('dtmf', (digit) => call.dtmfFromAsterisk(digit));
    leg.once('closed', () => call.asteriskClosed());
    call.ring();
  }

  /** The phones of `extensions` that are online and not talking, each once. */
  #available(extensions: readonly string[]): Phone[] {
    const phones = new Set(extensions.flatMap((e) => this.#options.registry.sessionsFor(e)));
    return [...phones].filter((p) => p.canTakeCall && !this.#talking.has(p));
  }

  #onMessage(session: Phone, message: PhoneMessage): void {
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
        // In a call now: it stops ringing for every other call (a group moves on, a lone phone's caller gets HANGUP).
        for (const other of this.#calls.values()) if (other !== call && other.involves(session)) other.reject(session);
        return;
      case 'reject':
        return call.reject(session);
      case 'hangup':
        return call.hangup(session);
    }
  }

  #forget(call: Call): void {
    this.#calls.delete(call.id);
    for (const [session, c] of this.#talking) if (c === call) this.#talking.delete(session);
  }
}
