/**
 * A process's CPU time and resident memory read from outside, in `/proc/<pid>/stat` and
 * `/proc/<pid>/status` (Linux), so that our gateway and the bare relay are measured by the same
 * ruler. CPU time comes in clock ticks (`getconf CLK_TCK`, 100 on Linux: 10 ms), fine for windows
 * of seconds.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

/** Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;
const US_PER_TICK = 1e6 / TICKS_PER_SECOND;

/** CPU time and RSS of a process at one instant. */
export interface ProcSample {
  /** User-mode CPU time, µs. */
  readonly cpuUserUs: number;
  /** Kernel-mode CPU time (socket syscalls, TCP), µs. */
  readonly cpuSystemUs: number;
  readonly rssBytes: number;
  /** When it was read, µs on the reader's monotonic clock. */
  readonly atUs: number;
}

/** Read `pid`'s CPU time and RSS now. Throws when the process is gone. */
export function readProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return { cpuUserUs: utime * US_PER_TICK, cpuSystemUs: stime * US_PER_TICK, rssBytes: rssKb * 1024, atUs: performance.now() * 1000 };
}

/**
 * This process's V8 heap in use outside the young generation, bytes: what each mark-compact has
 * to walk, so what makes the load generator's own pauses long (the young generation's garbage is
 * left out: it swings by megabytes from one moment to the next).
 */
export function oldGenerationBytes(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  return used;
}
