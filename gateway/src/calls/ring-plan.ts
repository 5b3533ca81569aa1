/**
 * Which phones a call rings, in what order and for how long: its own extension, or a group of
 * `gag_groups.json` (`ringall`: every member at once; `sequential`: one member after another).
 * The whole ring is bounded by `ring_timeout_ms`: a sequential group that nobody answers goes
 * round its members until then and ends (GoAstGateway looped forever).
 * @packageDocumentation
 */
import type { GroupsConfig } from '../config/groups.js';

/** One round of ringing. */
export interface RingStep {
  readonly extensions: readonly string[];
  readonly durationMs: number;
}

/** The whole ring of a call. */
export interface RingPlan {
  /** The group's name, or null for a call to one extension. */
  readonly group: string | null;
  readonly steps: readonly RingStep[];
  /** Start again from the first step after the last (sequential groups). */
  readonly loop: boolean;
  /** Ringing stops after this, whatever the steps say. */
  readonly maxRingMs: number;
}

const SECOND_MS = 1_000;

/** The plan for a call to `extension`: the group of that name if there is one. */
export function ringPlanFor(extension: string, groups: GroupsConfig, ringTimeoutMs: number): RingPlan {
  const group = groups.get(extension);
  if (group === undefined) {
    return { group: null, steps: [{ extensions: [extension], durationMs: ringTimeoutMs }], loop: false, maxRingMs: ringTimeoutMs };
  }
  const durationMs = group.timeout * SECOND_MS;
  if (group.strategy === 'ringall') {
    return { group: extension, steps: [{ extensions: group.members, durationMs }], loop: false, maxRingMs: ringTimeoutMs };
  }
  return {
    group: extension,
    steps: group.members.map((member) => ({ extensions: [member], durationMs })),
    loop: true,
    maxRingMs: ringTimeoutMs,
  };
}

/** Every extension the plan may ring. */
export function extensionsOf(plan: RingPlan): string[] {
  return [...new Set(plan.steps.flatMap((s) => s.extensions))];
}
