/**
 * The supervisors' board (issue 21): a supervisor's session that sends `board` {watch: true} gets
 * a first picture — a `board_agent` for every agent of its scope (named ones even offline; with
 * `*`, every extension online) and a `board_call` for every ringing or talking call in scope —
 * then `board_synced`, then an update of either whenever one changes. A call it has been shown
 * stays on its board until it ends (`state: "ended"`, its last update), even if it leaves the
 * scope by being answered elsewhere.
 * @packageDocumentation
 */
import type { BoardAgent, BoardCall } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { Registry } from '../browser/registration.js';
import type { Call } from '../calls/call.js';
import type { PresenceBook } from './presence.js';
import type { Scope } from './scope.js';

/** What the board reads. */
export interface BoardOptions {
  readonly book: PresenceBook;
  readonly registry: Registry;
  /** The calls not yet ended. */
  readonly calls: () => readonly Call[];
}

interface Watcher {
  readonly phone: Phone;
  scope: Scope;
  /** The calls this watcher has been shown and not yet told the end of. */
  readonly calls: Set<string>;
}

/** `call` as the board shows it. */
export function boardCallOf(call: Call): BoardCall {
  const agent = call.talkingWith?.extension ?? null;
  return {
    callId: call.id,
    state: call.state === 'talking' ? 'talking' : call.state === 'ended' ? 'ended' : 'ringing',
    extension: call.group === null ? call.extension : agent,
    group: call.group,
    callerNumber: call.caller.number,
    callerName: call.caller.name,
    outbound: call.outbound !== undefined,
    startedAt: call.startedAtMs,
    answeredAt: call.answeredAtMs ?? null,
    agent,
    supervisors: call.supervisors.map((s) => ({ ...s })),
  };
}

/**
 * The watching supervisors and what each has been shown.
 * @example
 * board.watch(phone, scope); // the first picture, then board_synced
 * activity.on('call', (call) => board.callChanged(call));
 */
export class Board {
  readonly #options: BoardOptions;
  readonly #watchers = new Map<Phone, Watcher>();

  constructor(options: BoardOptions) {
    this.#options = options;
  }

  /** Sessions watching now. */
  get watching(): number {
    return this.#watchers.size;
  }

  /** Start watching (again: a second `board` sends the picture again). */
  watch(phone: Phone, scope: Scope): void {
    const watcher: Watcher = { phone, scope, calls: new Set() };
    this.#watchers.set(phone, watcher);
    this.#picture(watcher);
  }

  /** Stop watching (the session asked, or left). */
  unwatch(phone: Phone): void {
    this.#watchers.delete(phone);
  }

  /**
   * A reload changed what `phone` may see: calls no longer in scope end on its board, and a new
   * picture follows (agents it does not list have left the scope). Undefined: no scope any more.
   */
  rescope(phone: Phone, scope: Scope | undefined): void {
    const watcher = this.#watchers.get(phone);
    if (watcher === undefined || (scope !== undefined && scope.equals(watcher.scope))) return;
    for (const call of this.#options.calls()) {
      if (watcher.calls.has(call.id) && (scope === undefined || !scope.seesCall(call))) this.#send(watcher, { ...boardCallOf(call), state: 'ended' });
    }
    if (scope === undefined) return this.unwatch(phone);
    watcher.scope = scope;
    this.#picture(watcher);
  }

  /** An agent's presence changed: the watchers whose scope has it hear of it. */
  agentChanged(agent: BoardAgent): void {
    for (const watcher of this.#watchers.values()) {
      if (watcher.scope.seesAgent(agent.extension)) watcher.phone.send({ type: 'board_agent', agent });
    }
  }

  /** A call changed state, phones or supervisors: the watchers that see it (or were shown it) hear of it. */
  callChanged(call: Call): void {
    if (this.#watchers.size === 0 || call.state === 'routing') return;
    const view = boardCallOf(call);
    for (const watcher of this.#watchers.values()) {
      const shown = watcher.calls.has(call.id);
      if (call.state === 'ended') {
        if (shown) this.#send(watcher, view);
      } else if (shown || watcher.scope.seesCall(call)) this.#send(watcher, view);
    }
  }

  #picture(watcher: Watcher): void {
    const { book, registry, calls } = this.#options;
    const { scope, phone } = watcher;
    const extensions = new Set(scope.named);
    if (scope.all) for (const p of registry.all()) if (p.extension !== undefined) extensions.add(p.extension);
    for (const extension of extensions) phone.send({ type: 'board_agent', agent: book.agent(extension) });
    for (const call of calls()) if (call.state !== 'routing' && call.state !== 'ended' && scope.seesCall(call)) this.#send(watcher, boardCallOf(call));
    phone.send({ type: 'board_synced', serverTime: Date.now() });
  }

  /** Send a call, keeping the books of what this watcher has been shown. */
  #send(watcher: Watcher, call: BoardCall): void {
    if (call.state === 'ended') watcher.calls.delete(call.callId);
    else watcher.calls.add(call.callId);
    watcher.phone.send({ type: 'board_call', call });
  }
}
