/**
 * The connection's state machine (client-machine.ts), walked move by move against the table as
 * this test states it: every allowed move lands where it should, every other one throws.
 */
import { describe, expect, test } from 'vitest';
import {
  OFFLINE,
  canClientTransition,
  clientTransition,
  nextClientState,
  runOf,
  shownState,
  type ClientEvent,
  type ClientPhase,
  type ClientState,
} from '../src/client-machine.js';
import { IllegalTransitionError } from '../src/errors.js';

const PHASES: readonly ClientPhase[] = ['offline', 'connecting', 'online', 'reconnecting', 'closing'];
const EVENTS: readonly ClientEvent[] = ['connect', 'welcome', 'drop', 'fail', 'disconnect', 'closed'];

/** The moves the client may make, written out here on their own (not read from the module). */
const ALLOWED: ReadonlyArray<readonly [ClientPhase, ClientEvent, ClientPhase]> = [
  ['offline', 'connect', 'connecting'],
  ['connecting', 'welcome', 'online'],
  ['connecting', 'fail', 'offline'],
  ['connecting', 'disconnect', 'closing'],
  ['online', 'drop', 'reconnecting'],
  ['online', 'fail', 'offline'],
  ['online', 'disconnect', 'closing'],
  ['reconnecting', 'welcome', 'online'],
  ['reconnecting', 'drop', 'reconnecting'],
  ['reconnecting', 'fail', 'offline'],
  ['reconnecting', 'disconnect', 'closing'],
  ['closing', 'closed', 'offline'],
];
const allowed = (from: ClientPhase, event: ClientEvent): ClientPhase | undefined => ALLOWED.find(([f, e]) => f === from && e === event)?.[2];
const ILLEGAL = PHASES.flatMap((from) => EVENTS.filter((event) => allowed(from, event) === undefined).map((event) => [from, event] as const));

describe('the connection state machine', () => {
  test.each(ALLOWED)('%s --%s--> %s', (from, event, to) => {
    expect(canClientTransition(from, event)).toBe(true);
    expect(clientTransition(from, event)).toBe(to);
  });

  test.each(ILLEGAL)('%s does not take %s: it throws GAG_ILLEGAL_TRANSITION (a bug in the client)', (from, event) => {
    expect(canClientTransition(from, event)).toBe(false);
    expect(() => clientTransition(from, event)).toThrow(IllegalTransitionError);
    expect(() => clientTransition(from, event)).toThrow(expect.objectContaining({ code: 'GAG_ILLEGAL_TRANSITION', from, event }));
  });

  test('offline is left only by connect(), and every other phase can get back to it', () => {
    expect(ILLEGAL.length + ALLOWED.length).toBe(PHASES.length * EVENTS.length);
    const reachesOffline = (phase: ClientPhase, seen = new Set<ClientPhase>()): boolean =>
      phase === 'offline' || (!seen.has(phase) && ALLOWED.some(([f, , to]) => f === phase && reachesOffline(to, seen.add(phase))));
    expect(PHASES.filter((phase) => !reachesOffline(phase))).toEqual([]);
  });
});

describe('what the states carry', () => {
  const walk = (events: readonly ClientEvent[], from: ClientState = OFFLINE): ClientState[] => {
    const states: ClientState[] = [];
    for (const event of events) states.push((from = nextClientState(from, event)));
    return states;
  };

  test('one connect() is one run, kept through online and reconnecting; a new connect() is another run', () => {
    const [connecting, online, reconnecting, again, offline, next] = walk(['connect', 'welcome', 'drop', 'welcome', 'fail', 'connect']);
    const run = runOf(connecting!);
    expect(run).toBeDefined();
    expect([online, reconnecting, again].map((s) => runOf(s!))).toEqual([run, run, run]);
    expect(runOf(offline!)).toBeUndefined();
    expect(runOf(next!)).toBeDefined();
    expect(runOf(next!)).not.toBe(run);
  });

  test('closing carries no run, and shows the state it left until the socket closed', () => {
    for (const [events, shown] of [[['connect'], 'connecting'], [['connect', 'welcome'], 'online'], [['connect', 'welcome', 'drop'], 'reconnecting']] as const) {
      const closing = walk(['disconnect'], walk(events).at(-1));
      expect(closing.map(shownState)).toEqual([shown]);
      expect(runOf(closing[0]!)).toBeUndefined();
      expect(shownState(walk(['closed'], closing[0])[0]!)).toBe('offline');
    }
  });
});
