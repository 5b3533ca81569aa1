/**
 * The keys of `goastgateway.json` for supervisors (issue 21, docs/supervisors.md): which
 * extensions and groups each supervisor's extension may see on its board and join (listen,
 * whisper, barge), and whether an agent is told it is being listened to. Spread into the
 * gateway's strict schema (`schema.ts`), so a misspelled key is still an error that names it.
 * Default: no supervisors (a `gag_role: "supervisor"` token alone opens nothing).
 * @packageDocumentation
 */
import * as v from 'valibot';

/** In a scope's `extensions`: every extension and every group. */
export const EVERY_EXTENSION = '*';

const NAME = /^[\w.+-]{1,64}$/;

/** valibot takes a list for an object (its items become keys "0", "1"…): refused first, in words. */
const notAList = (example: string) => v.check((x: unknown) => !Array.isArray(x), `must be an object in curly braces, got a list: write it as ${example}`);

/** One supervisor's scope: the agents (extensions) and the groups' calls and members it may see and join. */
const SupervisorScope = v.pipe(
  v.unknown(),
  notAList('{"extensions": ["2001"], "groups": ["sales"]}'),
  v.strictObject({
    /** Extensions whose agents and calls this supervisor sees; `["*"]` for all. */
    extensions: v.optional(
      v.array(
        v.pipe(v.string(), v.check((s) => s === EVERY_EXTENSION || NAME.test(s), 'each entry must be an extension, e.g. "2001", or "*" for every extension')),
      ),
      [],
    ),
    /** Groups of gag_groups.json: their calls (ringing and answered) and their members. */
    groups: v.optional(
      v.array(v.pipe(v.string(), v.regex(NAME, 'each entry must be a group name from gag_groups.json, e.g. "sales"'))),
      [],
    ),
  }),
);

/**
 * A supervisor's scope as the config holds it.
 * @example const scope: SupervisorScopeConfig = { extensions: ['2001'], groups: ['sales'] };
 * @interface
 */
export type SupervisorScopeConfig = Readonly<v.InferOutput<typeof SupervisorScope>>;

/** The supervisor keys, spread into `GatewaySchema`'s object. */
export const SUPERVISOR_KEYS = {
  /**
   * Supervisors by their own extension (the `ext` of their token, which must also carry
   * `gag_role: "supervisor"`): what each may see and join, e.g.
   * `{"9000": {"extensions": ["2001"], "groups": ["sales"]}, "9001": {"extensions": ["*"]}}`.
   */
  supervisors: v.optional(
    v.pipe(
      v.unknown(),
      notAList('{"9000": {"extensions": ["2001"]}}'),
      v.record(v.pipe(v.string(), v.regex(NAME, 'each key must be the supervisor\'s extension, e.g. "9000"')), SupervisorScope),
    ),
    {},
  ),
  /** Tell an agent (`supervised`) that a supervisor listens; whisper and barge are always told. */
  supervisor_listen_shown: v.optional(v.boolean(), false),
} as const;
