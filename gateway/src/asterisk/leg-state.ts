/**
 * The life of one Asterisk call socket as a table (like the call machine in `@gag/sdk/protocol`):
 * which state follows which event, as data, and the one {@link legTransition} that reads it.
 * @packageDocumentation
 */
import { IllegalTransitionError } from '@gag/sdk/protocol';

/**
 * - `awaiting_start`: open, MEDIA_START not yet arrived (it must within MEDIA_START_TIMEOUT_MS);
 * - `media`: MEDIA_START with a codec we relay: commands out, audio and DTMF both ways;
 * - `unsupported`: MEDIA_START with a codec we cannot relay: HANGUP sent, waiting for the close;
 * - `ending`: after MEDIA_START, HANGUP sent or the socket closed for a violation: waiting for the close
 *   (audio still arriving is counted and relayed; audio towards Asterisk is dropped);
 * - `aborted`: a violation before MEDIA_START: waiting for the close;
 * - `closed`: the socket is gone; terminal.
 *
 * In `unsupported`, `ending` and `aborted` a peer that never completes the closing handshake is
 * cut after HANGUP_CLOSE_TIMEOUT_MS.
 */
export type LegState = 'awaiting_start' | 'media' | 'unsupported' | 'ending' | 'aborted' | 'closed';

/** What moves a leg: MEDIA_START (usable or not), our HANGUP, a protocol violation, the socket's close. */
export type LegEvent = 'start' | 'refuse' | 'hangup' | 'violation' | 'close';

const LEG_TRANSITIONS: { readonly [S in LegState]: Readonly<Partial<Record<LegEvent, LegState>>> } = {
  awaiting_start: { start: 'media', refuse: 'unsupported', hangup: 'aborted', violation: 'aborted', close: 'closed' },
  media: { hangup: 'ending', violation: 'ending', close: 'closed' },
  unsupported: { violation: 'unsupported', close: 'closed' },
  ending: { violation: 'ending', close: 'closed' },
  aborted: { violation: 'aborted', close: 'closed' },
  closed: {},
};

/** Whether MEDIA_START has arrived in `state` (audio and events are then legal). */
export const hasStarted = (state: LegState): boolean => state === 'media' || state === 'unsupported' || state === 'ending';

/** Whether the hang-up timer runs in `state`. */
export const isClosing = (state: LegState): boolean => state === 'unsupported' || state === 'ending' || state === 'aborted';

/**
 * The state after `event`.
 * @throws IllegalTransitionError (`GAG_ILLEGAL_TRANSITION`): a move the table does not allow is a bug in the gateway.
 * @example legTransition('awaiting_start', 'start') // 'media'
 */
export function legTransition(from: LegState, event: LegEvent): LegState {
  const to = LEG_TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}
