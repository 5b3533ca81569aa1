/**
 * Each agent's presence as the supervisors' board shows it (issue 21): `offline` (no phone
 * logged in), `idle`, `ringing` (a call rings one of its phones) or `talking`, with `since` on the
 * gateway's clock. The book follows the gateway's activity (phones coming and going, calls
 * changing state) and recomputes only the extensions an event touches; it reports a change of
 * presence, call or phone count once, to its one listener (the board).
 * @packageDocumentation
 */
import type { BoardAgent, Presence } from '@gag/sdk/protocol';
import type { Registry } from '../browser/registration.js';
import type { Call } from '../calls/call.js';
import type { GroupsConfig } from '../config/groups.js';
import { groupsOf } from './scope.js';

/** What the book reads. */
export interface PresenceBookOptions {
  readonly registry: Registry;
  /** The calls not yet ended. */
  readonly calls: () => readonly Call[];
  readonly groups: () => GroupsConfig;
  /** An agent's presence, call or phone count changed. */
  readonly onChange: (agent: BoardAgent) => void;
}

interface Known {
  readonly presence: Presence;
  readonly callId: string | null;
  readonly since: number;
  readonly phones: number;
}

/**
 * The presence of every agent the gateway has seen.
 * @example
 * const book = new PresenceBook({ registry, calls: () => router.calls, groups, onChange: (a) => board.agentChanged(a) });
 * activity.on('presence', (phone) => book.touch([phone.extension]));
 */
export class PresenceBook {
  readonly #options: PresenceBookOptions;
  readonly #known = new Map<string, Known>();
  /** The extensions each live call rang or talked with: they change when it does. */
  readonly #callExtensions = new Map<string, Set<string>>();
  /** An agent never seen online has been offline since the gateway started. */
  readonly #startedAtMs = Date.now();

  constructor(options: PresenceBookOptions) {
    this.#options = options;
  }

  /** `call` changed: the agents it rings or rang, or talks with, are recomputed. */
  callChanged(call: Call): void {
    let touched = this.#callExtensions.get(call.id);
    if (touched === undefined) this.#callExtensions.set(call.id, (touched = new Set()));
    for (const phone of call.ringing) if (phone.extension !== undefined) touched.add(phone.extension);
    const agent = call.talkingWith?.extension;
    if (agent !== undefined) touched.add(agent);
    if (call.state === 'ended') this.#callExtensions.delete(call.id);
    this.touch(touched);
  }

  /** Recompute these agents (a phone of one came or went), reporting those that changed. */
  touch(extensions: Iterable<string | undefined>): void {
    for (const extension of extensions) {
      if (extension === undefined) continue;
      const before = this.#known.get(extension);
      const now = this.#compute(extension, before);
      if (before !== undefined && before.presence === now.presence && before.callId === now.callId && before.phones === now.phones) continue;
      this.#known.set(extension, now);
      this.#options.onChange(this.#view(extension, now));
    }
  }

  /** The agent with `extension` now. */
  agent(extension: string): BoardAgent {
    let known = this.#known.get(extension);
    if (known === undefined) this.#known.set(extension, (known = this.#compute(extension, undefined)));
    return this.#view(extension, known);
  }

  #view(extension: string, k: Known): BoardAgent {
    return { extension, presence: k.presence, since: k.since, callId: k.callId, phones: k.phones, groups: groupsOf(this.#options.groups(), extension) };
  }

  #compute(extension: string, before: Known | undefined): Known {
    const phones = this.#options.registry.phonesFor(extension);
    const nowMs = Date.now();
    const since = (presence: Presence, callId: string | null): number =>
      before === undefined ? (presence === 'offline' ? this.#startedAtMs : nowMs) : before.presence === presence && before.callId === callId ? before.since : nowMs;
    if (phones.length === 0) return { presence: 'offline', callId: null, since: since('offline', null), phones: 0 };
    let ringing: Call | undefined;
    for (const call of this.#options.calls()) {
      if (call.state === 'talking' && call.talkingWith !== undefined && phones.includes(call.talkingWith)) {
        return { presence: 'talking', callId: call.id, since: call.answeredAtMs ?? nowMs, phones: phones.length };
      }
      if (ringing === undefined && call.state === 'ringing' && call.ringing.some((p) => phones.includes(p))) ringing = call;
    }
    if (ringing !== undefined) return { presence: 'ringing', callId: ringing.id, since: since('ringing', ringing.id), phones: phones.length };
    return { presence: 'idle', callId: null, since: since('idle', null), phones: phones.length };
  }
}
