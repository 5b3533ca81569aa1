/**
 * How `@gag/sdk/supervisor` rides on a {@link GagClient}'s connection (issue 21): the client hands
 * the supervisor's messages and, while it is in a call, the call's audio to the one port attached,
 * and lends it the connection to send on. Kept apart so a phone that never supervises does not
 * carry the board.
 * @packageDocumentation
 */
import type { ClientMessage, ServerMessage } from './protocol.js';
import type { PacketMs } from './wire-units.js';

/** The messages only a supervisor gets (docs/protocol.md#supervisors). */
export type SupervisorServerMessage = Extract<
  ServerMessage,
  { type: 'board_agent' | 'board_call' | 'board_synced' | 'supervising' | 'supervise_ended' | 'supervisor_refused' }
>;
/** The messages only a supervisor sends. */
export type SupervisorClientMessage = Extract<ClientMessage, { type: 'board' | 'supervise' | 'unsupervise' }>;

const SUPERVISOR_TYPES: ReadonlySet<string> = new Set<SupervisorServerMessage['type']>([
  'board_agent',
  'board_call',
  'board_synced',
  'supervising',
  'supervise_ended',
  'supervisor_refused',
]);

/**
 * Whether `message` is one of the supervisor's.
 * @example if (isSupervisorMessage(msg)) port.message(msg);
 */
export const isSupervisorMessage = (message: ServerMessage): message is SupervisorServerMessage => SUPERVISOR_TYPES.has(message.type);

/** What the supervisor side hears from the client (internal to the SDK). */
export interface SupervisorPort {
  /** A supervisor message from the gateway. */
  message(message: SupervisorServerMessage): void;
  /** A BINARY frame: the supervised call's audio while in one (ignore it otherwise). */
  audio(frame: ArrayBuffer): void;
  /** The connection closed: every supervision on it is over (the board is watched again after `connected`). */
  disconnected(): void;
}

/** What the client lends the supervisor side (internal to the SDK). */
export interface SupervisorLink {
  /** Whether this session's gateway listed `supervise` in `welcome.features` (a supervisor's token on a gateway that has the feature). */
  readonly enabled: boolean;
  /** Send a supervisor message; false when the connection is not open. */
  send(message: SupervisorClientMessage): boolean;
  /** Send the supervisor's voice; false when dropped (closed, or more than `maxBacklogBytes` waiting). */
  sendAudio(frame: ArrayBuffer, maxBacklogBytes: number): boolean;
  /** Audio per message on this connection (`welcome.packetMs`). */
  packetMs(): PacketMs;
  /** Stop hearing the client. */
  detach(): void;
}
