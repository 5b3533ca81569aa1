/**
 * The one call state machine, used by the gateway's calls and the SDK's `Call`, so state names
 * are identical on both sides and on the wire. The browser enters at `ringing`.
 * @packageDocumentation
 */
import { IllegalTransitionError } from './errors.js';

/**
 * Where a call is: found no phone yet, ringing phones, talking, or over.
 * @example call.on('state', (state: CallState) => { if (state === 'talking') startTimer(); });
 */
export type CallState = 'routing' | 'ringing' | 'talking' | 'ended';
/**
 * What can happen to a call; `next` rings the next phones of a group.
 * @example const next = transition('ringing', 'answer' satisfies CallEvent); // 'talking'
 */
export type CallEvent = 'ring' | 'next' | 'answer' | 'reject' | 'timeout' | 'hangup' | 'fail';

const TRANSITIONS: { readonly [S in CallState]: Readonly<Partial<Record<CallEvent, CallState>>> } = {
  routing: { ring: 'ringing', hangup: 'ended', fail: 'ended' },
  ringing: { next: 'ringing', answer: 'talking', reject: 'ended', timeout: 'ended', hangup: 'ended', fail: 'ended' },
  talking: { hangup: 'ended', fail: 'ended' },
  ended: {},
};

/**
 * Whether `event` is allowed in state `from`; use it for peer input that can legitimately race.
 * @example if (!canTransition(call.state, 'answer')) return log.debug({ state: call.state }, 'late answer dropped');
 */
export const canTransition = (from: CallState, event: CallEvent): boolean =>
  TRANSITIONS[from][event] !== undefined;

/**
 * The state after `event` in state `from`.
 * @throws IllegalTransitionError (`GAG_ILLEGAL_TRANSITION`) when the table has no such move: a bug in our code.
 * @example transition('ringing', 'answer'); // 'talking'
 */
export function transition(from: CallState, event: CallEvent): CallState {
  const to = TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}
