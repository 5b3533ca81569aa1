/**
 * The browser ↔ gateway wire protocol `gag.v1`, declared once: the gateway imports this module
 * through `@gag/sdk/protocol`. Control messages are JSON in TEXT frames; audio is in BINARY
 * frames of the call's `format` (whole multiples of `frameBytesOf(format)`; slin16 when
 * `incoming` does not say), belonging to the session's one call in state `talking`. docs/protocol.md describes the same, for people.
 * @module @gag/sdk/protocol
 */
import * as v from 'valibot';
import { ProtocolError, type TokenRefusal } from './errors.js';
import { MAX_DTMF_DIGITS, WIRE_FORMATS } from './wire-units.js';
import { CallId, DisplayText, EpochMs, Text } from './protocol-fields.js';
import { CLIENT_FEATURES, OVERSIGHT_CLIENT_MESSAGES, OVERSIGHT_SERVER_MESSAGES } from './oversight-messages.js';

export * from './wire-units.js';
export * from './call-machine.js';
export * from './errors.js';
export { MAX_TEXT_CHARS, boundText } from './protocol-fields.js';
export * from './oversight-messages.js';

/**
 * The WebSocket subprotocol a `gag.v1` client asks for; without it the gateway speaks the legacy protocol.
 * @example const ws = new WebSocket(`${server}${PHONE_PATH}`, SUBPROTOCOL);
 */
export const SUBPROTOCOL = 'gag.v1';
/**
 * The path of the browser endpoint (the same as GoAstGateway's).
 * @example const ws = new WebSocket(`wss://gw.example.com:8766${PHONE_PATH}`, SUBPROTOCOL);
 */
export const PHONE_PATH = '/phone';
/**
 * The first message (`hello`, with the token) must arrive within this time after the upgrade.
 * @example ws.onopen = () => ws.send(encodeClientMessage({ type: 'hello', token })); // within HELLO_TIMEOUT_MS
 */
export const HELLO_TIMEOUT_MS = 5_000;
/**
 * Longest token the gateway reads; a longer one is refused without being parsed.
 * @example if (token.length > MAX_TOKEN_CHARS) throw new GagError('GAG_OPTIONS_INVALID', 'token too long');
 */
export const MAX_TOKEN_CHARS = 8_192;
/**
 * Largest control message either side accepts.
 * @example new WebSocketServer({ noServer: true, maxPayload: Math.max(MAX_CONTROL_MESSAGE_BYTES, 64 * FRAME_BYTES) });
 */
export const MAX_CONTROL_MESSAGE_BYTES = 16_384;
/**
 * Optional features a gateway lists in `welcome.features`, beyond the base `gag.v1`. A client
 * uses a feature only when the gateway listed it: an older gateway closes the connection with
 * `BAD_MESSAGE` on a message it does not know. Unknown names are ignored.
 * - `ping` — the gateway answers each `{ type: 'ping', id }` at once with `{ type: 'pong', id }`
 *   (the SDK measures the round-trip time with it; the browser's WebSocket hides ping frames).
 * - `dial` — click-to-call: the gateway takes `{ type: 'dial', requestId, number }`, answers
 *   `dialing` or `dial_failed`, and Asterisk rings this extension back with an `incoming` marked
 *   `outbound: true` (docs/click-to-call.md).
 * - `dtmf` — keys out of band: the gateway takes `{ type: 'dtmf', callId, digits }` from the phone
 *   talking in that call and presses them on Asterisk's side of the call (AMI `PlayDTMF`), where
 *   chan_websocket itself has neither a DTMF command nor a tone detector. Listed only when the
 *   gateway can (`originate` is `ami`); without it the SDK sends keys in-band, as tones.
 * - `token_refresh` — the gateway takes `{ type: 'token', token }`: a fresh token for the same
 *   extension, re-verified as `hello`'s, answered by `token_accepted` (a refused one closes the
 *   connection with the code `hello` would have got). `welcome.tokenExpiresAt` says when the
 *   session's token expires: without a refresh by then the session is closed with `TOKEN_EXPIRED`.
 * @example if (welcome.features?.includes(FEATURES.DIAL)) showDialer();
 */
export const FEATURES = {
  /** `ping`: the gateway answers `ping` with `pong`. */
  PING: 'ping',
  /** `dial`: click-to-call by call back. */
  DIAL: 'dial',
  /** `dtmf`: keys out of band, pressed on Asterisk's side of the call. */
  DTMF: 'dtmf',
  /** `token_refresh`: a fresh token over the open connection (`token` → `token_accepted`). */
  TOKEN_REFRESH: 'token_refresh',
  /** `supervise`: listed for a supervisor's token only: `board`, `supervise`, `unsupervise` (docs/protocol.md#supervisors). */
  SUPERVISE: 'supervise',
} as const;

/**
 * Why a `dial` was refused, in `dial_failed.code` (and the HTTP API's `error.code`). Stable:
 * never renamed, never reused.
 * - `not_enabled` — click-to-call is off on this gateway (`originate` is `none`).
 * - `number_not_allowed` — the number is not in the gateway's allow-list (`dial_number_pattern`).
 * - `rate_limited` — this extension asked for too many calls in the last minute.
 * - `asterisk_unreachable` — the gateway cannot reach Asterisk's AMI or ARI now.
 * - `asterisk_login_failed` — Asterisk refused the gateway's AMI or ARI credentials.
 * - `originate_failed` — Asterisk refused or could not start the call back.
 * @example const label: Record<DialErrorCode, string> = Object.fromEntries(DIAL_ERRORS.map((c) => [c, t(c)])) as never;
 */
export const DIAL_ERRORS = [
  'not_enabled',
  'number_not_allowed',
  'rate_limited',
  'asterisk_unreachable',
  'asterisk_login_failed',
  'originate_failed',
] as const;
/** One of {@link DIAL_ERRORS}: why a `dial` was refused. */
export type DialErrorCode = (typeof DIAL_ERRORS)[number];

/**
 * Why a call ended, as the browser is told in `ended`.
 * - `hangup` — this phone hung up.
 * - `remote_hangup` — the other party hung up after the call was answered.
 * - `caller_hangup` — the caller gave up while the phone was ringing.
 * - `rejected` — this phone rejected the call.
 * - `answered_elsewhere` — another phone of the extension answered first.
 * - `timeout` — nobody answered within the ring timeout.
 * - `connection_lost` — the connection to the gateway (or the gateway's to Asterisk) broke.
 * - `failed` — the gateway could not carry the call (a bug or a peer's protocol error).
 * @example const counts = new Map(END_REASONS.map((r) => [r, 0]));
 */
export const END_REASONS = [
  'hangup',
  'remote_hangup',
  'caller_hangup',
  'rejected',
  'answered_elsewhere',
  'timeout',
  'connection_lost',
  'failed',
] as const;
/**
 * One of {@link END_REASONS}: why a call ended.
 * @example
 * call.on('ended', (reason: EndReason) => { if (reason === 'answered_elsewhere') closePopup(); });
 */
export type EndReason = (typeof END_REASONS)[number];

/**
 * Close codes GAG sends on the browser connection. 1000–1015 are standard (IANA); ours are
 * 4000–4999: 40xx protocol, 41xx auth, 42xx registration, 43xx liveness.
 * `retry`: whether the SDK reconnects by itself after it.
 * @example
 * ws.addEventListener('close', (e) => { if (e.code === CLOSE.TOKEN_INVALID.code) showLoginAgain(); });
 */
export const CLOSE = {
  /** 1000, no retry: the client said goodbye. */
  NORMAL: closeCode({ code: 1000, retry: false }),
  /** 1001, retry: the gateway is shutting down. */
  GOING_AWAY: closeCode({ code: 1001, retry: true }),
  /** 1011, retry: a bug in the gateway. */
  INTERNAL: closeCode({ code: 1011, retry: true }),
  /** 4000, no retry: an unparsable, unknown or out-of-order control message. */
  BAD_MESSAGE: closeCode({ code: 4000, retry: false }),
  /** 4001, no retry: a binary frame whose length is not a whole number of audio frames. */
  BAD_AUDIO_FRAME: closeCode({ code: 4001, retry: false }),
  /** 4002, retry: no `hello` within {@link HELLO_TIMEOUT_MS}. */
  HELLO_TIMEOUT: closeCode({ code: 4002, retry: true }),
  /** 4100, no retry: a bad signature, algorithm or claims: fix the token. */
  TOKEN_INVALID: closeCode({ code: 4100, retry: false }),
  /** 4101, retry: the token expired; fetch a fresh one, then reconnect. */
  TOKEN_EXPIRED: closeCode({ code: 4101, retry: true }),
  /** 4200, no retry: the extension already has `max_sessions_per_extension` sessions online; close one first. */
  EXTENSION_FULL: closeCode({ code: 4200, retry: false }),
  /** 4201, no retry: this token already holds `max_sessions_per_token` sessions; give each device its own token. */
  TOKEN_IN_USE: closeCode({ code: 4201, retry: false }),
};
/**
 * The name of an entry of {@link CLOSE}, e.g. `'TOKEN_EXPIRED'`.
 * @example const name: CloseName | undefined = closeName(event.code); // 'TOKEN_EXPIRED'
 */
export type CloseName = keyof typeof CLOSE;

/**
 * An entry of {@link CLOSE}: a WebSocket close code and whether the SDK reconnects after it.
 * @example const { code, retry }: CloseCode = CLOSE.TOKEN_EXPIRED; // 4101, true
 */
export interface CloseCode {
  /** The close code: 1000–1015 are standard (IANA), GAG's own are 4000–4999. */
  readonly code: number;
  /** Whether the SDK reconnects by itself after a close with this code. */
  readonly retry: boolean;
}

/** A row of {@link CLOSE}, checked as a whole {@link CloseCode}. */
function closeCode(entry: CloseCode): CloseCode {
  return entry;
}

export type { TokenRefusal } from './errors.js';

const TOKEN_REFUSALS: readonly TokenRefusal[] = ['missing', 'malformed', 'signature', 'algorithm', 'expired', 'not_yet_valid', 'claims'];

/**
 * The close reason of a refused token (`TOKEN_INVALID`, or `TOKEN_EXPIRED` for `expired`):
 * `token refused: ` and the refusal with spaces for `_`. The gateway writes nothing else in it,
 * so that the browser can tell the user what to fix ({@link tokenRefusalOf}).
 * @example ws.close(CLOSE.TOKEN_INVALID.code, tokenRefusalReason('not_yet_valid')); // 'token refused: not yet valid'
 */
export const tokenRefusalReason = (refusal: TokenRefusal): string => `token refused: ${refusal.replaceAll('_', ' ')}`;

/**
 * The refusal a close reason names ({@link tokenRefusalReason}), if it names one.
 * @example tokenRefusalOf(event.reason) // 'signature'
 */
export const tokenRefusalOf = (reason: string): TokenRefusal | undefined => TOKEN_REFUSALS.find((r) => tokenRefusalReason(r) === reason);

/**
 * The entry of {@link CLOSE} for a received close code, if it is one of ours.
 * @example ws.addEventListener('close', (e) => { if (closeName(e.code) === 'TOKEN_EXPIRED') refreshTokenAndReconnect(); });
 */
export function closeName(code: number): CloseName | undefined {
  return (Object.keys(CLOSE) as CloseName[]).find((k) => CLOSE[k].code === code);
}

/** Chosen by the client, echoed by the gateway: a counter. */
const PingId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
/** Chosen by the client for a `dial`, echoed in `dialing` / `dial_failed`: 1–64 characters, as a call id. */
const RequestId = CallId;
/**
 * The `requestId` an `incoming` carries when `POST /api/calls` named this session (`session`:
 * its `welcome.sessionId`): a call back the page asked for through its backend, to answer without
 * a click like the answer to its own `dial`. A client's own request ids never take this value.
 * @example const askedThroughApi = incoming.requestId === API_DIAL_REQUEST_ID;
 */
export const API_DIAL_REQUEST_ID = 'api';

/** Keys of a `dtmf` message: 1–{@link MAX_DTMF_DIGITS} of 0–9, `*`, `#`, A–D (upper case). */
const DtmfDigits = v.pipe(v.string(), v.regex(/^[0-9A-D*#]+$/, 'must be 0-9, A-D, * or #'), v.maxLength(MAX_DTMF_DIGITS));

const ClientMessageSchema = v.variant('type', [
  v.object({
    /** The first message, once: log in. */
    type: v.literal('hello'),
    /** The JWT that names this phone's extension (at most {@link MAX_TOKEN_CHARS} characters). */
    token: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TOKEN_CHARS)),
    /**
     * Optional messages this client understands (see {@link CLIENT_FEATURES}): the gateway sends
     * them only when listed. Unknown names are ignored.
     */
    features: v.optional(v.pipe(v.array(Text), v.maxLength(32))),
  }),
  v.object({
    /** Answer a ringing call. */
    type: v.literal('answer'),
    /** The `callId` of its `incoming`. */
    callId: CallId,
  }),
  v.object({
    /** Refuse a ringing call (the other phones of the extension go on ringing). */
    type: v.literal('reject'),
    /** The `callId` of its `incoming`. */
    callId: CallId,
  }),
  v.object({
    /** End the call this phone is talking in. */
    type: v.literal('hangup'),
    /** The `callId` of its `incoming`. */
    callId: CallId,
  }),
  /** Only to a gateway that listed `ping` in `welcome.features`. */
  v.object({
    /** Measure the round trip: the gateway answers with a `pong`. */
    type: v.literal('ping'),
    /** Chosen by the client (a counter), echoed in the `pong`. */
    id: PingId,
  }),
  /**
   * Only to a gateway that listed `dial`: ring this extension (the token's, never another), then
   * call `number` (digits, `+`, `*`, `#`; spaces, hyphens, dots and brackets are ignored).
   */
  v.object({
    /** Click-to-call. */
    type: v.literal('dial'),
    /** Chosen by the client (1–64 characters), echoed in `dialing` or `dial_failed`. */
    requestId: RequestId,
    /** The number to call once this extension answers the call back. */
    number: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  }),
  /**
   * Only to a gateway that listed `dtmf`, only while talking in `callId`: press these keys on
   * Asterisk's side of the call, in order (one message per `call.sendDtmf`).
   */
  v.object({
    /** Press keys on Asterisk's side of the call. */
    type: v.literal('dtmf'),
    /** The call this phone is talking in. */
    callId: CallId,
    /** The keys, in order: 1–{@link MAX_DTMF_DIGITS} of 0–9, `*`, `#`, A–D. */
    digits: DtmfDigits,
  }),
  /**
   * Only to a gateway that listed `token_refresh`, after `welcome`: a fresh token for this
   * session, verified as `hello`'s and for the same extension; answered by `token_accepted`.
   */
  v.object({
    /** Replace the session's token before it expires. */
    type: v.literal('token'),
    /** The fresh JWT (at most {@link MAX_TOKEN_CHARS} characters), naming the same extension. */
    token: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TOKEN_CHARS)),
  }),
  ...OVERSIGHT_CLIENT_MESSAGES,
]);

const ServerMessageSchema = v.variant('type', [
  v.object({
    /** The answer to `hello`: the phone is logged in and rings for its extension's calls. */
    type: v.literal('welcome'),
    /** The protocol version, 1 for `gag.v1`. */
    protocol: v.literal(1),
    /** This connection's id at the gateway (as in its logs and `/api/sessions`). */
    sessionId: Text,
    /** The extension the token names. */
    extension: Text,
    /** Optional features (see {@link FEATURES}); absent from older gateways. */
    features: v.optional(v.pipe(v.array(Text), v.maxLength(32))),
    /**
     * When the token expires, ms since the epoch (the gateway's clock): without a `token` by then
     * the session is closed with `TOKEN_EXPIRED`. Absent from older gateways.
     */
    tokenExpiresAt: v.optional(EpochMs),
    /**
     * Audio per message towards this gateway, ms: one of `PACKET_TIMES_MS`, a whole number of
     * 20 ms frames. The SDK sends packets of this length and the gateway sends the same.
     * Absent: 20 (older gateways). A client that does not know the value sends 20 ms; the gateway
     * takes any whole number of frames.
     */
    packetMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000))),
  }),
  v.object({
    /** A call rings this phone. */
    type: v.literal('incoming'),
    /** The call's id, named by every later message about it. */
    callId: CallId,
    /** The extension the call is for. */
    extension: Text,
    /** The caller's number, or null when Asterisk did not say. */
    callerNumber: v.nullable(DisplayText),
    /** The caller's name, or null when Asterisk did not say. */
    callerName: v.nullable(DisplayText),
    /** The group from gag_groups.json the call came through, if any. */
    group: v.optional(v.nullable(DisplayText), null),
    /** True on the call back of this extension's own `dial`: answering it calls `dialedNumber`. */
    outbound: v.optional(v.boolean()),
    /** The number the call back dials once answered (with `outbound`). */
    dialedNumber: v.optional(Text),
    /** The `dialId` of the `dialing` this call belongs to (with `outbound`). */
    dialId: v.optional(CallId),
    /**
     * The `requestId` of this client's own `dial` (with `outbound`, to the asking phone only; it
     * may come before the `dialing`): the call back to answer without a click.
     */
    requestId: v.optional(RequestId),
    /**
     * The codec of the call's audio, both ways (Asterisk's `c(…)`): the gateway relays it
     * unchanged. Absent from older gateways, which carry slin16 only.
     */
    format: v.optional(v.picklist(WIRE_FORMATS)),
  }),
  v.object({
    /** This phone's `answer` won: audio flows from now on. */
    type: v.literal('answered'),
    /** The call's id from `incoming`. */
    callId: CallId,
  }),
  v.object({
    /** The caller pressed a key (Asterisk's DTMF, out of band). */
    type: v.literal('dtmf'),
    /** The call's id from `incoming`. */
    callId: CallId,
    /** The key: 0–9, `*`, `#` or A–D. */
    digit: v.pipe(v.string(), v.regex(/^[0-9A-D*#]$/)),
  }),
  v.object({
    /** The call is over for this phone. */
    type: v.literal('ended'),
    /** The call's id from `incoming`. */
    callId: CallId,
    /** Why it ended (see {@link END_REASONS}). */
    reason: v.picklist(END_REASONS),
  }),
  /** The answer to a `ping`, with its `id`. */
  v.object({
    /** The answer to a `ping`. */
    type: v.literal('pong'),
    /** The `id` of the `ping`. */
    id: PingId,
  }),
  /** The `dial` with `requestId` was accepted: Asterisk rings this extension back shortly. */
  v.object({
    /** A `dial` was accepted. */
    type: v.literal('dialing'),
    /** The `requestId` of the `dial`. */
    requestId: RequestId,
    /** The id of the click-to-call, repeated in the call back's `incoming`. */
    dialId: CallId,
    /** The number as the gateway will dial it (cleaned of spaces and punctuation). */
    number: Text,
  }),
  /** The `dial` with `requestId` was refused, or the call back could not be started. */
  v.object({
    /** A `dial` was refused or failed. */
    type: v.literal('dial_failed'),
    /** The `requestId` of the `dial`. */
    requestId: RequestId,
    /** Why (see {@link DIAL_ERRORS}). */
    code: v.picklist(DIAL_ERRORS),
    /** What went wrong, in English, for a log. */
    message: Text,
  }),
  /** The `token` was verified: the session now lives until its expiry. */
  v.object({
    /** A refreshed token was accepted. */
    type: v.literal('token_accepted'),
    /** The new token's expiry, ms since the epoch (the gateway's clock). */
    tokenExpiresAt: EpochMs,
  }),
  ...OVERSIGHT_SERVER_MESSAGES,
]);

/**
 * A message from the browser to the gateway. `hello` must come first, once.
 * @useDeclaredType
 * @example const msg: ClientMessage = { type: 'answer', callId }; ws.send(encodeClientMessage(msg));
 */
export type ClientMessage = v.InferOutput<typeof ClientMessageSchema>;
/**
 * A message from the gateway to the browser.
 * @useDeclaredType
 * @example const msg: ServerMessage = parseServerMessage(text); if (msg.type === 'ended') console.log(msg.reason);
 */
export type ServerMessage = v.InferOutput<typeof ServerMessageSchema>;

function parseWith<T>(schema: v.GenericSchema<unknown, T>, text: string, side: string): T {
  if (text.length > MAX_CONTROL_MESSAGE_BYTES) throw new ProtocolError(`${side} message too long`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError(`${side} message is not JSON`, { cause });
  }
  const r = v.safeParse(schema, json);
  if (r.success) return r.output;
  const [issue] = r.issues;
  const where = v.getDotPath(issue) ?? 'type';
  throw new ProtocolError(`${side} message: ${where}: ${issue.message}`);
}

/**
 * Parse a TEXT frame from a browser.
 * @throws ProtocolError (`GAG_PROTOCOL`) when it is not JSON or not a known message.
 * @example
 * const msg = parseClientMessage('{"type":"answer","callId":"c1"}'); // { type: 'answer', callId: 'c1' }
 */
export function parseClientMessage(text: string): ClientMessage {
  return parseWith(ClientMessageSchema, text, 'client');
}

/**
 * Parse a TEXT frame from the gateway.
 * @throws ProtocolError (`GAG_PROTOCOL`) when it is not JSON or not a known message.
 * @example
 * ws.onmessage = (e) => { if (typeof e.data === 'string') { const msg = parseServerMessage(e.data); if (msg.type === 'incoming') ring(msg.callId); } };
 */
export function parseServerMessage(text: string): ServerMessage {
  return parseWith(ServerMessageSchema, text, 'server');
}

/**
 * The only way a client message becomes wire text.
 * @example ws.send(encodeClientMessage({ type: 'answer', callId }));
 */
export const encodeClientMessage = (msg: ClientMessage): string => JSON.stringify(msg);
/**
 * The only way a server message becomes wire text.
 * @example socket.send(encodeServerMessage({ type: 'answered', callId: call.id }));
 */
export const encodeServerMessage = (msg: ServerMessage): string => JSON.stringify(msg);
