/**
 * `@gag/sdk/supervisor`: the supervisor's board and listen / whisper / barge (issue 21), for
 * custom boards; `<gag-board>` is built on it. A module of its own, so a phone that never
 * supervises does not carry it.
 * @example
 * import { GagClient } from '@gag/sdk';
 * import { SupervisorBoard } from '@gag/sdk/supervisor';
 * const board = new SupervisorBoard(new GagClient({ url, getToken }));
 * @module @gag/sdk/supervisor
 */
export { SupervisorBoard, type SupervisorBoardEvents } from './supervisor-board.js';
export { Supervision, type SupervisionEvents, type SupervisionEndReason } from './supervisor-call.js';
export { SupervisorRefusedError, SUPERVISE_TIMEOUT_MS } from './supervisor-errors.js';
export { SUPERVISE_MODES, PRESENCES, type SuperviseMode, type Presence, type BoardAgent, type BoardCall, type SupervisorErrorCode } from './oversight-messages.js';
