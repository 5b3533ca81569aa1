/**
 * The connection's state machine: where a {@link GagClient} is between `connect()` and
 * `disconnect()`, as a table like the call's (`call-machine.ts`). The client's public
 * `ConnectionState` is what this shows: `closing` shows the state it left until its socket closed.
 * @packageDocumentation
 * @internal
 */
import type { ConnectionState } from './client-events.js';
import { IllegalTransitionError } from './errors.js';

/**
 * Where the client is:
 * - `offline` — nothing wanted: before `connect()`, after `disconnect()`, or given up;
 * - `connecting` — `connect()` called, not logged in yet: a failure ends it, with no retry;
 * - `online` — logged in (the gateway said `welcome`);
 * - `reconnecting` — lost after being online; the reconnect loop waits or an attempt is on its way;
 * - `closing` — `disconnect()` called with a socket open: waiting for it to close.
 */
export type ClientPhase = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'closing';

/**
 * What can happen to the connection:
 * - `connect` — `connect()` was called;
 * - `welcome` — the gateway accepted the token;
 * - `drop` — the connection (or an attempt) was lost and a reconnect follows;
 * - `fail` — it was lost, or an attempt failed, and no reconnect follows;
 * - `disconnect` — `disconnect()` was called;
 * - `closed` — after `disconnect()`, the socket closed (or there was none).
 */
export type ClientEvent = 'connect' | 'welcome' | 'drop' | 'fail' | 'disconnect' | 'closed';

const CLIENT_TRANSITIONS: { readonly [S in ClientPhase]: Readonly<Partial<Record<ClientEvent, ClientPhase>>> } = {
  offline: { connect: 'connecting' },
  connecting: { welcome: 'online', fail: 'offline', disconnect: 'closing' },
  online: { drop: 'reconnecting', fail: 'offline', disconnect: 'closing' },
  // `drop` again: the next attempt failed too, or the network came back and one starts at once.
  reconnecting: { welcome: 'online', drop: 'reconnecting', fail: 'offline', disconnect: 'closing' },
  closing: { closed: 'offline' },
};

/** Whether `event` is allowed in phase `from`; for the gateway's input, which can repeat. */
export const canClientTransition = (from: ClientPhase, event: ClientEvent): boolean =>
  CLIENT_TRANSITIONS[from][event] !== undefined;

/**
 * The phase after `event` in phase `from`.
 * @throws IllegalTransitionError (`GAG_ILLEGAL_TRANSITION`) when the table has no such move: a bug in the client.
 */
export function clientTransition(from: ClientPhase, event: ClientEvent): ClientPhase {
  const to = CLIENT_TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}

/** The phases between `connect()` and `disconnect()` (or giving up). */
type LivePhase = 'connecting' | 'online' | 'reconnecting';

/**
 * A phase with the data it carries:
 * - `run` — the `connect()` the client serves (a new one per call): an attempt that resumes
 *   after its token arrived gives up when the client's run is no longer its own;
 * - `shown` — while closing, the state the client still shows until its socket closes.
 */
export type ClientState =
  | { readonly phase: 'offline' }
  | { readonly phase: LivePhase; readonly run: object }
  | { readonly phase: 'closing'; readonly shown: LivePhase };

/** The client before `connect()`. */
export const OFFLINE: ClientState = { phase: 'offline' };

/**
 * The state after `event` in `from`: {@link clientTransition} for the phase, and the data it carries.
 * @throws IllegalTransitionError (`GAG_ILLEGAL_TRANSITION`) when the table has no such move.
 */
export function nextClientState(from: ClientState, event: ClientEvent): ClientState {
  const phase = clientTransition(from.phase, event);
  if (phase === 'offline') return OFFLINE;
  // The table enters closing only from a live phase, which it shows until the socket closed.
  if (phase === 'closing') return { phase, shown: from.phase as LivePhase };
  return { phase, run: 'run' in from ? from.run : {} };
}

/** What the client shows as its `state`. */
export const shownState = (state: ClientState): ConnectionState => (state.phase === 'closing' ? state.shown : state.phase);

/** The `connect()` the client serves in `state`, if any. */
export const runOf = (state: ClientState): object | undefined => ('run' in state ? state.run : undefined);
