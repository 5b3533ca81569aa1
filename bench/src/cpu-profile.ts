/**
 * Reads the gateway's `--cpu-prof` profile and says where its time went during the measurement
 * window: self time by category (our code, ws, Node, GC, native) and the top functions.
 * V8 stamps samples on the monotonic clock that `process.hrtime` reads, so the window the child
 * reported cuts the profile exactly.
 * @packageDocumentation
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly category: string;
  readonly selfMs: number;
  /** Of the busy (non-idle) time in the window. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly windowMs: number;
  readonly busyMs: number;
  readonly categories: readonly ProfileEntry[];
  readonly top: readonly ProfileEntry[];
  /** Self time of the gateway's own code (gateway, sdk, eventemitter3) per relayed frame. */
  readonly ownUsPerFrame: number;
  /** All busy time per relayed frame, as the profiler saw it. */
  readonly busyUsPerFrame: number;
}

/** The categories counted as "the gateway's own code" (ours, and the emitter it dispatches through). */
const OWN_CATEGORIES = new Set(['gateway', 'sdk (protocol)', 'eventemitter3']);
const TOP_FUNCTIONS = 15;

function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/libuv outside JS (program)';
    if (functionName === '(root)') return 'root';
    return 'native bindings (C++/syscalls)';
  }
  if (url.includes('/gateway/dist/')) return 'gateway';
  if (url.includes('/sdk/dist/')) return 'sdk (protocol)';
  if (url.includes('/node_modules/ws/')) return 'ws';
  if (url.includes('/node_modules/eventemitter3/')) return 'eventemitter3';
  if (url.includes('/node_modules/pino') || url.includes('/node_modules/sonic-boom/')) return 'pino';
  if (url.includes('/node_modules/')) return 'other dependencies';
  if (url.startsWith('node:')) return 'node core (JS)';
  return 'other';
}

function nameOf(frame: CallFrame): string {
  const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return fn;
  const file = frame.url.startsWith('node:') ? frame.url : basename(frame.url);
  return `${fn} ${file}:${frame.lineNumber + 1}`;
}

/** The profile the gateway process `pid` wrote into `dir` (`CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`). */
export async function findProfile(dir: string, pid: number): Promise<string | undefined> {
  const files = await readdir(dir);
  const mine = files.filter((f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid));
  return mine.length === 0 ? undefined : join(dir, mine.sort().at(-1)!);
}

export async function summariseProfile(file: string, windowStartUs: number, windowEndUs: number, framesRelayed: number): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByName = new Map<string, { category: string; us: number }>();
  const selfByCategory = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const durationUs = profile.timeDeltas[i + 1] ?? 0;
    if (t < windowStartUs || t >= windowEndUs) continue;
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    const category = categoryOf(node.callFrame);
    selfByCategory.set(category, (selfByCategory.get(category) ?? 0) + durationUs);
    const name = nameOf(node.callFrame);
    const entry = selfByName.get(name) ?? { category, us: 0 };
    entry.us += durationUs;
    selfByName.set(name, entry);
  }
  const busyUs = [...selfByCategory].filter(([c]) => c !== 'idle').reduce((sum, [, us]) => sum + us, 0);
  const pct = (us: number): number => (busyUs === 0 ? 0 : (us / busyUs) * 100);
  const categories = [...selfByCategory]
    .filter(([c]) => c !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .map(([category, us]) => ({ name: category, category, selfMs: us / 1000, percent: pct(us) }));
  const top = [...selfByName]
    .filter(([, e]) => e.category !== 'idle')
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, TOP_FUNCTIONS)
    .map(([name, e]) => ({ name, category: e.category, selfMs: e.us / 1000, percent: pct(e.us) }));
  const ownUs = [...selfByCategory].filter(([c]) => OWN_CATEGORIES.has(c)).reduce((sum, [, us]) => sum + us, 0);
  return {
    file,
    windowMs: (windowEndUs - windowStartUs) / 1000,
    busyMs: busyUs / 1000,
    categories,
    top,
    ownUsPerFrame: framesRelayed === 0 ? NaN : ownUs / framesRelayed,
    busyUsPerFrame: framesRelayed === 0 ? NaN : busyUs / framesRelayed,
  };
}
