/**
 * chan_websocket control messages, both formats (docs/chan-websocket.md): plain text
 * `EVENT key:value key:value` (the default) and JSON `{"event":"…"}` (`f(json)`). Both become
 * one {@link AsteriskEvent} union; commands are encoded in the channel's own format, because a
 * plain-text command on a JSON channel is an error.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { ProtocolError } from '@gag/sdk/protocol';

/** The control format of one call: plain text, or JSON with `f(json)`. */
export type ControlFormat = 'text' | 'json';

/** Commands the gateway sends (case-sensitive; docs/chan-websocket.md#commands). */
export type AsteriskCommand = 'ANSWER' | 'HANGUP' | 'GET_STATUS';

/** What Asterisk says on a call's socket, whatever the format. */
export type AsteriskEvent =
  | {
      readonly event: 'MEDIA_START';
      readonly format: ControlFormat;
      readonly connectionId: string;
      readonly channel: string;
      /** Omitted by older releases. */
      readonly channelId: string | undefined;
      /** The codec name, e.g. `slin16`. */
      readonly codec: string;
      readonly optimalFrameBytes: number;
      /** Omitted by older releases. */
      readonly ptimeMs: number | undefined;
      /** Inherited channel variables (JSON format only), named without their leading `_`/`__`. */
      readonly channelVariables: Readonly<Record<string, string>>;
    }
  | { readonly event: 'DTMF_END'; readonly digit: string }
  | { readonly event: 'MEDIA_XOFF' | 'MEDIA_XON' }
  | { readonly event: 'ERROR'; readonly message: string }
  /**
   * The answer to GET_STATUS: how many frames the app sent wait in Asterisk's playout queue, and
   * whether MEDIA_XOFF is in force (docs/chan-websocket.md#notifications).
   */
  | { readonly event: 'STATUS'; readonly queueLengthFrames: number; readonly queueFull: boolean }
  /** QUEUE_DRAINED, MEDIA_MARK_PROCESSED…: known to Asterisk, unused by the gateway. */
  | { readonly event: 'OTHER'; readonly name: string };

const Int = v.pipe(v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))]), v.integer(), v.minValue(1));
const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(256));

// Unknown keys are ignored on purpose: releases add keys (older ones lack channel_id and ptime).
const MediaStartFields = v.object({
  connection_id: Name,
  channel: v.optional(v.pipe(v.string(), v.maxLength(256)), ''),
  channel_id: v.optional(Name),
  format: Name,
  optimal_frame_size: Int,
  ptime: v.optional(Int),
  channel_variables: v.optional(v.record(v.string(), v.pipe(v.unknown(), v.transform(String))), {}),
});

// chan_websocket's queue_length is a C int.
const Count = v.pipe(v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))]), v.integer(), v.minValue(0), v.maxValue(2_147_483_647));
const Flag = v.union([v.boolean(), v.pipe(v.picklist(['true', 'false']), v.transform((s) => s === 'true'))]);
// STATUS's other keys (xon_level, bulk_media…) are not needed; older releases lack channel_id.
const StatusFields = v.object({ queue_length: Count, queue_full: v.optional(Flag, false) });

const DtmfFields = v.object({ digit: v.pipe(v.string(), v.regex(/^[0-9A-D*#]$/, 'digit must be 0-9, A-D, * or #')) });

/** `key:value` pairs of a plain-text message; a value keeps any further colons. */
function textFields(parts: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of parts) {
    const colon = part.indexOf(':');
    if (colon > 0) fields[part.slice(0, colon)] = part.slice(colon + 1);
  }
  return fields;
}

/**
 * Channel variables by the names the dialplan reads them by. Asterisk sends each variable's full
 * name: one set with `Set(__X=…)` (inherited forever) reaches chan_websocket as `__X`, one set with
 * `Set(_X=…)` as `X` (inheritance drops one underscore; main/channel.c
 * `ast_channel_inherit_variables()`), so `__X` becomes `X` here. If both arrive, the one with the
 * fewest underscores wins: Asterisk keeps one variable per name whatever its underscores (`Set()`
 * replaces either), so two can only meet when this channel got `X` from its own caller and `__X`
 * from further up the chain, and the nearer one is the value that caller meant.
 */
function byDialplanName(variables: Readonly<Record<string, string>>): Record<string, string> {
  const named = new Map<string, { value: string; underscores: number }>();
  for (const [fullName, value] of Object.entries(variables)) {
    const name = fullName.replace(/^_{1,2}/, '');
    const underscores = fullName.length - name.length;
    if (name === '') continue;
    const seen = named.get(name);
    if (seen === undefined || underscores < seen.underscores) named.set(name, { value, underscores });
  }
  return Object.fromEntries([...named].map(([name, { value }]) => [name, value]));
}

function checked<T>(schema: v.GenericSchema<unknown, T>, fields: unknown, event: string): T {
  const r = v.safeParse(schema, fields);
  if (r.success) return r.output;
  const [issue] = r.issues;
  throw new ProtocolError(`${event}: ${v.getDotPath(issue) ?? 'message'}: ${issue.message}`);
}

function toEvent(name: string, fields: unknown, format: ControlFormat, rest: string): AsteriskEvent {
  switch (name) {
    case 'MEDIA_START': {
      const f = checked(MediaStartFields, fields, name);
      return {
        event: name,
        format,
        connectionId: f.connection_id,
        channel: f.channel,
        channelId: f.channel_id,
        codec: f.format,
        optimalFrameBytes: f.optimal_frame_size,
        ptimeMs: f.ptime,
        channelVariables: byDialplanName(f.channel_variables),
      };
    }
    case 'DTMF_END':
      return { event: name, digit: checked(DtmfFields, fields, name).digit };
    case 'MEDIA_XOFF':
    case 'MEDIA_XON':
      return { event: name };
    case 'ERROR':
      return { event: name, message: rest.slice(0, 256) };
    case 'STATUS': {
      const f = checked(StatusFields, fields, name);
      return { event: name, queueLengthFrames: f.queue_length, queueFull: f.queue_full };
    }
    default:
      if (!/^[A-Z_]{1,64}$/.test(name)) throw new ProtocolError('not a chan_websocket event');
      return { event: 'OTHER', name };
  }
}

/**
 * Parse one TEXT message from Asterisk; the format is told by its first character.
 * @throws ProtocolError (`GAG_PROTOCOL`) for anything that is not a well-formed event.
 * @example
 * parseAsteriskMessage('MEDIA_START connection_id:ws-ext-2001 channel:WebSocket/ws-ext-2001/0x1 format:slin16 optimal_frame_size:640')
 */
export function parseAsteriskMessage(text: string): AsteriskEvent {
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new ProtocolError('JSON control message does not parse', { cause });
    }
    const name = (json as { event?: unknown } | null)?.event;
    if (typeof name !== 'string') throw new ProtocolError('JSON control message has no "event"');
    // Asterisk's JSON ERROR carries its text in `error_text`.
    const message = (json as { error_text?: unknown }).error_text;
    return toEvent(name, json, 'json', typeof message === 'string' ? message : text);
  }
  const parts = text.trim().split(/\s+/);
  const name = parts[0] ?? '';
  return toEvent(name, textFields(parts.slice(1)), 'text', text.slice(name.length).trim());
}

/** A command in the call's format: `ANSWER` or `{"command":"ANSWER"}`. */
export function encodeAsteriskCommand(command: AsteriskCommand, format: ControlFormat): string {
  return format === 'json' ? JSON.stringify({ command }) : command;
}
