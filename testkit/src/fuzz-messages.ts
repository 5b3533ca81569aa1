/**
 * Generated wire messages for fuzzing the gateway's two edges, shared by the reliability suite
 * (`gateway/test/reliability/fuzz-*.test.ts`, small counts) and `npm run bench -- --only fuzz`
 * (≥ 100,000 per side): chan_websocket control messages in plain text and in JSON, and `gag.v1`
 * client messages. Each arbitrary mixes well-formed messages, near misses (one field wrong, a
 * message cut short, an unknown key) and noise. {@link judgeAsterisk} and {@link judgeClient}
 * say whether a parser's answer was acceptable: a well-formed message, or a `ProtocolError`.
 * @packageDocumentation
 */
import fc from 'fast-check';
import { asteriskControl } from '@gag/e2e';
import { MAX_CONTROL_MESSAGE_BYTES, MAX_DTMF_DIGITS, MAX_TOKEN_CHARS, ProtocolError, WIRE_FORMATS, encodeClientMessage, type ClientMessage } from '@gag/sdk/protocol';

/** What a parser did with one message: accepted it, rejected it as it should, or failed (a finding). */
export type Verdict = { readonly kind: 'valid' } | { readonly kind: 'rejected' } | { readonly kind: 'failure'; readonly why: string };

const VALID: Verdict = { kind: 'valid' };
const REJECTED: Verdict = { kind: 'rejected' };
const fail = (why: string): Verdict => ({ kind: 'failure', why });

// ---- chan_websocket control messages (docs/chan-websocket.md) ----

const EVENT_NAMES = ['MEDIA_START', 'DTMF_END', 'MEDIA_XOFF', 'MEDIA_XON', 'ERROR', 'STATUS', 'QUEUE_DRAINED', 'MEDIA_MARK_PROCESSED', 'HANGUP', 'media_start', 'DTMF', ''];
const KEYS = ['connection_id', 'channel', 'channel_id', 'format', 'optimal_frame_size', 'ptime', 'digit', 'queue_length', 'error_text', 'channel_variables', 'event', '__proto__', 'constructor'];

/** Values that sit on the edges of what the fields accept. */
const edgeValue = fc.oneof(
  fc.constantFrom(...WIRE_FORMATS, 'opus', '640', '320', '160', '0', '-640', '1e3', '0x280', '20', '5', '#', '*', 'D', 'X', '', ' ', 'ws-ext-2001', 'null'),
  fc.nat({ max: 100_000 }).map(String),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ minLength: 250, maxLength: 300, unit: 'grapheme-ascii' }),
);

const eventName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EVENT_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 70 }) });

/** A well-formed MEDIA_START, as the e2e fake Asterisk encodes it. */
const mediaStartInfo = fc.record({
  connectionId: fc.stringMatching(/^[\w.-]{1,40}$/),
  channel: fc.stringMatching(/^WebSocket\/[\w-]{1,20}\/0x[0-9a-f]{1,12}$/),
  channelId: fc.stringMatching(/^\d{1,10}\.\d{1,4}$/),
  codec: fc.constantFrom(...WIRE_FORMATS, 'opus', 'g722'),
  optimalFrameBytes: fc.integer({ min: 1, max: 65_000 }),
  ptimeMs: fc.integer({ min: 1, max: 200 }),
  channelVariables: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,16}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
});

/** Cut `text` short somewhere, or change one character: the near misses of a real message. */
function mutated(message: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(message, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.boolean()).map(([text, at, ch, cut]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    return cut ? text.slice(0, i) : text.slice(0, i) + ch + text.slice(i + 1);
  });
}

/** Plain-text control messages: `EVENT key:value …`, well-formed or not, and text noise (never starting with `{`). */
export const asteriskTextMessage: fc.Arbitrary<string> = (() => {
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 10 })), fc.constantFrom(':', ':', '=', ''), edgeValue).map(([k, sep, v]) => `${k}${sep}${v}`);
  const built = fc.tuple(eventName, fc.array(pair, { maxLength: 8 }), fc.constantFrom(' ', '  ', '\t', '\n')).map(([name, pairs, sep]) => [name, ...pairs].join(sep));
  const wellFormed = mediaStartInfo.map((info) => asteriskControl.mediaStartMessage(info, 'text'));
  const dtmf = fc.constantFrom('0', '9', 'A', 'D', '*', '#', 'E', '', '10').map((d) => asteriskControl.dtmfEndMessage('1795403872.2', d, 'text'));
  const noise = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));
  return fc.oneof(built, wellFormed, dtmf, mutated(wellFormed), noise).filter((text) => !text.startsWith('{'));
})();

/** JSON control messages (`f(json)`): objects with `event`, well-formed or not, and JSON-ish noise (always starting with `{`). */
export const asteriskJsonMessage: fc.Arbitrary<string> = (() => {
  const fields = fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(edgeValue, fc.jsonValue({ maxDepth: 2 }), fc.integer(), fc.double()), { maxKeys: 8 });
  const built = fc.tuple(fc.option(eventName, { nil: undefined }), fields).map(([event, rest]) => JSON.stringify(event === undefined ? rest : { ...rest, event }));
  const wellFormed = mediaStartInfo.map((info) => asteriskControl.mediaStartMessage(info, 'json'));
  const noise = fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => `{"event":${JSON.stringify(v) ?? 'null'}}`), fc.string({ maxLength: 100 }).map((s) => `{${s}`));
  return fc.oneof(built, wellFormed, mutated(wellFormed), noise).filter((text) => text.startsWith('{'));
})();

const within = (s: unknown, min: number, max: number): boolean => typeof s === 'string' && s.length >= min && s.length <= max;
const positiveInt = (n: unknown): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;

/** A parsed event's fields, as the judge reads them: it trusts nothing the parser's types promise. */
type EventFields = Readonly<Record<string, unknown>>;

const plainStrings = (o: unknown): boolean =>
  typeof o === 'object' && o !== null && Object.getPrototypeOf(o) === Object.prototype && Object.values(o).every((v) => typeof v === 'string');

/**
 * Whether a parsed event holds only what the gateway may rely on (the promises of control.ts's
 * `AsteriskEvent`), checked on the value itself, so a parser that breaks its own type is caught.
 */
export function wellFormedAsteriskEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as EventFields;
  switch (e['event']) {
    case 'MEDIA_START':
      return (
        (e['format'] === 'text' || e['format'] === 'json') &&
        within(e['connectionId'], 1, 256) &&
        within(e['channel'], 0, 256) &&
        (e['channelId'] === undefined || within(e['channelId'], 1, 256)) &&
        within(e['codec'], 1, 256) &&
        positiveInt(e['optimalFrameBytes']) &&
        (e['ptimeMs'] === undefined || positiveInt(e['ptimeMs'])) &&
        plainStrings(e['channelVariables'])
      );
    case 'DTMF_END':
      return typeof e['digit'] === 'string' && /^[0-9A-D*#]$/.test(e['digit']);
    case 'MEDIA_XOFF':
    case 'MEDIA_XON':
      return true;
    case 'ERROR':
      return within(e['message'], 0, 256);
    case 'STATUS':
      return typeof e['queueLengthFrames'] === 'number' && Number.isSafeInteger(e['queueLengthFrames']) && e['queueLengthFrames'] >= 0 && typeof e['queueFull'] === 'boolean';
    case 'OTHER':
      return typeof e['name'] === 'string' && /^[A-Z_]{1,64}$/.test(e['name']);
    default:
      return false;
  }
}

/** Run `parse` (control.ts's `parseAsteriskMessage`) on `text` and judge its answer. */
export function judgeAsterisk(parse: (text: string) => unknown, text: string): Verdict {
  let event: unknown;
  try {
    event = parse(text);
  } catch (e) {
    return e instanceof ProtocolError ? REJECTED : fail(`threw ${String(e)}`);
  }
  return wellFormedAsteriskEvent(event) ? VALID : fail(`ill-formed ${JSON.stringify(event)}`);
}

// ---- gag.v1 client messages (docs/protocol.md) ----

const TYPES = ['hello', 'answer', 'reject', 'hangup', 'ping', 'dial', 'dtmf', 'HELLO', 'welcome', 'pong', '', 'constructor'];
const clientField = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.constantFrom('', 'c1', 'x'.repeat(64), 'x'.repeat(65), 'e'.repeat(MAX_TOKEN_CHARS + 1), '12#', 'a', '1'.repeat(MAX_DTMF_DIGITS + 1)),
  fc.integer(),
  fc.constantFrom(-1, 0, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308),
  fc.jsonValue({ maxDepth: 2 }),
);

/** gag.v1 client messages: every type with right, wrong and missing fields, extra keys, near misses and noise. */
export const clientMessageText: fc.Arbitrary<string> = (() => {
  const valid: fc.Arbitrary<ClientMessage> = fc.oneof(
    fc.record({ type: fc.constant('hello' as const), token: fc.string({ minLength: 1, maxLength: 300 }) }),
    fc.record({ type: fc.constantFrom('answer' as const, 'reject' as const, 'hangup' as const), callId: fc.string({ minLength: 1, maxLength: 64 }) }),
    fc.record({ type: fc.constant('ping' as const), id: fc.nat() }),
    fc.record({ type: fc.constant('dial' as const), requestId: fc.string({ minLength: 1, maxLength: 64 }), number: fc.string({ minLength: 1, maxLength: 64 }) }),
    fc.record({ type: fc.constant('dtmf' as const), callId: fc.string({ minLength: 1, maxLength: 64 }), digits: fc.stringMatching(/^[0-9A-D*#]{1,64}$/) }),
  );
  const wellFormed = valid.map(encodeClientMessage);
  const built = fc
    .tuple(fc.option(fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 10 })), { nil: undefined }), fc.dictionary(fc.constantFrom('token', 'callId', 'id', 'requestId', 'number', 'digits', 'extra', '__proto__'), clientField, { maxKeys: 4 }))
    .map(([type, rest]) => JSON.stringify(type === undefined ? rest : { type, ...rest }));
  const noise = fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'undefined'), fc.constant(`{"type":"ping","id":1,"pad":"${'x'.repeat(MAX_CONTROL_MESSAGE_BYTES)}"}`));
  return fc.oneof({ weight: 2, arbitrary: wellFormed }, { weight: 3, arbitrary: built }, { weight: 2, arbitrary: mutated(wellFormed) }, { weight: 1, arbitrary: noise });
})();

/** Whether a parsed client message is one the protocol defines, and survives a round trip unchanged. */
export function wellFormedClientMessage(m: ClientMessage, parse: (text: string) => ClientMessage): boolean {
  const shaped = (() => {
    switch (m.type) {
      case 'hello':
        return within(m.token, 1, MAX_TOKEN_CHARS) && Object.keys(m).length === 2;
      case 'answer':
      case 'reject':
      case 'hangup':
        return within(m.callId, 1, 64) && Object.keys(m).length === 2;
      case 'ping':
        return Number.isSafeInteger(m.id) && m.id >= 0 && Object.keys(m).length === 2;
      case 'dial':
        return within(m.requestId, 1, 64) && within(m.number, 1, 64) && Object.keys(m).length === 3;
      case 'dtmf':
        return within(m.callId, 1, 64) && /^[0-9A-D*#]+$/.test(m.digits) && m.digits.length <= MAX_DTMF_DIGITS && Object.keys(m).length === 3;
    }
  })();
  if (!shaped) return false;
  const again = parse(encodeClientMessage(m));
  return JSON.stringify(again) === JSON.stringify(m);
}

/** Run `parse` (the protocol's `parseClientMessage`) on `text` and judge its answer. */
export function judgeClient(parse: (text: string) => ClientMessage, text: string): Verdict {
  let message: ClientMessage;
  try {
    message = parse(text);
  } catch (e) {
    return e instanceof ProtocolError ? REJECTED : fail(`threw ${String(e)}`);
  }
  try {
    return wellFormedClientMessage(message, parse) ? VALID : fail(`ill-formed ${JSON.stringify(message)}`);
  } catch (e) {
    return fail(`did not survive a round trip: ${String(e)}`);
  }
}
