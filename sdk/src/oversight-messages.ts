/**
 * The `gag.v1` messages about who else hears a call: the notices an agent's phone gets when its
 * call is recorded or a supervisor joins it (issues 20 and 21), and the supervisor's own messages
 * (the board of agents and calls; listen, whisper and barge). protocol.ts folds them into its
 * message unions; docs/protocol.md#supervisors and #call-notices describe them for people.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { CallId, DisplayText, EpochMs, Text } from './protocol-fields.js';
import { WIRE_FORMATS } from './wire-units.js';

/**
 * Optional messages a client lists in `hello.features` because it understands them: the gateway
 * sends them to that client only (a client that does not list one never gets it, so older SDKs,
 * which close on an unknown message, keep working).
 * @example ws.send(encodeClientMessage({ type: 'hello', token, features: [CLIENT_FEATURES.CALL_NOTICES] }));
 */
export const CLIENT_FEATURES = {
  /** `recording` and `supervised`: who else hears this phone's call. */
  CALL_NOTICES: 'call_notices',
} as const;

/**
 * The claim a token carries to log in a supervisor: `gag_role: "supervisor"`. The gateway's config
 * (`supervisors`) still decides which extensions and groups that supervisor may see and join.
 */
export const SUPERVISOR_ROLE = 'supervisor';

/**
 * How a supervisor is in a call: `listen` hears the caller and the agent mixed, and nobody hears
 * the supervisor; `whisper` also speaks to the agent only; `barge` speaks to both (a three-way call).
 */
export const SUPERVISE_MODES = ['listen', 'whisper', 'barge'] as const;
/** One of {@link SUPERVISE_MODES}. */
export type SuperviseMode = (typeof SUPERVISE_MODES)[number];

/** A call's recording as the agent is told (`recording.state`): written, paused, or not (any more). */
export const RECORDING_STATES = ['on', 'paused', 'off'] as const;
/** One of {@link RECORDING_STATES}. */
export type RecordingState = (typeof RECORDING_STATES)[number];

/**
 * Why a supervisor's `board` or `supervise` was refused, in `supervisor_refused.code`. Stable:
 * - `not_supervisor`: the token has no `gag_role: "supervisor"`, or the config gives its extension no scope;
 * - `not_allowed`: the call is outside what this supervisor may see;
 * - `no_such_call`: no live call has that id;
 * - `not_talking`: the call has not been answered yet (only a talking call can be joined);
 * - `busy`: this session is talking in a call of its own, or the call has as many supervisors as it may have.
 */
export const SUPERVISOR_ERRORS = ['not_supervisor', 'not_allowed', 'no_such_call', 'not_talking', 'busy'] as const;
/** One of {@link SUPERVISOR_ERRORS}. */
export type SupervisorErrorCode = (typeof SUPERVISOR_ERRORS)[number];

/**
 * Why a supervisor is out of a call, in `supervise_ended.reason`: it sent `unsupervise` (`left`),
 * the call ended (`call_ended`), or a config reload took the call out of its scope (`not_allowed`).
 */
export const SUPERVISE_END_REASONS = ['left', 'call_ended', 'not_allowed'] as const;

/** An agent's presence on the board: no phone logged in, logged in and free, rung, or in a call. */
export const PRESENCES = ['offline', 'idle', 'ringing', 'talking'] as const;
/** One of {@link PRESENCES}. */
export type Presence = (typeof PRESENCES)[number];

/** A call's state on the board; `ended` is its last update (the board drops it). */
export const BOARD_CALL_STATES = ['ringing', 'talking', 'ended'] as const;

/** The groups an agent is a member of, as the board lists them: at most this many. */
export const MAX_BOARD_GROUPS = 16;

const BoardAgentSchema = v.object({
  /** The agent's extension. */
  extension: Text,
  /** See {@link PRESENCES}. */
  presence: v.picklist(PRESENCES),
  /** Since when (the gateway's clock, ms since the epoch): a talking agent's call duration starts here. */
  since: EpochMs,
  /** The call the agent is rung by or talks in (`ringing`, `talking`), else null. */
  callId: v.nullable(CallId),
  /** Phones logged in for the extension (0 when offline). */
  phones: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The groups of gag_groups.json the extension is a member of (at most {@link MAX_BOARD_GROUPS}). */
  groups: v.pipe(v.array(DisplayText), v.maxLength(MAX_BOARD_GROUPS)),
});

const BoardCallSchema = v.object({
  /** The call's id, as in `supervise`. */
  callId: CallId,
  /** See {@link BOARD_CALL_STATES}. */
  state: v.picklist(BOARD_CALL_STATES),
  /** The extension the call was for (a group's call: null until a member answers). */
  extension: v.nullable(Text),
  /** The group the call came through, or null. */
  group: v.nullable(DisplayText),
  /** The caller's number and name, or null when Asterisk did not say. */
  callerNumber: v.nullable(DisplayText),
  /** The caller's name, or null. */
  callerName: v.nullable(DisplayText),
  /** True for a click-to-call's call back. */
  outbound: v.boolean(),
  /** When the call reached the gateway (its wait in a queue starts here), ms since the epoch. */
  startedAt: EpochMs,
  /** When it was answered, or null while it rings. */
  answeredAt: v.nullable(EpochMs),
  /** The extension that answered it, or null while it rings. */
  agent: v.nullable(Text),
  /** Supervisors in the call now, with their mode. */
  supervisors: v.pipe(
    v.array(
      v.object({
        /** The supervisor's extension. */
        extension: Text,
        /** See {@link SUPERVISE_MODES}. */
        mode: v.picklist(SUPERVISE_MODES),
      }),
    ),
    v.maxLength(16),
  ),
});

/**
 * An agent as the board shows it (`board_agent`).
 * @useDeclaredType
 * @example const talkingFor = (a: BoardAgent, serverNow: number) => (a.presence === 'talking' ? serverNow - a.since : 0);
 */
export type BoardAgent = v.InferOutput<typeof BoardAgentSchema>;
/**
 * A call as the board shows it (`board_call`).
 * @useDeclaredType
 * @example const waiting = (c: BoardCall) => c.state === 'ringing' && c.group !== null;
 */
export type BoardCall = v.InferOutput<typeof BoardCallSchema>;

/** Messages a supervisor's client sends (refused with `supervisor_refused` for any other token). */
export const OVERSIGHT_CLIENT_MESSAGES = [
  v.object({
    /**
     * Start (`watch: true`) or stop watching the board: the gateway sends a `board_agent` for each
     * agent and a `board_call` for each live call in this supervisor's scope, then `board_synced`,
     * then an update of either whenever one changes.
     */
    type: v.literal('board'),
    /** True to watch, false to stop. */
    watch: v.boolean(),
  }),
  v.object({
    /**
     * Join a talking call in `mode`, or switch mode while in it (without a gap): answered by
     * `supervising`. From then on this session's BINARY frames are that call's audio: it gets the
     * caller and the agent mixed, and what it sends is its voice (ignored while listening).
     */
    type: v.literal('supervise'),
    /** The call's id from the board. */
    callId: CallId,
    /** See {@link SUPERVISE_MODES}. */
    mode: v.picklist(SUPERVISE_MODES),
  }),
  v.object({
    /** Leave a call: answered by `supervise_ended` with reason `left`. The call goes on. */
    type: v.literal('unsupervise'),
    /** The call's id. */
    callId: CallId,
  }),
] as const;

/** Messages the gateway sends about oversight: notices to agents, and the supervisor's board and calls. */
export const OVERSIGHT_SERVER_MESSAGES = [
  v.object({
    /** To an agent that listed `call_notices`: its call's recording started, paused or stopped. */
    type: v.literal('recording'),
    /** The call's id from `incoming`. */
    callId: CallId,
    /** `on` while audio is written, `paused` during a pause, `off` once stopped. */
    state: v.picklist(RECORDING_STATES),
  }),
  v.object({
    /**
     * To an agent that listed `call_notices`: a supervisor joined its call, switched mode or left
     * (`mode` null). Listening is told only where the config says so (`supervisor_listen_shown`).
     */
    type: v.literal('supervised'),
    /** The call's id from `incoming`. */
    callId: CallId,
    /** The most audible supervisor mode now (barge over whisper over listen), or null for none. */
    mode: v.nullable(v.picklist(SUPERVISE_MODES)),
  }),
  v.object({
    /** An agent as the board shows it: sent on `board` and whenever its presence changes. */
    type: v.literal('board_agent'),
    /** The agent now. */
    agent: BoardAgentSchema,
  }),
  v.object({
    /** A call as the board shows it: sent on `board` and whenever it changes; last with `state: "ended"`. */
    type: v.literal('board_call'),
    /** The call now. */
    call: BoardCallSchema,
  }),
  v.object({
    /** The board's first picture is complete: every agent and call of the scope has been sent. */
    type: v.literal('board_synced'),
    /** The gateway's clock now, ms since the epoch: durations are counted from `since` on this clock. */
    serverTime: EpochMs,
  }),
  v.object({
    /** The supervisor is in the call in `mode` (also after a switch): BINARY frames are its audio now. */
    type: v.literal('supervising'),
    /** The call's id. */
    callId: CallId,
    /** See {@link SUPERVISE_MODES}. */
    mode: v.picklist(SUPERVISE_MODES),
    /** The call's codec, for the audio both ways. */
    format: v.picklist(WIRE_FORMATS),
  }),
  v.object({
    /** The supervisor is out of the call (see {@link SUPERVISE_END_REASONS}). */
    type: v.literal('supervise_ended'),
    /** The call's id. */
    callId: CallId,
    /** See {@link SUPERVISE_END_REASONS}. */
    reason: v.picklist(SUPERVISE_END_REASONS),
  }),
  v.object({
    /** A `board` or `supervise` was refused; the connection stays open. */
    type: v.literal('supervisor_refused'),
    /** Which request. */
    request: v.picklist(['board', 'supervise', 'unsupervise']),
    /** The call's id, for `supervise` and `unsupervise`. */
    callId: v.optional(CallId),
    /** See {@link SUPERVISOR_ERRORS}. */
    code: v.picklist(SUPERVISOR_ERRORS),
    /** What went wrong, in English, for a log. */
    message: Text,
  }),
] as const;
