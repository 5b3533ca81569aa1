/**
 * One call from Asterisk to the browsers of an extension or a group, driven by the shared call
 * machine (`transition()` from `@gag/sdk/protocol`). Side effects run in one place, right after
 * each transition, keyed by the new state.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { canTransition, transition, type CallEvent, type CallState, type EndReason, type SuperviseMode, type WireFormat } from '@gag/sdk/protocol';
import type { AsteriskLeg, LegStats } from '../asterisk/leg.js';
import type { Phone } from '../browser/phone.js';
import type { Logger } from '../log.js';
import type { PendingDial } from '../originate/dialer.js';
import { CallTap } from './call-tap.js';
import { Keypad, type KeypadOptions } from './keypad.js';
import type { RingPlan } from './ring-plan.js';
import { RingSteps } from './ring-steps.js';
import type { CallerId } from './routing.js';
import { UplinkPace, type UplinkPaceStats } from './uplink-pace.js';

/**
 * The call back of a click-to-call: the user's own outbound call (`incoming.outbound`); `number`
 * is dialled once the user answers. The phone that asked (`phoneId`) gets its `requestId` back
 * in `incoming`, which tells its SDK the call is the answer to its own `dial` (to answer by itself).
 */
export type OutboundCall = Pick<PendingDial, 'dialId' | 'number' | 'phoneId' | 'requestId'>;

/** What a call needs: its Asterisk leg, whom it is for, how to find phones, and whom to tell of its states. */
export interface CallOptions {
  readonly leg: AsteriskLeg;
  /** The codec from MEDIA_START: the browser speaks it, the gateway relays it unchanged. */
  readonly format: WireFormat;
  readonly extension: string;
  readonly caller: CallerId;
  readonly plan: RingPlan;
  /** The phones of these extensions that can ring now (online, not in a call). */
  readonly available: (extensions: readonly string[]) => Phone[];
  readonly log: Logger;
  /** Set on the call back of a click-to-call. */
  readonly outbound?: OutboundCall | undefined;
  /**
   * After every state change and its side effects (`ended` exactly once, last), and when the
   * phones a ringing call rings change without one (a late phone joins, one of several rejects or
   * drops out): `previous` is then `ringing` too, as for a group's next step.
   */
  readonly onState: (call: Call, previous: CallState) => void;
  /**
   * Where the talking phone's keys go (AMI PlayDTMF on the call's channel); undefined when the
   * gateway cannot press keys on Asterisk (no AMI), and then they are ignored.
   */
  readonly keypad?: Omit<KeypadOptions, 'log'> | undefined;
}


/**
 * One call, from MEDIA_START to the end: rings phones by its plan, connects the first answer,
 * relays audio and DTMF, and ends exactly once with a reason.
 * @example
 * const call = new Call({ leg, format: 'slin16', extension, caller, plan, available, log, onState });
 * call.ring();
 */
export class Call {
  readonly id = randomUUID();
  readonly extension: string;
  readonly caller: CallerId;
  readonly group: string | null;
  /** Set on the call back of this extension's own click-to-call. */
  readonly outbound: OutboundCall | undefined;
  /** The codec of the call's audio, both ways. */
  readonly format: WireFormat;
  readonly startedAtMs = Date.now();
  answeredAtMs: number | undefined;
  /** Both directions of the talking call's audio, for recordings, forks (issue 20) and supervisors (issue 21). */
  readonly tap: CallTap;
  /** The supervisors in the call now with their mode, kept by supervise/desk.ts (shown by the API, the monitor and the board). */
  supervisors: readonly { readonly extension: string; readonly mode: SuperviseMode }[] = [];
  #state: CallState = 'routing';
  #endReason: EndReason | undefined;
  readonly #leg: AsteriskLeg;
  readonly #ringing = new Set<Phone>();
  readonly #steps: RingSteps;
  #talkingWith: Phone | undefined;
  #stepTimer: NodeJS.Timeout | undefined;
  #ringTimer: NodeJS.Timeout | undefined;
  readonly #options: CallOptions;
  readonly #log: Logger;
  readonly #keypad: Keypad | undefined;
  /** Keeps Asterisk's queue of the browser's audio flat while talking (issue 22). */
  #pace: UplinkPace | undefined;

  constructor(options: CallOptions) {
    this.#options = options;
    this.#leg = options.leg;
    this.extension = options.extension;
    this.caller = options.caller;
    this.group = options.plan.group;
    this.outbound = options.outbound;
    this.format = options.format;
    this.#steps = new RingSteps(options.plan, options.available);
    this.#log = options.log.child({ callId: this.id }); // the router's logger already carries exten and connectionId
    this.tap = new CallTap(this.#log);
    this.#keypad = options.keypad === undefined ? undefined : new Keypad({ ...options.keypad, log: this.#log });
  }

  get state(): CallState {
    return this.#state;
  }

  get endReason(): EndReason | undefined {
    return this.#endReason;
  }

  /** The phone in the call, once answered. */
  get talkingWith(): Phone | undefined {
    return this.#talkingWith;
  }

  /** The phones ringing now. */
  get ringing(): readonly Phone[] {
    return [...this.#ringing];
  }

  /** What the uplink pacer did (frames taken out and added, Asterisk's last queue length), once answered. */
  get uplinkPace(): Readonly<UplinkPaceStats> | undefined {
    return this.#pace?.stats;
  }

  /** The Asterisk leg's counters (frames in and out, drops). */
  get legStats(): Readonly<LegStats> {
    return this.#leg.stats;
  }

  /** Whether `phone` is being rung by this call or talking in it. */
  involves(phone: Phone): boolean {
    return this.#ringing.has(phone) || this.#talkingWith === phone;
  }

  /** Ring the first step of the plan that has a phone available; ends the call if none has. */
  ring(): void {
    if (!this.#takeNextStep()) return this.#end('hangup', 'failed');
    this.#go('ring');
  }

  /**
   * `phone` logged in while this call rings: it rings too when the current step includes its
   * extension and it may take the call by the rules the step was rung with (online, not
   * talking, speaks the codec; a call back only its asker while that one is there), unless it
   * already dropped out. So a tab that takes the call over from another tab can answer it.
   */
  offer(phone: Phone): void {
    if (this.#state !== 'ringing' || this.#ringing.has(phone) || !this.#steps.admits(phone)) return;
    this.#ringing.add(phone);
    this.#sendIncoming(phone);
    this.#log.info({ phoneId: phone.id, step: this.#steps.index }, 'late phone ringing');
    this.#ringersChanged();
  }

  /** `phone` answered. A late answer (another phone won, the caller left) is dropped. */
  answer(phone: Phone): void {
    if (!this.#ringing.has(phone) || !canTransition(this.#state, 'answer')) {
      this.#log.debug({ phoneId: phone.id }, 'late answer dropped');
      return;
    }
    this.#talkingWith = phone;
    this.#ringing.delete(phone);
    this.#go('answer');
  }

  /** `phone` rejected. When no phone is left ringing, a group moves on; otherwise the call ends (the dialplan continues). */
  reject(phone: Phone): void {
    if (!this.#ringing.delete(phone)) return;
    this.#steps.decline(phone);
    phone.send({ type: 'ended', callId: this.id, reason: 'rejected' });
    if (this.#ringing.size === 0) this.#moveOn('reject', 'rejected');
    else this.#ringersChanged();
  }

  /** `phone` hung up: ends the call if it was talking, rejects if it was ringing. */
  hangup(phone: Phone): void {
    if (this.#talkingWith === phone && canTransition(this.#state, 'hangup')) return this.#end('hangup', 'hangup');
    this.reject(phone);
  }

  /** `phone`'s connection broke. */
  lost(phone: Phone): void {
    if (this.#talkingWith === phone && canTransition(this.#state, 'fail')) {
      this.#talkingWith = undefined; // nobody to tell
      return this.#end('fail', 'connection_lost');
    }
    this.#steps.decline(phone);
    if (!this.#ringing.delete(phone)) return;
    if (this.#ringing.size === 0) this.#moveOn('fail', 'connection_lost');
    else this.#ringersChanged();
  }

  /** Asterisk's socket closed: the caller hung up (while ringing) or the far end did (while talking). */
  asteriskClosed(): void {
    if (this.#state === 'ended') return;
    this.#end('hangup', this.#state === 'talking' ? 'remote_hangup' : 'caller_hangup');
  }

  /**
   * An operator hung the call up (`DELETE /api/calls/:id`): both sides end, and the browser hears
   * it as the other party's hangup (`remote_hangup`, or `caller_hangup` while it rings).
   */
  hangupByOperator(): void {
    if (!canTransition(this.#state, 'hangup')) return;
    this.#log.info({ state: this.#state }, 'call hung up by an operator');
    this.#end('hangup', this.#state === 'talking' ? 'remote_hangup' : 'caller_hangup');
  }

  /** The gateway is going away: end the call on both sides. */
  abort(): void {
    if (canTransition(this.#state, 'fail')) this.#end('fail', 'connection_lost');
  }

  /**
   * Audio from Asterisk, to the answering phone. The phone counts each frame, sent or dropped
   * (`Phone.stats`); false when it dropped them.
   */
  audioFromAsterisk(frames: Buffer): boolean {
    const phone = this.#talkingWith;
    if (this.#state !== 'talking' || phone === undefined) return false;
    return phone.sendAudio(this.tap.active ? this.tap.pass('caller', frames) : frames);
  }

  /**
   * Audio from `phone`; only the answering phone's audio reaches Asterisk. The leg counts each
   * frame, sent or dropped (`AsteriskLeg.stats`); false when it dropped them or they were not for it.
   */
  audioFromBrowser(phone: Phone, frames: Buffer): boolean {
    if (this.#talkingWith !== phone || this.#state !== 'talking') return false;
    const out = this.tap.active ? this.tap.pass('agent', frames) : frames;
    return this.#pace?.relay(out) ?? this.#leg.sendAudio(out);
  }

  /** The caller pressed a key: the answering phone hears of it. */
  dtmfFromAsterisk(digit: string): void {
    if (this.#state !== 'talking') return;
    this.#talkingWith?.send({ type: 'dtmf', callId: this.id, digit });
    if (this.tap.active) this.tap.dtmf('caller', digit);
  }

  /** `phone` pressed keys: to Asterisk when it talks in this call, else ignored (a ringing or late phone). */
  dtmfFromBrowser(phone: Phone, digits: string): void {
    if (this.#talkingWith !== phone || this.#state !== 'talking') {
      this.#log.debug({ phoneId: phone.id, state: this.#state }, 'dtmf from a phone not talking in the call ignored');
      return;
    }
    if (this.#keypad === undefined) return void this.#log.debug('dtmf ignored: this gateway cannot press keys on asterisk (needs originate "ami")');
    this.#keypad.press(digits);
  }

  /** Nobody rings any more: ring the next step of a group, or end with `reason`. */
  #moveOn(event: CallEvent, reason: EndReason): void {
    if (this.#state !== 'ringing') return;
    if (this.#takeNextStep()) return this.#go('next');
    this.#end(event, reason);
  }

  /** Fill `#ringing` from the next step of the plan that has a phone available; false when none has. */
  #takeNextStep(): boolean {
    const phones = this.#steps.next();
    if (phones === undefined) return false;
    for (const phone of phones) this.#ringing.add(phone);
    return true;
  }

  /** The current step rang out: its phones stop ringing and the plan moves on. */
  #stepTimedOut(): void {
    for (const phone of this.#ringing) phone.send({ type: 'ended', callId: this.id, reason: 'timeout' });
    this.#ringing.clear();
    this.#moveOn('timeout', 'timeout');
  }

  /** The phones ringing changed while the call stays `ringing`: watchers (the monitor) hear of it. */
  #ringersChanged(): void {
    this.#options.onState(this, this.#state);
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
        this.#enterRinging(event);
        break;
      case 'talking':
        this.#enterTalking();
        break;
      case 'ended':
        this.#enterEnded();
        break;
    }
    this.#options.onState(this, from);
  }

  #enterRinging(event: CallEvent): void {
    const { plan } = this.#options;
    for (const phone of this.#ringing) this.#sendIncoming(phone);
    clearTimeout(this.#stepTimer);
    this.#stepTimer = setTimeout(() => this.#stepTimedOut(), this.#steps.durationMs);
    if (event === 'ring') this.#ringTimer = setTimeout(() => this.#end('timeout', 'timeout'), plan.maxRingMs);
    this.#log.info({ phones: this.#ringing.size, step: this.#steps.index, group: this.group, callerNumber: this.caller.number }, 'call ringing');
  }

  #sendIncoming(phone: Phone): void {
    phone.send({
      type: 'incoming',
      callId: this.id,
      extension: this.extension,
      callerNumber: this.caller.number,
      callerName: this.caller.name,
      group: this.group,
      format: this.format,
      ...(this.outbound === undefined ? {} : { outbound: true, dialedNumber: this.outbound.number, dialId: this.outbound.dialId }),
      ...(this.outbound?.requestId !== undefined && this.outbound.phoneId === phone.id ? { requestId: this.outbound.requestId } : {}),
    });
  }

  #enterTalking(): void {
    this.#clearTimers();
    this.answeredAtMs = Date.now();
    this.#leg.answer();
    this.#pace = new UplinkPace(this.#leg, this.format, this.#log);
    const winner = this.#talkingWith;
    // The phone checks the length of the audio it receives, and counts what it sends, in the call's codec.
    winner?.talkingIn(this.format);
    if (winner !== undefined) winner.send({ type: 'answered', callId: this.id });
    for (const other of this.#ringing) other.send({ type: 'ended', callId: this.id, reason: 'answered_elsewhere' });
    this.#ringing.clear();
    this.#log.info({ phoneId: winner?.id, setupMs: this.answeredAtMs - this.startedAtMs }, 'call answered');
  }

  #enterEnded(): void {
    this.#clearTimers();
    this.#keypad?.close();
    this.#pace?.close();
    this.tap.end();
    const reason = this.#endReason ?? 'failed';
    for (const phone of this.#ringing) phone.send({ type: 'ended', callId: this.id, reason });
    this.#talkingWith?.send({ type: 'ended', callId: this.id, reason });
    this.#talkingWith?.talkingIn(undefined);
    this.#ringing.clear();
    // Asterisk hangs up on its own when it closed the socket; otherwise tell it.
    if (this.#leg.isOpen) this.#leg.hangup();
    const talkedMs = this.answeredAtMs === undefined ? 0 : Date.now() - this.answeredAtMs;
    this.#log.info({ reason, talkedMs, framesIn: this.#leg.stats.framesIn, framesOut: this.#leg.stats.framesOut, uplinkPace: this.#pace?.stats }, 'call ended');
  }

  #clearTimers(): void {
    clearTimeout(this.#stepTimer);
    clearTimeout(this.#ringTimer);
  }
}
