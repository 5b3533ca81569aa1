/**
 * Calls and sessions as the operations API and the monitor feed show them: plain JSON objects,
 * times as ISO 8601 strings, no audio and no token.
 * @packageDocumentation
 */
import type { CallState, EndReason, SuperviseMode } from '@gag/sdk/protocol';
import type { Phone } from '../browser/phone.js';
import type { Call } from '../calls/call.js';

/**
 * A call in `GET /api/calls` and the monitor feed.
 * @example const { calls } = (await (await fetch(`${base}/api/calls`, { headers })).json()) as { calls: CallView[] };
 */
export interface CallView {
  /** The call's id (the `callId` its phones see). */
  readonly id: string;
  /** The extension (or group name) the call is for. */
  readonly extension: string;
  /** The group from gag_groups.json the call came through, if any. */
  readonly group: string | null;
  /** `outbound`: the call back of the extension's own click-to-call. */
  readonly direction: 'inbound' | 'outbound';
  /** The number an outbound call dials once answered. */
  readonly dialedNumber: string | null;
  /** The caller's number, if Asterisk said. */
  readonly callerNumber: string | null;
  /** The caller's name, if Asterisk said. */
  readonly callerName: string | null;
  /** Where the call is: `routing`, `ringing`, `talking` or `ended`. */
  readonly state: CallState;
  /** Why it ended, once `ended`. */
  readonly endReason: EndReason | null;
  /** When Asterisk's call arrived, ISO 8601. */
  readonly startedAt: string;
  /** When a phone answered, ISO 8601. */
  readonly answeredAt: string | null;
  /** Sessions the call rings now. */
  readonly ringingSessions: readonly string[];
  /** The session talking in it, once answered. */
  readonly talkingSession: string | null;
  /** Audio messages from Asterisk on this call (each one or more whole 20 ms frames; Asterisk sends one). */
  readonly framesFromAsterisk: number;
  /** Frames (20 ms each) sent to Asterisk on this call. */
  readonly framesToAsterisk: number;
  /** Supervisors in the call now (docs/supervisors.md): their extension and mode. */
  readonly supervisors: readonly CallSupervisorView[];
  /** In a cluster, the node holding the call (`/api/calls`, `/monitor`). */
  readonly node?: string;
}

/**
 * A supervisor in a call, in {@link CallView.supervisors}.
 * @example const barging = view.supervisors.filter((s: CallSupervisorView) => s.mode === 'barge');
 */
export interface CallSupervisorView {
  /** The supervisor's extension. */
  readonly extension: string;
  /** `listen`, `whisper` or `barge` (docs/supervisors.md). */
  readonly mode: SuperviseMode;
}

/**
 * A logged-in browser in `GET /api/sessions` and the monitor feed.
 * @example const { sessions } = (await (await fetch(`${base}/api/sessions`, { headers })).json()) as { sessions: SessionView[] };
 */
export interface SessionView {
  /** The session's id (the `sessionId` of its `welcome`). */
  readonly id: string;
  /** The extension it is logged in as; null before it logged in. */
  readonly extension: string | null;
  /** `gag.v1`, or the GoAstGateway `legacy` protocol. */
  readonly protocol: 'gag.v1' | 'legacy';
  /** The browser's address. */
  readonly ip: string | null;
  /** The browser's `User-Agent`. */
  readonly userAgent: string | null;
  /** When it connected, ISO 8601. */
  readonly connectedAt: string;
  /** The call it is talking in, if any. */
  readonly callId: string | null;
  /** In a cluster, the node it is connected to when that is another node (absent: this one). */
  readonly node?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The view of `call`. */
export function callView(call: Call): CallView {
  return {
    id: call.id,
    extension: call.extension,
    group: call.group,
    direction: call.outbound === undefined ? 'inbound' : 'outbound',
    dialedNumber: call.outbound?.number ?? null,
    callerNumber: call.caller.number,
    callerName: call.caller.name,
    state: call.state,
    endReason: call.endReason ?? null,
    startedAt: iso(call.startedAtMs),
    answeredAt: call.answeredAtMs === undefined ? null : iso(call.answeredAtMs),
    ringingSessions: call.ringing.map((p) => p.id),
    talkingSession: call.talkingWith?.id ?? null,
    framesFromAsterisk: call.legStats.framesIn,
    framesToAsterisk: call.legStats.framesOut,
    supervisors: call.supervisors.map((s) => ({ extension: s.extension, mode: s.mode })),
  };
}

/** The view of `phone`, with the call it talks in. */
export function sessionView(phone: Phone, call: Call | undefined): SessionView {
  return {
    id: phone.id,
    extension: phone.extension ?? null,
    protocol: phone.protocol,
    ip: phone.remoteAddress ?? null,
    userAgent: phone.userAgent ?? null,
    connectedAt: iso(phone.connectedAtMs),
    callId: call?.id ?? null,
    ...(phone.node === undefined ? {} : { node: phone.node }),
  };
}
