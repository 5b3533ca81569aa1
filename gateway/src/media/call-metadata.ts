/**
 * What a recording's sidecar and a fork's `start` say about the call (issue 20): one shape,
 * built in one place.
 * @packageDocumentation
 */
import type { Call } from '../calls/call.js';

/**
 * The call behind a recording or a fork.
 * @example const { callId, extension, direction }: CallMetadata = callMetadata(call);
 */
export interface CallMetadata {
  readonly callId: string;
  /** The extension (or group name) the call was for. */
  readonly extension: string;
  readonly callerNumber: string | null;
  readonly callerName: string | null;
  /** The group of gag_groups.json the call came through. */
  readonly group: string | null;
  /** `outbound`: the call back of a click-to-call. */
  readonly direction: 'inbound' | 'outbound';
  /** The session (`welcome.sessionId`) of the agent who answered. */
  readonly agentSession: string | null;
  /** When Asterisk's call arrived, ISO 8601. */
  readonly callStartedAt: string;
}

/** The metadata of `call` now. @example callMetadata(call).agentSession */
export function callMetadata(call: Call): CallMetadata {
  return {
    callId: call.id,
    extension: call.extension,
    callerNumber: call.caller.number ?? null,
    callerName: call.caller.name ?? null,
    group: call.group,
    direction: call.outbound === undefined ? 'inbound' : 'outbound',
    agentSession: call.talkingWith?.id ?? null,
    callStartedAt: new Date(call.startedAtMs).toISOString(),
  };
}
