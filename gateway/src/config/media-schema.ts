/**
 * The keys of `goastgateway.json` for call recording (issue 20, docs/fork-and-record.md): where
 * recordings go and which calls are recorded without anyone asking. Spread into the gateway's
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
