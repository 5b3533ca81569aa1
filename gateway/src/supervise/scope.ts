/**
 * What one supervisor may see and join (issue 21): the `supervisors` key of goastgateway.json
 * names, for a supervisor's extension, extensions (`*`: all) and groups of gag_groups.json. An
 * agent is in scope when its extension is named or it is a member of a named group; a call when
 * it came through a named group, was for an extension in scope, or rings or is answered by an
 * agent in scope. Everything else is refused with `not_allowed` and never shown on the board.
 * @packageDocumentation
 */
import { MAX_BOARD_GROUPS } from '@gag/sdk/protocol';
import type { Call } from '../calls/call.js';
import type { GroupsConfig } from '../config/groups.js';
import type { GatewayConfig } from '../config/schema.js';
import { EVERY_EXTENSION } from '../config/supervisor-schema.js';

/**
 * One supervisor's scope, built from the config and the groups in force.
 * @example
 * const scope = Scope.of(config, groups, '9000');
 * if (scope?.seesCall(call)) join(call);
 */
export class Scope {
  /** `extensions` holds `*`: every agent and call. */
  readonly all: boolean;
  /** The agents named by extension or through a group (the board lists them even offline). */
  readonly named: ReadonlySet<string>;
  readonly #groups: ReadonlySet<string>;

  private constructor(extensions: readonly string[], groupNames: readonly string[], groups: GroupsConfig) {
    this.all = extensions.includes(EVERY_EXTENSION);
    this.#groups = new Set(groupNames);
    const named = new Set(extensions.filter((e) => e !== EVERY_EXTENSION));
    for (const name of groupNames) for (const member of groups.get(name)?.members ?? []) named.add(member);
    this.named = named;
  }

  /** The scope of the supervisor with `extension`, or undefined when the config gives it none (the default). */
  static of(config: Pick<GatewayConfig, 'supervisors'>, groups: GroupsConfig, extension: string): Scope | undefined {
    // Own keys only: "constructor" must not find Object's.
    if (!Object.hasOwn(config.supervisors, extension)) return undefined;
    const entry = config.supervisors[extension]!;
    return new Scope(entry.extensions, entry.groups, groups);
  }

  /** Whether the agent with `extension` is in scope. */
  seesAgent(extension: string): boolean {
    return this.all || this.named.has(extension);
  }

  /** Whether `call` is in scope now (see the module's words). */
  seesCall(call: Call): boolean {
    if (this.all) return true;
    if (call.group !== null) {
      if (this.#groups.has(call.group)) return true;
    } else if (this.seesAgent(call.extension)) return true;
    const agent = call.talkingWith?.extension;
    if (agent !== undefined && this.seesAgent(agent)) return true;
    return call.ringing.some((p) => p.extension !== undefined && this.seesAgent(p.extension));
  }

  /** Whether two scopes show the same (a reload that left this supervisor's entry as it was). */
  equals(other: Scope): boolean {
    return this.all === other.all && sameSet(this.named, other.named) && sameSet(this.#groups, other.#groups);
  }
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

/** The groups `extension` is a member of, in the file's order, at most {@link MAX_BOARD_GROUPS}. */
export function groupsOf(groups: GroupsConfig, extension: string): string[] {
  const out: string[] = [];
  for (const [name, group] of groups) {
    if (out.length === MAX_BOARD_GROUPS) break;
    if (group.members.includes(extension)) out.push(name);
  }
  return out;
}
