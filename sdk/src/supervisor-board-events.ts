/**
 * What a supervisor's board (`SupervisorBoard`) tells its listeners.
 * @packageDocumentation
 */
import type { BoardAgent, BoardCall } from './protocol.js';
import type { Supervision } from './supervisor-call.js';
import type { SupervisorRefusedError } from './supervisor-errors.js';

/**
 * Events of a `SupervisorBoard`. Every listener runs after the board is updated.
 * @example board.on('call', (call) => render(board.calls));
 */
export interface SupervisorBoardEvents {
  /**
   * The whole picture is in (`agents` and `calls` replaced): after `watch()`, and again after each
   * reconnect. @example board.on('synced', () => renderAll(board))
   */
  synced: () => void;
  /** An agent's presence (or phones, or groups) changed. @example board.on('agent', (agent) => row(agent.extension).update(agent)) */
  agent: (agent: BoardAgent) => void;
  /** A call rang, was answered, changed supervisors, or ended (`state: 'ended'`: gone from `calls`). @example board.on('call', (call) => {}) */
  call: (call: BoardCall) => void;
  /** This board joined a call (`supervise()` resolved with it). @example board.on('supervising', (s) => s.on('ended', render)) */
  supervising: (supervision: Supervision) => void;
  /**
   * A request no promise waits for was refused: watching again after a reconnect (e.g. the token
   * is no longer a supervisor's). @example board.on('refused', (e) => show(e.reason))
   */
  refused: (error: SupervisorRefusedError) => void;
}
