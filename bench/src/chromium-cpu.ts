/**
 * Chromium's CPU time during a window of the browser bench: per process type (CDP
 * `SystemInfo.getProcessInfo` on the browser session), the page's main thread (`Performance.getMetrics`
 * TaskDuration and ScriptDuration) and the renderers' threads by name (Linux /proc, 10 ms ticks).
 * @packageDocumentation
 */
import { readFile, readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { CDPSession } from 'playwright-core';
import { delay } from './bounded.js';

/** CPU time per second of wall time, by Chromium process type (ms/s = ‰ of a core). */
export interface CpuWindow {
  readonly wallMs: number;
  readonly msPerSecondByType: Readonly<Record<string, number>>;
  readonly msPerSecondTotal: number;
  /** The page's main thread: Performance.getMetrics TaskDuration / ScriptDuration. */
  readonly mainThreadTaskMsPerSecond: number;
  readonly mainThreadScriptMsPerSecond: number;
  /** The renderers' threads by name (Linux /proc, 10 ms ticks), busiest first; threads under 0.5 ms/s left out. */
  readonly rendererThreadsMsPerSecond: Readonly<Record<string, number>>;
  /** The machine's 1-minute load average at the end of the window (2 cores: 2 = full). */
  readonly loadAverage1m: number;
}

interface ProcessInfo {
  readonly type: string;
  readonly id: number;
  readonly cpuTime: number;
}

/** Linux clock ticks per second of /proc/<pid>/task/<tid>/stat (USER_HZ, 100 on every Linux ABI we run on). */
const CLOCK_TICKS_PER_S = 100;

/** CPU ticks of every thread of `pids`, by tid, with the thread's name (Linux /proc; empty elsewhere). */
async function threadTicks(pids: readonly number[]): Promise<Map<string, { name: string; ticks: number }>> {
  const out = new Map<string, { name: string; ticks: number }>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = await readdir(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.set(`${pid}/${tid}`, { name, ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return out;
}

interface CpuSample {
  readonly atMs: number;
  readonly processes: readonly ProcessInfo[];
  readonly rendererThreads: Map<string, { name: string; ticks: number }>;
  readonly taskS: number;
  readonly scriptS: number;
}

async function cpuSample(browserCdp: CDPSession, pageCdp: CDPSession): Promise<CpuSample> {
  const [info, metrics] = await Promise.all([
    browserCdp.send('SystemInfo.getProcessInfo') as Promise<{ processInfo: ProcessInfo[] }>,
    pageCdp.send('Performance.getMetrics'),
  ]);
  const metric = (name: string): number => metrics.metrics.find((m) => m.name === name)?.value ?? NaN;
  const rendererThreads = await threadTicks(info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id));
  return { atMs: performance.now(), processes: info.processInfo, rendererThreads, taskS: metric('TaskDuration'), scriptS: metric('ScriptDuration') };
}

function cpuWindow(a: CpuSample, b: CpuSample): CpuWindow {
  const wallS = (b.atMs - a.atMs) / 1000;
  const byType: Record<string, number> = {};
  let total = 0;
  for (const p of b.processes) {
    // A process that started inside the window counts from 0.
    const before = a.processes.find((q) => q.id === p.id)?.cpuTime ?? 0;
    const ms = ((p.cpuTime - before) * 1000) / wallS;
    byType[p.type] = (byType[p.type] ?? 0) + ms;
    total += ms;
  }
  const threads: Record<string, number> = {};
  for (const [tid, t] of b.rendererThreads) {
    const ms = (((t.ticks - (a.rendererThreads.get(tid)?.ticks ?? 0)) * 1000) / CLOCK_TICKS_PER_S) / wallS;
    threads[t.name] = (threads[t.name] ?? 0) + ms;
  }
  const busiest = Object.entries(threads)
    .filter(([, ms]) => ms >= 0.5)
    .sort((x, y) => y[1] - x[1]);
  return {
    wallMs: b.atMs - a.atMs,
    msPerSecondByType: byType,
    rendererThreadsMsPerSecond: Object.fromEntries(busiest),
    loadAverage1m: loadavg()[0] ?? NaN,
    msPerSecondTotal: total,
    mainThreadTaskMsPerSecond: ((b.taskS - a.taskS) * 1000) / wallS,
    mainThreadScriptMsPerSecond: ((b.scriptS - a.scriptS) * 1000) / wallS,
  };
}

export async function measureCpu(browserCdp: CDPSession, pageCdp: CDPSession, windowMs: number): Promise<CpuWindow> {
  const a = await cpuSample(browserCdp, pageCdp);
  await delay(windowMs);
  return cpuWindow(a, await cpuSample(browserCdp, pageCdp));
}

/** The renderer's audio rendering thread in a window ('Realtime AudioW…', or 'AudioWorklet…' where Chromium names it so): the whole Web Audio graph. */
export function audioThreadMsPerSecond(w: CpuWindow): number {
  return Object.entries(w.rendererThreadsMsPerSecond)
    .filter(([name]) => name.startsWith('Realtime AudioW') || name.startsWith('AudioWorklet'))
    .reduce((sum, [, ms]) => sum + ms, 0);
}
