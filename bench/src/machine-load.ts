/**
 * How busy the whole machine was, from the kernel's per-core times (os.cpus()): the bench shares
 * 2 cores with other work, so each window says how much CPU went to neither the gateway nor the
 * load generator.
 * @packageDocumentation
 */
import { cpus } from 'node:os';

export interface MachineTimes {
  readonly busyMs: number;
  readonly totalMs: number;
}

export function machineTimes(): MachineTimes {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of cpus()) {
    const busy = times.user + times.nice + times.sys + times.irq;
    busyMs += busy;
    totalMs += busy + times.idle;
  }
  return { busyMs, totalMs };
}

/** CPU the machine used between two readings, in % of one core (2 busy cores = 200 %). */
export function machineBusyPercentOfCore(before: MachineTimes, after: MachineTimes): number {
  const total = after.totalMs - before.totalMs;
  return total <= 0 ? NaN : ((after.busyMs - before.busyMs) / total) * cpus().length * 100;
}
