/**
 * What a supervisor's request can fail with (`@gag/sdk/supervisor`): the gateway's
 * `supervisor_refused`, as an error carrying its code.
 * @packageDocumentation
 */
import { GagError } from './errors.js';
import type { SupervisorErrorCode } from './protocol.js';

/**
 * How long a supervisor's request (`board`, `supervise`, `unsupervise`) waits for the gateway's
 * answer before it fails with `GAG_NOT_CONNECTED`.
 * @example spinner.title = `Joining… (up to ${SUPERVISE_TIMEOUT_MS / 1000} s)`;
 */
export const SUPERVISE_TIMEOUT_MS = 10_000;

/**
 * The gateway refused a supervisor's request (code `GAG_SUPERVISOR_REFUSED`); `reason` is its
 * `supervisor_refused.code`, `request` which request it was:
 * - `not_supervisor`: the token has no `gag_role: "supervisor"`, or the gateway's `supervisors`
 *   config gives its extension no scope — mint the token with `supervisor: true` and add the extension;
 * - `not_allowed`: the call is outside what this supervisor may see;
 * - `no_such_call`: the call is over (or never was);
 * - `not_talking`: the call still rings (only an answered call can be joined);
 * - `busy`: this session talks in a call of its own, or the call has as many supervisors as it may have.
 * @example
 * try { await board.supervise(callId, 'listen'); }
 * catch (e) { if (e instanceof SupervisorRefusedError && e.reason === 'not_talking') toast('Not answered yet'); }
 */
export class SupervisorRefusedError extends GagError {
  /** `'SupervisorRefusedError'`. */
  override name = 'SupervisorRefusedError';
  /** Why, as the gateway said. */
  readonly reason: SupervisorErrorCode;
  /** The request refused. */
  readonly request: 'board' | 'supervise' | 'unsupervise';
  /** The call it was about, for `supervise` and `unsupervise`. */
  readonly callId: string | undefined;
  constructor(refusal: { code: SupervisorErrorCode; request: 'board' | 'supervise' | 'unsupervise'; callId?: string | undefined; message: string }) {
    super('GAG_SUPERVISOR_REFUSED', `${refusal.request} refused (${refusal.code}): ${refusal.message}`);
    this.reason = refusal.code;
    this.request = refusal.request;
    this.callId = refusal.callId;
  }
}
