/**
 * One call from Asterisk to the browsers of an extension, driven by the shared call machine
 * (`transition()` from `@gag/sdk/protocol`). Side effects run in one place, right after each
 * transition, keyed by the new state.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { canTransition, transition, type CallEvent, type CallState, type EndReason } from '@gag/sdk/protocol';
import type { AsteriskLeg } from '../asterisk/leg.js';
import type { Phone } from '../browser/phone.js';
import type { Logger } from '../log.js';

/** Who is calling, as far as Asterisk told us. */
export interface CallerId {
  readonly number: string | null;
  readonly name: string | null;
}

export interface CallOptions {
  readonly leg: AsteriskLeg;
  readonly extension: string;
  readonly caller: CallerId;
  /** The sessions to ring (at least one). */
  readonly targets: readonly Phone[];
  readonly ringTimeoutMs: number;
  readonly log: Logger;
  /** The call ended; fires once. */
  readonly onEnded: (call: Call) => void;
}

export class Call {
  readonly id = randomUUID();
  readonly extension: string;
  readonly caller: CallerId;
  readonly startedAtMs = Date.now();
  answeredAtMs: number | undefined;
  #state: CallState = 'routing';
  #endReason: EndReason | undefined;
  readonly #leg: AsteriskLeg;
  readonly #ringing = new Set<Phone>();
  #talkingWith: Phone | undefined;
  #ringTimer: NodeJS.Timeout | undefined;
  readonly #options: CallOptions;
  readonly #log: Logger;

  constructor(options: CallOptions) {
    this.#options = options;
    this.#leg = options.leg;
    this.extension = options.extension;
    this.caller = options.caller;
    this.#log = options.log.child({ callId: this.id, exten: options.extension });
    for (const s of options.targets) this.#ringing.add(s);
  }

  get state(): CallState {
    return this.#state;
  }

  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  /** The session in the call, once answered. */
  get talkingWith(): Phone | undefined {
    return this.#talkingWith;
  }

  /** Whether `session` is being rung by this call or talking in it. */
  involves(session: Phone): boolean {
    return this.#ringing.has(session) || this.#talkingWith === session;
  }

  /** Ring every target. */
  ring(): void {
    this.#go('ring');
  }

  /** `session` answered. A late answer (another phone won, the caller left) is dropped. */
  answer(session: Phone): void {
    if (!this.#ringing.has(session) || !canTransition(this.#state, 'answer')) {
      this.#log.debug({ sessionId: session.id }, 'late answer dropped');
      return;
    }
    this.#talkingWith = session;
    this.#ringing.delete(session);
    this.#go('answer');
  }

  /** `session` rejected. The call ends (and the dialplan continues) when no phone is left ringing. */
  reject(session: Phone): void {
    this.#leave(session, 'rejected', 'reject');
  }

  /** `session` hung up: ends the call if it was talking, rejects if it was ringing. */
  hangup(session: Phone): void {
    if (this.#talkingWith === session && canTransition(this.#state, 'hangup')) {
      this.#end('hangup', 'hangup');
      return;
    }
    this.reject(session);
  }

  /** `session`'s connection broke. */
  lost(session: Phone): void {
    if (this.#talkingWith === session && canTransition(this.#state, 'fail')) {
      this.#talkingWith = undefined; // nobody to tell
      this.#end('fail', 'connection_lost');
      return;
    }
    this.#ringing.delete(session);
    if (this.#state === 'ringing' && this.#ringing.size === 0) this.#end('fail', 'connection_lost');
  }

  /** Asterisk's socket closed: the caller hung up (while ringing) or the far end did (while talking). */
  asteriskClosed(): void {
    if (this.#state === 'ended') return;
    this.#end('hangup', this.#state === 'talking' ? 'remote_hangup' : 'caller_hangup');
  }

  /** The gateway is going away: end the call on both sides. */
  abort(): void {
    if (canTransition(this.#state, 'fail')) this.#end('fail', 'connection_lost');
  }

  /** Audio from Asterisk, to the answering browser. */
  audioFromAsterisk(frames: Buffer): void {
    this.#talkingWith?.sendAudio(frames);
  }

  /** Audio from `session`; only the answering session's audio reaches Asterisk. */
  audioFromBrowser(session: Phone, frames: Buffer): void {
    if (this.#talkingWith === session && this.#state === 'talking') this.#leg.sendAudio(frames);
  }

  #leave(session: Phone, reason: EndReason, event: CallEvent): void {
    if (!this.#ringing.delete(session)) return;
    session.send({ type: 'ended', callId: this.id, reason });
    if (this.#ringing.size === 0 && canTransition(this.#state, event)) this.#end(event, reason);
  }

  #end(event: CallEvent, reason: EndReason): void {
    this.#endReason = reason;
    this.#go(event);
  }

  /** The only place the state changes; the side effects of the new state follow. */
  #go(event: CallEvent): void {
    const from = this.#state;
    this.#state = transition(from, event);
    this.#log.debug({ from, to: this.#state, event }, 'call state');
    switch (this.#state) {
      case 'ringing':
        return this.#enterRinging();
      case 'talking':
        return this.#enterTalking();
      case 'ended':
        return this.#enterEnded();
    }
  }

  #enterRinging(): void {
    for (const session of this.#ringing) {
      session.send({
        type: 'incoming',
        callId: this.id,
        extension: this.extension,
        callerNumber: this.caller.number,
        callerName: this.caller.name,
      });
    }
    this.#ringTimer = setTimeout(() => this.#end('timeout', 'timeout'), this.#options.ringTimeoutMs);
    this.#log.info({ phones: this.#ringing.size, callerNumber: this.caller.number }, 'call ringing');
  }

  #enterTalking(): void {
    clearTimeout(this.#ringTimer);
    this.answeredAtMs = Date.now();
    this.#leg.answer();
    const winner = this.#talkingWith;
    if (winner !== undefined) winner.send({ type: 'answered', callId: this.id });
    for (const other of this.#ringing) other.send({ type: 'ended', callId: this.id, reason: 'answered_elsewhere' });
    this.#ringing.clear();
    this.#log.info({ sessionId: winner?.id, setupMs: this.answeredAtMs - this.startedAtMs }, 'call answered');
  }

  #enterEnded(): void {
    clearTimeout(this.#ringTimer);
    const reason = this.#endReason ?? 'failed';
    for (const session of this.#ringing) session.send({ type: 'ended', callId: this.id, reason });
    this.#talkingWith?.send({ type: 'ended', callId: this.id, reason });
    this.#ringing.clear();
    // Asterisk hangs up on its own when it closed the socket; otherwise tell it.
    if (this.#leg.isOpen) this.#leg.hangup();
    const talkedMs = this.answeredAtMs === undefined ? 0 : Date.now() - this.answeredAtMs;
    this.#log.info({ reason, talkedMs, framesIn: this.#leg.stats.framesIn, framesOut: this.#leg.stats.framesOut }, 'call ended');
    this.#options.onEnded(this);
  }
}
