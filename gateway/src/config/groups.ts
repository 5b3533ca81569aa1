/**
 * `gag_groups.json`: named groups of extensions that ring together (`ringall`) or one after
 * another (`sequential`). GoAstGateway's format loads unchanged; `timeout` stays in seconds.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { ConfigError } from '../errors.js';
import { problemsOf } from './issue-words.js';
import { readJsonFile } from './json-file.js';

const Extension = v.pipe(v.string(), v.regex(/^[\w.+-]{1,64}$/, 'each member is an extension, e.g. "201"'));

const GroupSchema = v.strictObject({
  /** `ringall`: every member rings at once; `sequential`: one after the other, in order. */
  strategy: v.picklist(['ringall', 'sequential'], 'must be "ringall" or "sequential"'),
  /** The extensions of the group, e.g. `["201", "202"]`. */
  members: v.pipe(v.array(Extension), v.minLength(1, 'list at least one extension, e.g. ["201", "202"]')),
  /** Seconds: how long each member rings (sequential) or the group rings (ringall). */
  timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be at least 1 (seconds)')), 30),
});

const GroupsSchema = v.record(v.pipe(v.string(), v.regex(/^[\w.+-]{1,64}$/, 'group names are like extensions, e.g. "G01"')), GroupSchema);

/**
 * One group of `gag_groups.json`: a call to the group's name rings its members.
 * @example const sales: Group = { strategy: 'sequential', members: ['2001', '2002'], timeout: 20 };
 * @interface
 */
export type Group = Readonly<v.InferOutput<typeof GroupSchema>>;
/** Every group by name, frozen. */
export type GroupsConfig = Readonly<Record<string, Group>>;

/** No groups: every call rings its own extension. */
export const NO_GROUPS: GroupsConfig = Object.freeze({});

/**
 * Validate parsed JSON as read from `file`.
 * @throws ConfigError (`GAG_CONFIG_INVALID`) listing every problem, each naming its group's key.
 * @example const groups = parseGroupsConfig('gag_groups.json', { sales: { strategy: 'ringall', members: ['2001', '2002'] } });
 */
export function parseGroupsConfig(file: string, json: unknown): GroupsConfig {
  const r = v.safeParse(GroupsSchema, json);
  if (r.success) {
    for (const group of Object.values(r.output)) Object.freeze(group.members), Object.freeze(group);
    return Object.freeze(r.output);
  }
  const [first, ...rest] = problemsOf(r.issues, () => 'unknown key — a group has strategy, members and timeout');
  throw ConfigError.of(file, [first!, ...rest]);
}

/**
 * Read `file`. A missing file is an error only when `required` (named with -g); GoAstGateway
 * treats the groups file as optional.
 * @throws ConfigError (`GAG_CONFIG_INVALID`) when the file is not valid JSON or not valid groups, or is missing while `required`.
 * @example const groups = await loadGroupsConfig('/usr/local/etc/gag_groups.json', { required: false });
 */
export async function loadGroupsConfig(file: string, options: { required: boolean }): Promise<GroupsConfig> {
  const json = await readJsonFile(file, { missingFix: 'check the path given with -g', optional: !options.required });
  return json === undefined ? NO_GROUPS : parseGroupsConfig(file, json);
}
