/**
 * The chan_websocket control codec from Asterisk's side: the notifications Asterisk sends
 * (MEDIA_START, DTMF_END, STATUS, ERROR…) in both formats, and the app's commands it accepts.
 * Wire shapes follow docs/chan-websocket.md and the `_create_event_*` builders of
 * `channels/chan_websocket.c`; JSON is compact with keys in Asterisk's order, which
 * `JSON.stringify` reproduces (jansson with `AST_JSON_COMPACT`).
 * @example
 * import { asteriskControl } from '@gag/e2e';
 * asteriskControl.parseAppMessage('ANSWER', 'text'); // { kind: 'command', command: 'ANSWER', id: undefined }
 * @packageDocumentation
 */

/** Control-message format of one call: plain text (the default) or JSON (`f(json)`). */
export type ControlFormat = 'text' | 'json';

/** Commands an app may send, case-sensitive (docs/chan-websocket.md#commands). */
export const APP_COMMANDS = [
  'ANSWER',
  'HANGUP',
  'GET_STATUS',
  'START_MEDIA_BUFFERING',
  'STOP_MEDIA_BUFFERING',
  'MARK_MEDIA',
  'FLUSH_MEDIA',
  'PAUSE_MEDIA',
  'CONTINUE_MEDIA',
  'REPORT_QUEUE_DRAINED',
] as const;
/** One of {@link APP_COMMANDS}. */
export type AppCommand = (typeof APP_COMMANDS)[number];

/** Asterisk ignores (with a warning, no reply) a TEXT message longer than this (`MAX_TEXT_MESSAGE_LEN`). */
export const MAX_TEXT_MESSAGE_BYTES = 128;
/** Asterisk's frame queue: it sends MEDIA_XOFF at this depth… */
export const QUEUE_LENGTH_XOFF_LEVEL = 900;
/** …and MEDIA_XON when the depth falls under this one. */
export const QUEUE_LENGTH_XON_LEVEL = 800;

/** The error text Asterisk sends when a JSON-mode command does not parse (e.g. a plain-text command). */
export const JSON_PARSE_ERROR_TEXT = 'Unable to parse JSON command';

/** What one TEXT message from the app means to Asterisk. */
export type AppMessage =
  /** A known command; `id` is the plain-text argument or the JSON `correlation_id`. */
  | {
      /** A known command. */
      readonly kind: 'command';
      /** Which one. */
      readonly command: AppCommand;
      /** The plain-text argument or the JSON `correlation_id`, if any. */
      readonly id: string | undefined;
    }
  /** Asterisk answers it with an ERROR notification carrying `errorText`; the call goes on. */
  | {
      /** Not a command Asterisk knows, or malformed. */
      readonly kind: 'error';
      /** The text of Asterisk's ERROR notification. */
      readonly errorText: string;
    }
  /** Asterisk drops it without a reply (empty, or longer than {@link MAX_TEXT_MESSAGE_BYTES}). */
  | {
      /** Dropped without a reply. */
      readonly kind: 'ignored';
      /** Why, for a log. */
      readonly reason: string;
    };

const isCommand = (name: string | undefined): name is AppCommand => (APP_COMMANDS as readonly string[]).includes(name ?? '');

/**
 * Read one TEXT message the way chan_websocket's `process_text_message` does: length checks,
 * whitespace stripped, then plain `NAME [id]` or JSON `{"command":"NAME","correlation_id":"id"}`.
 * A plain-text command on a JSON channel does not parse as JSON, so it is an error
 * (docs/chan-websocket.md#commands).
 * @example parseAppMessage('MARK_MEDIA m1', 'text') // { kind: 'command', command: 'MARK_MEDIA', id: 'm1' }
 */
export function parseAppMessage(text: string, format: ControlFormat): AppMessage {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes === 0) return { kind: 'ignored', reason: 'empty TEXT message' };
  if (bytes > MAX_TEXT_MESSAGE_BYTES) return { kind: 'ignored', reason: `TEXT message of ${bytes} bytes exceeds ${MAX_TEXT_MESSAGE_BYTES}` };
  const stripped = text.trim();
  let name: string | undefined;
  let id: string | undefined;
  if (format === 'json') {
    let json: unknown;
    try {
      json = JSON.parse(stripped);
    } catch {
      return { kind: 'error', errorText: JSON_PARSE_ERROR_TEXT };
    }
    // jansson loads only an object or an array at the top level.
    if (typeof json !== 'object' || json === null) return { kind: 'error', errorText: JSON_PARSE_ERROR_TEXT };
    const fields = json as { command?: unknown; correlation_id?: unknown };
    name = typeof fields.command === 'string' ? fields.command : undefined;
    id = typeof fields.correlation_id === 'string' ? fields.correlation_id : undefined;
  } else {
    // Split at the first space only, as chan_websocket does with strchr(buffer, ' ').
    const space = stripped.indexOf(' ');
    name = space < 0 ? stripped : stripped.slice(0, space);
    id = space < 0 ? undefined : stripped.slice(space + 1);
  }
  if (!isCommand(name)) return { kind: 'error', errorText: `Unknown command: ${name ?? '(none)'}` };
  return { kind: 'command', command: name, id };
}

/** The fields of MEDIA_START. */
export interface MediaStartInfo {
  /** The websocket_client section, e.g. `ws-ext-2001`. */
  readonly connectionId: string;
  /** e.g. `WebSocket/ws-ext-2001/0x7fbdd8005da0`. */
  readonly channel: string;
  /** The channel's unique id, e.g. `1795403872.2`. */
  readonly channelId: string;
  /** Codec name, e.g. `slin16`. */
  readonly codec: string;
  /** `optimal_frame_size`: 20 ms of the codec, in bytes (640 for slin16). */
  readonly optimalFrameBytes: number;
  /** `ptime`: the frame duration, ms (20). */
  readonly ptimeMs: number;
  /** Sent in the JSON format only. */
  readonly channelVariables: Readonly<Record<string, string>>;
}

/**
 * MEDIA_START, the first message of every call (docs/chan-websocket.md#media_start).
 * @example mediaStartMessage(info, 'text') // 'MEDIA_START connection_id:ws-ext-2001 channel:… ptime:20'
 */
export function mediaStartMessage(info: MediaStartInfo, format: ControlFormat): string {
  if (format === 'json') {
    return JSON.stringify({
      event: 'MEDIA_START',
      connection_id: info.connectionId,
      channel: info.channel,
      channel_id: info.channelId,
      format: info.codec,
      optimal_frame_size: info.optimalFrameBytes,
      ptime: info.ptimeMs,
      channel_variables: info.channelVariables,
    });
  }
  return (
    `MEDIA_START connection_id:${info.connectionId} channel:${info.channel} channel_id:${info.channelId} ` +
    `format:${info.codec} optimal_frame_size:${info.optimalFrameBytes} ptime:${info.ptimeMs}`
  );
}

/**
 * DTMF_END for one digit (docs/chan-websocket.md#notifications).
 * @example dtmfEndMessage('1795403872.2', '5', 'json') // '{"event":"DTMF_END","channel_id":"1795403872.2","digit":"5"}'
 */
export function dtmfEndMessage(channelId: string, digit: string, format: ControlFormat): string {
  return format === 'json'
    ? JSON.stringify({ event: 'DTMF_END', channel_id: channelId, digit })
    : `DTMF_END digit:${digit} channel_id:${channelId}`;
}

/**
 * A notification without data: the bare name in plain text, name and channel id in JSON.
 * @example noDataMessage('MEDIA_XOFF', '1795403872.2', 'text') // 'MEDIA_XOFF'
 */
export function noDataMessage(event: 'MEDIA_XOFF' | 'MEDIA_XON' | 'QUEUE_DRAINED', channelId: string, format: ControlFormat): string {
  return format === 'json' ? JSON.stringify({ event, channel_id: channelId }) : event;
}

/**
 * The reply to STOP_MEDIA_BUFFERING or MARK_MEDIA, echoing the app's id.
 * @example correlatedMessage('MEDIA_MARK_PROCESSED', '1795403872.2', 'm1', 'text') // 'MEDIA_MARK_PROCESSED m1'
 */
export function correlatedMessage(
  event: 'MEDIA_BUFFERING_COMPLETED' | 'MEDIA_MARK_PROCESSED',
  channelId: string,
  id: string | undefined,
  format: ControlFormat,
): string {
  if (format === 'json') return JSON.stringify({ event, channel_id: channelId, correlation_id: id ?? '' });
  return id === undefined ? event : `${event} ${id}`;
}

/** The driver state reported by STATUS. */
export interface DriverStatus {
  /** `queue_length`: the app's frames waiting to be played. */
  readonly queueLengthFrames: number;
  /** `queue_full`: between MEDIA_XOFF and MEDIA_XON. */
  readonly queueFull: boolean;
  /** `bulk_media`: a START_MEDIA_BUFFERING is in effect. */
  readonly bulkMedia: boolean;
  /** `media_paused`: PAUSE_MEDIA is in effect. */
  readonly mediaPaused: boolean;
}

/**
 * The reply to GET_STATUS.
 * @example statusMessage('1795403872.2', { queueLengthFrames: 0, queueFull: false, bulkMedia: false, mediaPaused: false }, 'text')
 */
export function statusMessage(channelId: string, status: DriverStatus, format: ControlFormat): string {
  if (format === 'json') {
    return JSON.stringify({
      event: 'STATUS',
      channel_id: channelId,
      queue_length: status.queueLengthFrames,
      xon_level: QUEUE_LENGTH_XON_LEVEL,
      xoff_level: QUEUE_LENGTH_XOFF_LEVEL,
      queue_full: status.queueFull,
      bulk_media: status.bulkMedia,
      media_paused: status.mediaPaused,
    });
  }
  return (
    `STATUS channel_id:${channelId} queue_length:${status.queueLengthFrames} xon_level:${QUEUE_LENGTH_XON_LEVEL} ` +
    `xoff_level:${QUEUE_LENGTH_XOFF_LEVEL} queue_full:${status.queueFull} bulk_media:${status.bulkMedia} media_paused:${status.mediaPaused}`
  );
}

/**
 * ERROR, Asterisk's answer to a command it cannot take; the call goes on.
 * @example
 * errorMessage('1795403872.2', 'Unknown command: FOO', 'json')
 * // '{"event":"ERROR","channel_id":"1795403872.2","error_text":"Unknown command: FOO"}'
 */
export function errorMessage(channelId: string, errorText: string, format: ControlFormat): string {
  return format === 'json'
    ? JSON.stringify({ event: 'ERROR', channel_id: channelId, error_text: errorText })
    : `ERROR channel_id:${channelId} error_text:${errorText}`;
}

/**
 * The notification Asterisk sends back for a command, if any: STATUS for GET_STATUS,
 * MEDIA_BUFFERING_COMPLETED for STOP_MEDIA_BUFFERING, MEDIA_MARK_PROCESSED for MARK_MEDIA,
 * QUEUE_DRAINED for REPORT_QUEUE_DRAINED. Asterisk sends the last three when its playout queue
 * reaches that point (the fake Asterisk's PlayoutQueue decides when); this says what is sent.
 * @example commandReply('MARK_MEDIA', 'm1', '1795403872.2', status, 'text') // 'MEDIA_MARK_PROCESSED m1'
 */
export function commandReply(
  command: AppCommand,
  id: string | undefined,
  channelId: string,
  status: DriverStatus,
  format: ControlFormat,
): string | undefined {
  switch (command) {
    case 'GET_STATUS':
      return statusMessage(channelId, status, format);
    case 'STOP_MEDIA_BUFFERING':
      return correlatedMessage('MEDIA_BUFFERING_COMPLETED', channelId, id, format);
    case 'MARK_MEDIA':
      return correlatedMessage('MEDIA_MARK_PROCESSED', channelId, id, format);
    case 'REPORT_QUEUE_DRAINED':
      return noDataMessage('QUEUE_DRAINED', channelId, format);
    default:
      return undefined;
  }
}
