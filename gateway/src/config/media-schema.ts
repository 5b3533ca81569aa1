/**
 * The keys of `goastgateway.json` for call recording and live forks (issue 20,
 * docs/fork-and-record.md): where recordings go and forks stream to, and which calls are recorded
 * or forked without anyone asking. Spread into the gateway's
 * strict schema (`schema.ts`), so a misspelled key is still an error that names it.
 * @packageDocumentation
 */
import * as v from 'valibot';

const Names = (what: string) =>
  v.array(v.pipe(v.string('must be a string'), v.regex(/^[\w.+-]{1,64}$/, `each entry must be ${what}, e.g. "2001"`)), 'must be a list, e.g. ["2001"]');

/** The recording keys, spread into `GatewaySchema`'s object. */
export const RECORDING_KEYS = {
  /** The folder recordings (`<id>.wav` and `<id>.json`) are written to; unset, no call is recorded and the API says so. */
  recording_dir: v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty — write the folder recordings go to, e.g. "/var/spool/gag/recordings"'))),
  /** Record every answered call. */
  record_all_calls: v.optional(v.boolean('must be true or false'), false),
  /** Record the answered calls of these extensions (the extension the call was for). */
  record_extensions: v.optional(Names('an extension'), []),
  /** Record the answered calls that came through these groups of gag_groups.json. */
  record_groups: v.optional(Names('a group name from gag_groups.json'), []),
} as const;

/** What `recording_dir` says when a rule needs it and it is unset. */
export const RECORDING_DIR_NEEDED =
  'is required to record calls (record_all_calls, record_extensions or record_groups is set): the folder recordings go to, e.g. "/var/spool/gag/recordings"';

/** Whether the recording rules have the folder they need. */
export const recordingDirOk = (c: { recording_dir?: string | undefined; record_all_calls: boolean; record_extensions: readonly string[]; record_groups: readonly string[] }): boolean =>
  c.recording_dir !== undefined || (!c.record_all_calls && c.record_extensions.length === 0 && c.record_groups.length === 0);

/** The live fork keys, spread into `GatewaySchema`'s object (docs/fork-and-record.md#live-forks). */
export const FORK_KEYS = {
  /** Where forked calls stream to: a `ws://` or `wss://` URL of the speech or AI service. Unset, nothing is forked. */
  fork_url: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.check((s) => {
        try {
          const u = new URL(s);
          return u.protocol === 'ws:' || u.protocol === 'wss:';
        } catch {
          return false;
        }
      }, 'must be a ws:// or wss:// URL, e.g. "wss://stt.example.com/stream"'),
    ),
  ),
  /** `twilio`: Twilio Media Streams' JSON messages with base64 audio; `binary`: the same events, audio as binary frames with a 12-byte header. */
  fork_format: v.optional(v.picklist(['twilio', 'binary'], 'must be "twilio" or "binary"'), 'twilio'),
  /** Fork every answered call. */
  fork_all_calls: v.optional(v.boolean('must be true or false'), false),
  /** Fork the answered calls of these extensions. */
  fork_extensions: v.optional(Names('an extension'), []),
  /** Fork the answered calls that came through these groups. */
  fork_groups: v.optional(Names('a group name from gag_groups.json'), []),
  /** `start.customParameters` of every fork, e.g. `{"tenant": "acme"}`. */
  fork_parameters: v.optional(v.record(v.string(), v.pipe(v.string('each value must be a string'), v.maxLength(256, 'each value must be at most 256 characters'))), {}),
  /** Where audio the service sends back plays: `none`, `agent` (only the agent hears it: whisper, assist) or `call` (the caller hears it: a bot speaking). */
  fork_audio_back: v.optional(v.picklist(['none', 'agent', 'call'], 'must be "none", "agent" or "call"'), 'none'),
  /** How much audio a fork's socket may hold unsent before frames are dropped, ms. */
  fork_buffer_ms: v.optional(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(100, 'must be at least 100'), v.maxValue(60_000, 'must be at most 60000')), 2_000),
} as const;

/** What `fork_url` says when a rule needs it and it is unset. */
export const FORK_URL_NEEDED = 'is required to fork calls (fork_all_calls, fork_extensions or fork_groups is set): the ws:// or wss:// URL of the service, e.g. "wss://stt.example.com/stream"';

/** Whether the fork rules have the URL they need. */
export const forkUrlOk = (c: { fork_url?: string | undefined; fork_all_calls: boolean; fork_extensions: readonly string[]; fork_groups: readonly string[] }): boolean =>
  c.fork_url !== undefined || (!c.fork_all_calls && c.fork_extensions.length === 0 && c.fork_groups.length === 0);
