/**
 * Where supervisors' requests are decided (issue 21): `board`, `supervise` and `unsupervise`
 * from a `gag.v1` session whose token carries `gag_role: "supervisor"` and whose extension the
 * config (`supervisors`) gives a scope. Anything else is refused with `supervisor_refused` (the
 * connection stays open). It keeps each supervisor's one supervision, tells the agent's phone of
 * the most audible mode in its call (`supervised`, for phones that listed `call_notices`), ends
 * what a reload takes out of scope, and feeds the board. Single node (issue 17 is not in yet).
 * @packageDocumentation
 */
import { SUPERVISE_MODES, type SuperviseMode, type SupervisorErrorCode } from '@gag/sdk/protocol';
import { sendCallNotice, type Phone, type PhoneClaims } from '../browser/phone.js';
import type { Registry } from '../browser/registration.js';
import type { Activity } from '../calls/activity.js';
import type { Call } from '../calls/call.js';
import type { SupervisorMessage, SupervisorPort } from '../calls/router.js';
import type { GroupsConfig } from '../config/groups.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { SampledWarn } from '../sampled-log.js';
import { Board } from './board.js';
import { PresenceBook } from './presence.js';
import { Scope } from './scope.js';
import { Supervision } from './supervision.js';

/** Supervisors one call may have at once; a fifth gets `busy`. */
export const MAX_SUPERVISORS_PER_CALL = 4;

/** From quietest to most audible: the agent is told the last one present. */
const AUDIBILITY: readonly SuperviseMode[] = SUPERVISE_MODES;

/** What the desk reads. */
export interface SupervisorDeskOptions {
  readonly config: () => GatewayConfig;
  readonly groups: () => GroupsConfig;
  readonly registry: Registry;
  readonly activity: Activity;
  /** The calls not yet ended, and one by id. */
  readonly calls: () => readonly Call[];
  readonly call: (callId: string) => Call | undefined;
  /** Whether `phone` talks in a call of its own. */
  readonly talking: (phone: Phone) => boolean;
  /** `phone` now supervises: calls ringing it stop (as when it answers one). */
  readonly stopRinging: (phone: Phone) => void;
  readonly log: Logger;
}

/**
 * The supervisors' side of the gateway.
 * @example
 * const desk = new SupervisorDesk({ config, groups, registry, activity, calls, call, talking, stopRinging, log });
 * phone.on('message', (m) => { if (m.type === 'supervise') desk.handle(phone, m); });
 */
export class SupervisorDesk implements SupervisorPort {
  readonly #options: SupervisorDeskOptions;
  readonly #book: PresenceBook;
  readonly #board: Board;
  /** Each supervisor's one supervision, and each call's supervisions. */
  readonly #byPhone = new Map<Phone, Supervision>();
  readonly #byCall = new Map<Call, Set<Supervision>>();
  /** The mode each supervised call's agent was last told (null: none). */
  readonly #told = new Map<Call, SuperviseMode | null>();
  readonly #refusals: SampledWarn;
  readonly #onCall = (call: Call): void => this.#callChanged(call);
  readonly #onPresence = (phone: Phone): void => this.#book.touch([phone.extension]);

  constructor(options: SupervisorDeskOptions) {
    this.#options = options;
    const { registry, calls, groups, activity, log } = options;
    this.#book = new PresenceBook({ registry, calls, groups, onChange: (agent) => this.#board.agentChanged(agent) });
    this.#board = new Board({ book: this.#book, registry, calls });
    this.#refusals = new SampledWarn(log.child({ side: 'browser' }), 'supervisor message refused');
    activity.on('call', this.#onCall);
    activity.on('presence', this.#onPresence);
  }

  /** Whether a session with these claims logs in as a supervisor (its `welcome` lists `supervise`). */
  isSupervisor(extension: string, claims: PhoneClaims): boolean {
    return claims.supervisor && this.#scopeOf(extension) !== undefined;
  }

  /** Whether `phone` is in a call as a supervisor now (it is not rung then). */
  supervising(phone: Phone): boolean {
    return this.#byPhone.has(phone);
  }

  /** The supervisions now, by mode (the `gag_supervisions` gauge). */
  counts(): Record<SuperviseMode, number> {
    const counts: Record<SuperviseMode, number> = { listen: 0, whisper: 0, barge: 0 };
    for (const s of this.#byPhone.values()) counts[s.mode]++;
    return counts;
  }

  /** A supervisor's request; refused (`supervisor_refused`) unless the session is a supervisor's and the call is its to join. */
  handle(phone: Phone, message: SupervisorMessage): void {
    const scope = phone.extension === undefined || !phone.claims.supervisor ? undefined : this.#scopeOf(phone.extension);
    if (scope === undefined) {
      this.#refusals.count('not_supervisor', { exten: phone.extension, type: message.type, supervisorClaim: phone.claims.supervisor });
      return this.#refuse(phone, message, 'not_supervisor', phone.claims.supervisor ? 'the gateway config gives this extension no supervisor scope' : 'this token is not a supervisor\'s (gag_role)');
    }
    if (message.type === 'board') return message.watch ? this.#board.watch(phone, scope) : this.#board.unwatch(phone);
    if (message.type === 'unsupervise') {
      const mine = this.#byPhone.get(phone);
      if (mine?.call.id !== message.callId) return this.#refuse(phone, message, 'no_such_call', 'this session does not supervise that call');
      return mine.leave('left');
    }
    const call = this.#options.call(message.callId);
    if (call === undefined || call.state === 'ended') return this.#refuse(phone, message, 'no_such_call', 'no live call has that id');
    if (!scope.seesCall(call)) return this.#refuse(phone, message, 'not_allowed', 'that call is outside this supervisor\'s scope');
    if (call.state !== 'talking') return this.#refuse(phone, message, 'not_talking', 'only an answered call can be joined');
    if (this.#options.talking(phone)) return this.#refuse(phone, message, 'busy', 'this session talks in a call of its own');
    const mine = this.#byPhone.get(phone);
    if (mine?.call === call) {
      mine.setMode(message.mode);
      phone.send({ type: 'supervising', callId: call.id, mode: message.mode, format: call.format });
      phone.log.info({ callId: call.id, mode: message.mode }, 'supervisor switched mode');
      return this.#changed(call);
    }
    if ((this.#byCall.get(call)?.size ?? 0) >= MAX_SUPERVISORS_PER_CALL) return this.#refuse(phone, message, 'busy', `the call has ${MAX_SUPERVISORS_PER_CALL} supervisors already`);
    mine?.leave('left'); // one call at a time: its audio is this session's BINARY frames
    this.#join(phone, call, message.mode);
  }

  /** Audio from `phone`: its voice when it supervises (true), else not for the desk (false). */
  voice(phone: Phone, frames: Buffer): boolean {
    const supervision = this.#byPhone.get(phone);
    if (supervision === undefined) return false;
    supervision.voice(frames);
    return true;
  }

  /** `phone`'s session closed: its watch and its supervision end; the call goes on. */
  lost(phone: Phone): void {
    this.#board.unwatch(phone);
    this.#byPhone.get(phone)?.leave('left');
  }

  /** The config or groups were reloaded: what left a supervisor's scope ends (`not_allowed`), boards follow, agents are told again. */
  reload(): void {
    for (const s of [...this.#byPhone.values()]) {
      const scope = this.#scopeOf(s.supervisor.extension ?? '');
      if (scope === undefined || !scope.seesCall(s.call)) {
        s.supervisor.log.info({ callId: s.call.id }, 'supervision ended: out of scope after reload');
        s.leave('not_allowed');
      }
    }
    for (const phone of this.#options.registry.all()) if (phone.claims.supervisor && phone.extension !== undefined) this.#board.rescope(phone, this.#scopeOf(phone.extension));
    for (const call of this.#byCall.keys()) this.#tellAgent(call); // supervisor_listen_shown may have changed
  }

  /** Stop following the activity and flush the sampled log line (gateway close). */
  close(): void {
    this.#options.activity.off('call', this.#onCall);
    this.#options.activity.off('presence', this.#onPresence);
    this.#refusals.close();
  }

  #join(phone: Phone, call: Call, mode: SuperviseMode): void {
    const supervision = new Supervision({ call, supervisor: phone, mode, onEnd: (s) => this.#ended(s) });
    this.#byPhone.set(phone, supervision);
    let set = this.#byCall.get(call);
    if (set === undefined) this.#byCall.set(call, (set = new Set()));
    set.add(supervision);
    // Same tick as the attach: no frame of the call can come between.
    phone.talkingIn(call.format); // its BINARY frames are checked as a call's
    phone.send({ type: 'supervising', callId: call.id, mode, format: call.format });
    call.tap.attach(supervision);
    this.#options.stopRinging(phone);
    phone.log.info({ callId: call.id, mode, agent: call.talkingWith?.extension }, 'supervisor joined call');
    this.#changed(call);
  }

  /** A supervision ended (left, call ended, out of scope): the books follow. */
  #ended(s: Supervision): void {
    if (this.#byPhone.get(s.supervisor) === s) this.#byPhone.delete(s.supervisor);
    const set = this.#byCall.get(s.call);
    set?.delete(s);
    if (set?.size === 0) this.#byCall.delete(s.call);
    s.supervisor.talkingIn(undefined);
    s.supervisor.log.info({ callId: s.call.id }, 'supervisor left call');
    if (s.call.state !== 'ended') this.#changed(s.call);
    else s.call.supervisors = []; // its end is told by the call's own event
  }

  /** A call's supervisors changed: the call shows them, the agent is told, watchers and the monitor hear. */
  #changed(call: Call): void {
    call.supervisors = [...(this.#byCall.get(call) ?? [])].map((s) => ({ extension: s.supervisor.extension ?? '', mode: s.mode }));
    this.#tellAgent(call);
    this.#board.callChanged(call);
    this.#options.activity.emit('supervision', call);
  }

  /** `supervised` to the agent's phone when the most audible mode it may be told changed. */
  #tellAgent(call: Call): void {
    const shown = this.#options.config().supervisor_listen_shown;
    let loudest = -1;
    for (const s of this.#byCall.get(call) ?? []) if (shown || s.mode !== 'listen') loudest = Math.max(loudest, AUDIBILITY.indexOf(s.mode));
    const mode = loudest < 0 ? null : AUDIBILITY[loudest]!;
    if ((this.#told.get(call) ?? null) === mode) return;
    if (mode === null) this.#told.delete(call);
    else this.#told.set(call, mode);
    sendCallNotice(call.talkingWith, { type: 'supervised', callId: call.id, mode });
  }

  #callChanged(call: Call): void {
    if (call.state === 'ended') this.#told.delete(call);
    this.#book.callChanged(call);
    this.#board.callChanged(call);
  }

  #scopeOf(extension: string): Scope | undefined {
    return Scope.of(this.#options.config(), this.#options.groups(), extension);
  }

  #refuse(phone: Phone, message: SupervisorMessage, code: SupervisorErrorCode, text: string): void {
    phone.log.debug({ type: message.type, code }, 'supervisor request refused');
    phone.send({ type: 'supervisor_refused', request: message.type, ...('callId' in message ? { callId: message.callId } : {}), code, message: text });
  }
}
