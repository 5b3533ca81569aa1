/**
 * One tab's part in sharing a phone (phone-tabs.ts), as a table like the call's
 * (`@gag/sdk`'s call-machine.ts): the roles, what moves a tab between them, and the data a role carries.
 * @packageDocumentation
 */
import { IllegalTransitionError } from '@gag/sdk';

/**
 * Where a tab stands:
 * - `following` — another tab holds the phone (or nobody yet): this one mirrors it and waits in line;
 * - `taking-over` — the user took the phone into this tab: it connects as a second phone of the
 *   extension and waits to be online (and for the call it came for to ring here);
 * - `stealing` — that is done: it asked for the lock from the tab holding it;
 * - `leading` — this tab holds the phone: it connects, rings, and tells the others;
 * - `leaving` — the lock was taken from it mid-call (a race): the call stays here until it ends;
 * - `closed` — the element left the page.
 */
export type TabRole = 'following' | 'taking-over' | 'stealing' | 'leading' | 'leaving' | 'closed';

/**
 * What can happen to a tab:
 * - `lead` — it holds a phone of its own (no Web Locks, or the phone's name could not be known);
 * - `granted` — the lock is this tab's (from the line, or taken with a steal);
 * - `takeOver` — "Answer here" / "Use this tab" was clicked;
 * - `steal` — the takeover is online and loses nothing by taking the lock now;
 * - `giveUp` — the takeover cannot go on (no client, its connection failed, the call was answered
 *   in the other tab, or it never rang here);
 * - `stolen` — another tab took the lock while this one was idle or ringing;
 * - `stolenInCall` — another tab took the lock during a call here;
 * - `callEnded` — the call that kept a leaving tab ended;
 * - `close` — the element left the page.
 */
export type TabEvent = 'lead' | 'granted' | 'takeOver' | 'steal' | 'giveUp' | 'stolen' | 'stolenInCall' | 'callEnded' | 'close';

const TAB_TRANSITIONS: { readonly [R in TabRole]: Readonly<Partial<Record<TabEvent, TabRole>>> } = {
  following: { lead: 'leading', granted: 'leading', takeOver: 'taking-over', close: 'closed' },
  // `granted` without `steal`: the leading tab closed meanwhile and the line reached this tab.
  'taking-over': { steal: 'stealing', granted: 'leading', giveUp: 'following', close: 'closed' },
  stealing: { granted: 'leading', giveUp: 'following', close: 'closed' },
  leading: { stolen: 'following', stolenInCall: 'leaving', close: 'closed' },
  leaving: { callEnded: 'following', close: 'closed' },
  closed: {},
};

/** Whether `event` is allowed in role `from`. */
export const canTabTransition = (from: TabRole, event: TabEvent): boolean => TAB_TRANSITIONS[from][event] !== undefined;

/**
 * The role after `event` in role `from`.
 * @throws IllegalTransitionError (`GAG_ILLEGAL_TRANSITION`) when the table has no such move: a bug in the tabs' code.
 */
export function tabTransition(from: TabRole, event: TabEvent): TabRole {
  const to = TAB_TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}

/**
 * A role with the data it carries: a takeover's `answerHere` is the call it came for (ringing in
 * the leading tab when "Answer here" was clicked), which this tab answers as soon as it rings here.
 */
export type TabState =
  | { readonly role: 'following' | 'leading' | 'leaving' | 'closed' }
  | { readonly role: 'taking-over' | 'stealing'; readonly answerHere: string | undefined };

/**
 * The state after `event` in `from`: {@link tabTransition} for the role, and the data it carries.
 * `ringingThere` is the id of the call ringing in the leading tab, read only by `takeOver`.
 * @throws IllegalTransitionError (`GAG_ILLEGAL_TRANSITION`) when the table has no such move.
 */
export function nextTabState(from: TabState, event: TabEvent, ringingThere?: string): TabState {
  const role = tabTransition(from.role, event);
  if (role !== 'taking-over' && role !== 'stealing') return { role };
  // Only takeOver enters taking-over, and only taking-over steals: the call comes along.
  return { role, answerHere: role === 'taking-over' ? ringingThere : (from as { answerHere?: string }).answerHere };
}
