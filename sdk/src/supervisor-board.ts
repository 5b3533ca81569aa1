/**
 * A supervisor's board (`@gag/sdk/supervisor`, issue 21): the agents and live calls in the
 * supervisor's scope, kept from the gateway's `board_agent` / `board_call` messages, watched again
 * after every reconnect, with durations on the gateway's clock; and joining a call to listen,
 * whisper or barge ({@link Supervision}). It rides on a {@link GagClient}'s connection, logged in
 * with a supervisor's token (`gag_role: "supervisor"`).
 * @packageDocumentation
 */
import { EventEmitter } from 'eventemitter3';
import type { GagClient } from './client.js';
import { loadCallMedia } from './call-media-loader.js';
import { GagError } from './errors.js';
import type { BoardAgent, BoardCall, SuperviseMode } from './protocol.js';
import type { SupervisorBoardEvents } from './supervisor-board-events.js';
import { Supervision, type SupervisionHost } from './supervisor-call.js';
import { SupervisorRefusedError } from './supervisor-errors.js';
import type { SupervisorLink, SupervisorServerMessage } from './supervisor-link.js';
import { SupervisorRequests } from './supervisor-requests.js';

export type { SupervisorBoardEvents } from './supervisor-board-events.js';

/**
 * The board of one supervisor: agents with their presence, live calls with their wait or talk
 * time, and the one call this supervisor is in.
 * @throws GagError `GAG_OPTIONS_INVALID` when `client` is not a `GagClient`.
 * @example
 * import { GagClient } from '@gag/sdk';
 * import { SupervisorBoard } from '@gag/sdk/supervisor';
 * const client = new GagClient({ url: 'wss://gw.example.com:8766', getToken: fetchSupervisorToken });
 * const board = new SupervisorBoard(client);
 * board.on('synced', () => console.log([...board.agents.values()]));
 * await client.connect();
 * await board.watch();
 * const supervision = await board.supervise(callId, 'listen'); // from a click
 */
export class SupervisorBoard extends EventEmitter<SupervisorBoardEvents> {
  readonly #client: GagClient;
  readonly #link: SupervisorLink;
  readonly #requests = new SupervisorRequests();
  #agents = new Map<string, BoardAgent>();
  #calls = new Map<string, BoardCall>();
  /** The picture being received until `board_synced` (a first watch, or again after a reconnect). */
  #incoming: { agents: Map<string, BoardAgent>; calls: Map<string, BoardCall> } | undefined;
  #watching = false;
  #synced = false;
  /** The gateway's clock minus ours, ms, from the last `board_synced`. */
  #clockOffsetMs = 0;
  #supervision: Supervision | undefined;
  /** Requests that change the supervision, one at a time. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #host: SupervisionHost;

  constructor(client: GagClient) {
    super();
    if (typeof client?.attachSupervisor !== 'function') throw new GagError('GAG_OPTIONS_INVALID', 'client: must be a GagClient');
    this.#client = client;
    this.#link = client.attachSupervisor({
      message: (m) => this.#onMessage(m),
      audio: (frame) => this.#supervision?.play(frame),
      disconnected: () => this.#onDisconnected(),
    });
    this.#host = {
      link: this.#link,
      switchMode: (callId, mode) => this.#serial(async () => void (await this.#ask(callId, mode))),
      leave: (callId) => this.#serial(() => this.#leave(callId)),
    };
    client.on('connected', this.#onConnected);
  }

  /** Whether this session may supervise: a supervisor's token, on a gateway that has supervisors (`welcome.features`). */
  get enabled(): boolean {
    return this.#link.enabled;
  }

  /** The agents by extension, as of the last update. */
  get agents(): ReadonlyMap<string, BoardAgent> {
    return this.#agents;
  }

  /** The live calls (ringing or talking) by call id. */
  get calls(): ReadonlyMap<string, BoardCall> {
    return this.#calls;
  }

  /** Whether the board is being watched. */
  get watching(): boolean {
    return this.#watching;
  }

  /** Whether `agents` and `calls` are the gateway's current picture (false before the first sync and while reconnecting). */
  get synced(): boolean {
    return this.#synced;
  }

  /** The call this supervisor is in, if any. */
  get supervision(): Supervision | undefined {
    return this.#supervision;
  }

  /** The gateway's clock now (ms since the epoch), from the offset measured at the last sync. @example board.serverNow() - agent.since */
  serverNow(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  /**
   * Time since `sinceMs` on the gateway's clock (an agent's `since`, a call's `startedAt` or
   * `answeredAt`), never negative. @example const talkingMs = board.elapsedMs(agent.since);
   */
  elapsedMs(sinceMs: number): number {
    return Math.max(0, this.serverNow() - sinceMs);
  }

  /**
   * Start watching: resolves once the whole picture is in (`synced`). The board is watched again
   * after each reconnect, until {@link SupervisorBoard.unwatch}. Call it once connected.
   * @throws SupervisorRefusedError `GAG_SUPERVISOR_REFUSED` (`not_supervisor`), GagError `GAG_NOT_CONNECTED`.
   * @example await client.connect(); await board.watch();
   */
  async watch(): Promise<void> {
    this.#notSupervisor('board');
    this.#watching = true;
    try {
      await this.#sendWatch();
    } catch (e) {
      if (e instanceof SupervisorRefusedError) this.#watching = false;
      throw e;
    }
  }

  /** Stop watching: no more updates (`agents` and `calls` keep the last picture). @example board.unwatch(); */
  unwatch(): void {
    if (!this.#watching) return;
    this.#watching = false;
    this.#synced = false;
    this.#incoming = undefined;
    this.#link.send({ type: 'board', watch: false });
  }

  /**
   * Join the talking call `callId` in `mode` (from a click: it starts the audio), or switch mode
   * when already in it. In another call, this one is left first. Resolves once the gateway
   * confirmed and the audio started.
   * @throws SupervisorRefusedError `GAG_SUPERVISOR_REFUSED` (`not_allowed`, `no_such_call`,
   *   `not_talking`, `busy`, `not_supervisor`), GagError `GAG_MEDIA` (microphone or audio output),
   *   `GAG_NOT_CONNECTED`.
   * @example const supervision = await board.supervise(call.callId, 'whisper');
   */
  supervise(callId: string, mode: SuperviseMode): Promise<Supervision> {
    const current = this.#supervision;
    if (current?.callId === callId) return current.setMode(mode).then(() => current);
    return this.#serial(() => this.#join(callId, mode));
  }

  /** Leave any call, stop watching and let go of the client (its connection stays). @example board.dispose(); */
  dispose(): void {
    this.#client.off('connected', this.#onConnected);
    void this.#supervision?.leave().catch(() => undefined);
    this.unwatch();
    this.#requests.cancelAll('the board was disposed');
    this.#link.detach();
  }

  async #join(callId: string, mode: SuperviseMode): Promise<Supervision> {
    this.#notSupervisor('supervise');
    const joined = this.#supervision;
    if (joined?.callId === callId) {
      // Joined by the request queued before this one: a switch.
      if (joined.mode !== mode) await this.#ask(callId, mode);
      return joined;
    }
    const media = loadCallMedia(); // while the gateway answers
    media.catch(() => undefined); // judged below
    if (this.#supervision !== undefined) await this.#leave(this.#supervision.callId);
    const answer = await this.#ask(callId, mode);
    if (answer.type !== 'supervising') throw new GagError('GAG_PROTOCOL', 'unexpected answer'); // cannot happen: #ask waits for supervising
    const supervision = new Supervision(callId, answer.format, answer.mode, this.#host);
    supervision.once('ended', () => {
      if (this.#supervision === supervision) this.#supervision = undefined;
    });
    this.#supervision = supervision;
    try {
      await supervision.start(await media);
    } catch (e) {
      await this.#leave(callId).catch(() => undefined); // not supervision.leave(): that would queue behind this join
      throw e instanceof GagError ? e : new GagError('GAG_MEDIA', 'the call audio code could not be loaded — check the network connection and try again', { cause: e });
    }
    if (supervision.endReason === undefined) this.emit('supervising', supervision);
    return supervision;
  }

  /** Send `supervise` and wait for the gateway's `supervising` in that mode. */
  async #ask(callId: string, mode: SuperviseMode): Promise<SupervisorServerMessage> {
    const answer = this.#requests.wait({ request: 'supervise', callId, done: (m) => m.type === 'supervising' && m.callId === callId && m.mode === mode });
    if (!this.#link.send({ type: 'supervise', callId, mode })) this.#requests.cancelAll('not connected to the gateway');
    return answer;
  }

  async #leave(callId: string): Promise<void> {
    if (this.#supervision?.callId !== callId) return;
    const answer = this.#requests.wait({ request: 'unsupervise', callId, done: (m) => m.type === 'supervise_ended' && m.callId === callId });
    if (!this.#link.send({ type: 'unsupervise', callId })) this.#requests.cancelAll('not connected to the gateway');
    try {
      await answer;
    } finally {
      this.#supervision?.end('left');
    }
  }

  #sendWatch(): Promise<void> {
    this.#synced = false;
    this.#incoming = { agents: new Map(), calls: new Map() };
    const synced = this.#requests.wait({ request: 'board', done: (m) => m.type === 'board_synced' });
    if (!this.#link.send({ type: 'board', watch: true })) this.#requests.cancelAll('not connected to the gateway: the board is watched once it is');
    return synced.then(() => undefined);
  }

  /** One supervision request at a time, in the order asked. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #notSupervisor(request: 'board' | 'supervise'): void {
    if (this.#client.state === 'online' && !this.#link.enabled) {
      throw new SupervisorRefusedError({ request, code: 'not_supervisor', message: 'this session is not a supervisor\'s (its welcome does not list supervise)' });
    }
  }

  readonly #onConnected = (): void => {
    if (!this.#watching) return;
    if (!this.#link.enabled) {
      this.#watching = false;
      return void this.emit('refused', new SupervisorRefusedError({ request: 'board', code: 'not_supervisor', message: 'after reconnecting, this session is not a supervisor\'s' }));
    }
    this.#sendWatch().catch((e: unknown) => {
      if (e instanceof SupervisorRefusedError) {
        this.#watching = false;
        this.emit('refused', e);
      }
    });
  };

  #onDisconnected(): void {
    this.#synced = false;
    this.#requests.cancelAll('the connection to the gateway closed');
    this.#supervision?.end('connection_lost');
  }

  #onMessage(m: SupervisorServerMessage): void {
    switch (m.type) {
      case 'board_agent':
        if (!this.#watching) return;
        if (this.#incoming !== undefined) return void this.#incoming.agents.set(m.agent.extension, m.agent);
        this.#agents.set(m.agent.extension, m.agent);
        return void this.emit('agent', m.agent);
      case 'board_call':
        if (!this.#watching) return;
        if (this.#incoming !== undefined) {
          if (m.call.state === 'ended') this.#incoming.calls.delete(m.call.callId);
          else this.#incoming.calls.set(m.call.callId, m.call);
          return;
        }
        if (m.call.state === 'ended') this.#calls.delete(m.call.callId);
        else this.#calls.set(m.call.callId, m.call);
        return void this.emit('call', m.call);
      case 'board_synced':
        if (!this.#watching || this.#incoming === undefined) return;
        this.#clockOffsetMs = m.serverTime - Date.now();
        ({ agents: this.#agents, calls: this.#calls } = this.#incoming);
        this.#incoming = undefined;
        this.#synced = true;
        this.#requests.answer(m);
        return void this.emit('synced');
      case 'supervising':
        this.#requests.answer(m);
        if (this.#supervision?.callId === m.callId) this.#supervision.switched(m.mode);
        return;
      case 'supervise_ended':
        this.#requests.answer(m);
        if (this.#supervision?.callId === m.callId) this.#supervision.end(m.reason);
        return;
      case 'supervisor_refused':
        this.#requests.answer(m);
        return;
    }
  }
}
