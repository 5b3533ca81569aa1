/**
 * `gag_groups.json`: named groups of extensions that ring together (`ringall`) or one after
 * another (`sequential`). GoAstGateway's format loads unchanged; `timeout` stays in seconds.
 * @packageDocumentation
 */
import * as v from 'valibot';
import { ConfigError, type ConfigProblem } from '../errors.js';
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

const GroupName = v.pipe(v.string(), v.regex(/^[\w.+-]{1,64}$/, 'group names are like extensions, e.g. "G01"'));

/**
 * One group of `gag_groups.json`: a call to the group's name rings its members.
 * @example const sales: Group = { strategy: 'sequential', members: ['2001', '2002'], timeout: 20 };
 * @interface
 */
export type Group = Readonly<v.InferOutput<typeof GroupSchema>>;
/**
 * Every group by name. A Map, not an object: any name an extension can have is a group name,
 * `__proto__` and `constructor` included (an object's record would drop or inherit them).
 * @example const groups: GroupsConfig = await loadGroupsConfig(file, { required: true }); [...groups.keys()]; // ['sales', …]
 */
export type GroupsConfig = ReadonlyMap<string, Group>;

/** No groups: every call rings its own extension. */
export const NO_GROUPS: GroupsConfig = new Map();

/**
 * Validate parsed JSON as read from `file`.
 * @throws ConfigError (`GAG_CONFIG_INVALID`) listing every problem, each naming its group's key.
 * @example const groups = parseGroupsConfig('gag_groups.json', { sales: { strategy: 'ringall', members: ['2001', '2002'] } });
 */
export function parseGroupsConfig(file: string, json: unknown): GroupsConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw ConfigError.of(file, [{ key: '(top level)', fix: 'must be an object of groups by name, e.g. {"sales": {"strategy": "ringall", "members": ["2001"]}}' }]);
  }
  const groups = new Map<string, Group>();
  const problems: ConfigProblem[] = [];
  // Entry by entry (JSON.parse makes even "__proto__" an own key), so every name is kept as written.
  for (const [name, raw] of Object.entries(json)) {
    const checked = v.safeParse(GroupName, name);
    if (!checked.success) {
      problems.push({ key: name, fix: checked.issues[0].message });
      continue;
    }
    const r = v.safeParse(GroupSchema, raw);
    if (r.success) groups.set(name, Object.freeze({ ...r.output, members: Object.freeze(r.output.members) as string[] }));
    else for (const p of problemsOf(r.issues, () => 'unknown key — a group has strategy, members and timeout')) problems.push({ key: p.key === '(top level)' ? name : `${name}.${p.key}`, fix: p.fix });
  }
  const [first, ...rest] = problems;
  if (first !== undefined) throw ConfigError.of(file, [first, ...rest]);
  return groups;
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
