/**
 * The supervisors' table (issue 21): each run of `supervise-bench.ts` beside the plain run of
 * the same bench, as the CPU one listened or barged call adds per second of call, and whether
 * the supervisors got their 50 frames a second. Printed, never asserted.
 * @packageDocumentation
 */
import { num, table } from './report.js';
import type { SuperviseRun } from './supervise-bench.js';

const MB = 1_000_000;

/**
 * The table of a supervise bench.
 * @example console.log(superviseTable(await runSuperviseBench({ calls: 100, warmupMs: 2_000, windowMs: 10_000 }, progress)));
 */
export function superviseTable(runs: readonly SuperviseRun[]): string {
  const plain = runs.find((r) => r.mode === 'plain');
  const rows = runs.map((r) => {
    const extra = plain === undefined || r === plain ? NaN : r.cpuMsPerCallSecond - plain.cpuMsPerCallSecond;
    return [
      r.mode,
      `${r.established} / ${r.supervised}`,
      num(r.cpuPercentOfCore, 1),
      num(r.cpuMsPerCallSecond, 3),
      r === plain ? '–' : num(extra, 3),
      r === plain || plain === undefined ? '–' : num((extra / plain.cpuMsPerCallSecond) * 100, 0),
      `${r.framesToAgents} / ${r.framesToAsterisk}`,
      r === plain ? '–' : `${r.framesToSupervisors} / ${Math.round(r.supervisorFramesExpected)}`,
      num(r.loopDelayP99Ms, 1),
      `${num(r.generatorCpuPercentOfCore, 0)} / ${num(r.generatorLagP99Ms, 1)}`,
      num(r.rssLoadedBytes / MB, 0),
      Object.keys(r.logCounts).length === 0 ? '–' : Object.entries(r.logCounts).map(([m, c]) => `${m} ×${c}`).join('; '),
    ];
  });
  return table(
    `Supervisors: the cost of a listened and a barged call (ours, gag.v1 wss 20 ms, slin16, N=${runs[0]?.calls ?? '?'}, each run a fresh gateway)`,
    ['run', 'calls / supervised', 'gw CPU % of 1 core', 'gw CPU (ms/call·s)', 'added (ms/call·s)', 'added (% of plain)', 'frames →agents / →asterisk', 'frames →supervisors / expected', 'gw loop p99 ms', 'generator CPU % / lag p99 ms', 'RSS MB', 'warn/error lines'],
    rows,
  );
}
