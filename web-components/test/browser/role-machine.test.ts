/**
 * A tab's roles in sharing a phone (tabs/role-machine.ts), walked move by move against the table
 * as this test states it: every allowed move lands where it should, every other one throws.
 * phone-tabs.test.ts drives the same moves through real Web Locks and BroadcastChannels.
 */
import { describe, expect, test } from 'vitest';
import { IllegalTransitionError } from '@gag/sdk';
import { canTabTransition, nextTabState, tabTransition, type TabEvent, type TabRole, type TabState } from '../../src/tabs/role-machine.js';

const ROLES: readonly TabRole[] = ['following', 'taking-over', 'stealing', 'leading', 'leaving', 'closed'];
const EVENTS: readonly TabEvent[] = ['lead', 'granted', 'takeOver', 'steal', 'giveUp', 'stolen', 'stolenInCall', 'callEnded', 'close'];

/** The moves a tab may make, written out here on their own (not read from the module). */
const ALLOWED: ReadonlyArray<readonly [TabRole, TabEvent, TabRole]> = [
  ['following', 'lead', 'leading'],
  ['following', 'granted', 'leading'],
  ['following', 'takeOver', 'taking-over'],
  ['following', 'close', 'closed'],
  ['taking-over', 'steal', 'stealing'],
  ['taking-over', 'granted', 'leading'],
  ['taking-over', 'giveUp', 'following'],
  ['taking-over', 'close', 'closed'],
  ['stealing', 'granted', 'leading'],
  ['stealing', 'giveUp', 'following'],
  ['stealing', 'close', 'closed'],
  ['leading', 'stolen', 'following'],
  ['leading', 'stolenInCall', 'leaving'],
  ['leading', 'close', 'closed'],
  ['leaving', 'callEnded', 'following'],
  ['leaving', 'close', 'closed'],
];
const allowed = (from: TabRole, event: TabEvent): TabRole | undefined => ALLOWED.find(([f, e]) => f === from && e === event)?.[2];
const ILLEGAL = ROLES.flatMap((from) => EVENTS.filter((event) => allowed(from, event) === undefined).map((event) => [from, event] as const));

describe("a tab's roles", () => {
  test.each(ALLOWED)('%s --%s--> %s', (from, event, to) => {
    expect(canTabTransition(from, event)).toBe(true);
    expect(tabTransition(from, event)).toBe(to);
  });

  test.each(ILLEGAL)('%s does not take %s: it throws GAG_ILLEGAL_TRANSITION (a bug in the tabs)', (from, event) => {
    expect(canTabTransition(from, event)).toBe(false);
    expect(() => tabTransition(from, event)).toThrow(IllegalTransitionError);
    expect(() => tabTransition(from, event)).toThrow(expect.objectContaining({ code: 'GAG_ILLEGAL_TRANSITION', from, event }));
  });

  test('closed is final, every other role can close, and the table covers every role and event', () => {
    expect(ILLEGAL.length + ALLOWED.length).toBe(ROLES.length * EVENTS.length);
    expect(ALLOWED.filter(([from]) => from === 'closed')).toEqual([]);
    expect(ROLES.filter((role) => role !== 'closed' && allowed(role, 'close') !== 'closed')).toEqual([]);
  });
});

describe('what a role carries', () => {
  const walk = (events: ReadonlyArray<TabEvent>, from: TabState = { role: 'following' }, ringingThere?: string): TabState[] => {
    const states: TabState[] = [];
    for (const event of events) states.push((from = nextTabState(from, event, ringingThere)));
    return states;
  };

  test('a takeover carries the call it came for while it connects and steals, and forgets it once it leads', () => {
    expect(walk(['takeOver', 'steal', 'granted'], undefined, 'c1')).toEqual([
      { role: 'taking-over', answerHere: 'c1' },
      { role: 'stealing', answerHere: 'c1' },
      { role: 'leading' },
    ]);
    expect(walk(['takeOver', 'giveUp'], undefined, 'c1')).toEqual([{ role: 'taking-over', answerHere: 'c1' }, { role: 'following' }]);
  });

  test('"Use this tab" (no call ringing) carries none', () => {
    expect(walk(['takeOver', 'steal'])).toEqual([
      { role: 'taking-over', answerHere: undefined },
      { role: 'stealing', answerHere: undefined },
    ]);
  });
});
