/**
 * `npm run bench`: every benchmark on loopback, one after another (never two at once: the machine
 * has 2 cores), each against a fresh gateway process. Prints one table per benchmark and writes
 * every figure to `bench/results/<timestamp>.json`. A missed target never fails the command
 * (exit 0); a crash does (exit 1). Usage errors exit 2.
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BrowserResult } from './browser-bench.js';
import type { BundleResult } from './bundle-size.js';
import { runChurn, type ChurnResult } from './churn-bench.js';
import { findProfile, summariseProfile, type ProfileSummary } from './cpu-profile.js';
import type { FuzzResult } from './fuzz-bench.js';
import type { RelayResult } from './relay-bench.js';
import { runRelaySuite, unknownVariant } from './relay-suite.js';
import { DEFAULT_VARIANTS } from './relay-target.js';
import { browserTable, churnTable, profileTable, relayTable, setupTable } from './report.js';
import { relayFloorTable } from './report-floor.js';
import { MEDIA_VARIANTS, mediaTables } from './report-media.js';
import { runSetup, type SetupResult } from './setup-bench.js';
import { runClusterBench, type ClusterRound } from './cluster-bench.js';
import { clusterTable } from './cluster-report.js';
import { runSuperviseBench, type SuperviseRun } from './supervise-bench.js';
import { superviseTable } from './supervise-report.js';

const USAGE = `npm run bench -- [options]
  --calls 50,200            concurrent calls of the relay load runs
  --relay-variants ${DEFAULT_VARIANTS}
                            relay: what each N runs, in this order (also gag-wss-60, gag-ws-40)
  --warmup-ms 2000          relay: frames flow this long before the window
  --window-ms 10000         relay: measurement window per N
  --setup-calls 1000        setup latency: calls   --setup-lanes 4   in flight at once
  --churn-calls 10000       churn: short calls     --churn-lanes 16  in flight at once
  --browser-window-ms 10000 browser: each CPU window (phone idle, then one echo call up)
  --browser-onsets 10       browser: tone onsets timed through the SDK loop (one a second)
  --fuzz-messages 100000    fuzz: generated messages per side through the parsers   --fuzz-seed 42
  --media-calls 200         fork and record: N of the relay runs ${MEDIA_VARIANTS} (issue 20)
  --supervise-calls 100     supervisors: N calls plain, each listened to, each barged in on (issue 21)
  --cluster-calls 200       cluster: N calls through one gateway, then across 3 nodes on Redis (issue 17)
  --only relay,setup,churn,browser,fuzz,media,supervise,cluster  run only these (add 'profile' for the profiled run alone)
  --profile                 also run the relay at --profile-calls (200), gag-wss-20, with the gateway under --cpu-prof
  --help`;

const BENCHMARKS = ['relay', 'setup', 'churn', 'browser', 'fuzz', 'media', 'supervise', 'cluster', 'profile'] as const;
const DEFAULT_BENCHMARKS = 'relay,setup,churn,browser,fuzz,media,supervise,cluster';
/** Churn stops starting calls after this long, so the whole run stays well under 10 minutes. */
const CHURN_MAX_WALL_MS = 240_000;
/** Churn reads the gateway's memory after these fractions of the calls (the first one is the warm-up). */
const CHURN_CHECKPOINT_FRACTIONS = [0.1, 0.4, 0.7];
const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

interface Options {
  readonly calls: readonly number[];
  readonly relayVariants: readonly string[];
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly setupCalls: number;
  readonly setupLanes: number;
  readonly churnCalls: number;
  readonly churnLanes: number;
  readonly only: ReadonlySet<string>;
  readonly profileCalls: number;
  readonly browserWindowMs: number;
  readonly browserOnsets: number;
  readonly fuzzMessages: number;
  readonly fuzzSeed: number;
  readonly mediaCalls: readonly number[];
  readonly superviseCalls: number;
  readonly clusterCalls: number;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`'--${option}' must be a positive integer. Got '${text}'`);
  return n;
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      calls: { type: 'string', default: '50,200' },
      'relay-variants': { type: 'string', default: DEFAULT_VARIANTS },
      'warmup-ms': { type: 'string', default: '2000' },
      'window-ms': { type: 'string', default: '10000' },
      'setup-calls': { type: 'string', default: '1000' },
      'setup-lanes': { type: 'string', default: '4' },
      'churn-calls': { type: 'string', default: '10000' },
      'churn-lanes': { type: 'string', default: '16' },
      only: { type: 'string', default: DEFAULT_BENCHMARKS },
      profile: { type: 'boolean', default: false },
      'profile-calls': { type: 'string', default: '200' },
      'browser-window-ms': { type: 'string', default: '10000' },
      'browser-onsets': { type: 'string', default: '10' },
      'fuzz-messages': { type: 'string', default: '100000' },
      'fuzz-seed': { type: 'string', default: '42' },
      'media-calls': { type: 'string', default: '200' },
      'supervise-calls': { type: 'string', default: '100' },
      'cluster-calls': { type: 'string', default: '200' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const relayVariants = values['relay-variants'].split(',').map((s) => s.trim());
  const badVariant = unknownVariant(relayVariants);
  if (badVariant !== undefined) throw new UsageError(badVariant);
  const only = new Set(values.only.split(',').map((s) => s.trim()));
  if (values.profile) only.add('profile');
  for (const name of only) if (!(BENCHMARKS as readonly string[]).includes(name)) throw new UsageError(`'--only' takes ${BENCHMARKS.join(', ')}. Got '${name}'`);
  return {
    calls: values.calls.split(',').map((s) => positiveInt('calls', s.trim())),
    relayVariants,
    warmupMs: positiveInt('warmup-ms', values['warmup-ms']),
    windowMs: positiveInt('window-ms', values['window-ms']),
    setupCalls: positiveInt('setup-calls', values['setup-calls']),
    setupLanes: positiveInt('setup-lanes', values['setup-lanes']),
    churnCalls: positiveInt('churn-calls', values['churn-calls']),
    churnLanes: positiveInt('churn-lanes', values['churn-lanes']),
    only,
    profileCalls: positiveInt('profile-calls', values['profile-calls']),
    browserWindowMs: positiveInt('browser-window-ms', values['browser-window-ms']),
    browserOnsets: positiveInt('browser-onsets', values['browser-onsets']),
    fuzzMessages: positiveInt('fuzz-messages', values['fuzz-messages']),
    fuzzSeed: positiveInt('fuzz-seed', values['fuzz-seed']),
    mediaCalls: values['media-calls'].split(',').map((s) => positiveInt('media-calls', s.trim())),
    superviseCalls: positiveInt('supervise-calls', values['supervise-calls']),
    clusterCalls: positiveInt('cluster-calls', values['cluster-calls']),
  };
}

const progress = (text: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

interface Results {
  startedAt: string;
  environment: Record<string, unknown>;
  options: Options | undefined;
  relay: RelayResult[];
  setup?: SetupResult;
  churn?: ChurnResult;
  profile?: { relay: RelayResult; summary: ProfileSummary | undefined };
  browser?: { bundles?: BundleResult; run?: BrowserResult };
  fuzz?: FuzzResult;
  media?: RelayResult[];
  supervise?: SuperviseRun[];
  cluster?: ClusterRound[];
  wallMs?: number;
  error?: string;
}

async function main(): Promise<number> {
  const startMs = performance.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const results: Results = {
    startedAt: new Date().toISOString(),
    environment: { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavgAtStart: loadavg() },
    options: undefined,
    relay: [],
  };
  const save = async (): Promise<string> => {
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = `${RESULTS_DIR}${stamp}.json`;
    await writeFile(file, `${JSON.stringify({ ...results, options: results.options && { ...results.options, only: [...results.options.only] } }, null, 2)}\n`);
    return file;
  };
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === undefined) {
    console.log(USAGE);
    return 0;
  }
  results.options = options;
  console.log(`# GAG bench — ${results.startedAt}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    if (options.only.has('relay')) {
      results.relay = await runRelaySuite({ calls: options.calls, variants: options.relayVariants, warmupMs: options.warmupMs, windowMs: options.windowMs }, progress);
      console.log(relayTable(results.relay));
      console.log(relayFloorTable(results.relay));
      console.log(mediaTables(results.relay));
    }
    if (options.only.has('setup')) {
      progress(`setup: ${options.setupCalls} calls, ${options.setupLanes} in flight`);
      results.setup = await runSetup({ calls: options.setupCalls, lanes: options.setupLanes });
      console.log(setupTable(results.setup));
    }
    if (options.only.has('churn')) {
      progress(`churn: ${options.churnCalls} calls, ${options.churnLanes} in flight`);
      const checkpoints = CHURN_CHECKPOINT_FRACTIONS.map((f) => Math.round(options.churnCalls * f));
      results.churn = await runChurn({ calls: options.churnCalls, lanes: options.churnLanes, checkpoints, maxWallMs: CHURN_MAX_WALL_MS });
      console.log(churnTable(results.churn));
    }
    if (options.only.has('browser')) {
      progress('browser: building gag-phone.js and the SDK core for their sizes');
      const browser: NonNullable<Results['browser']> = {};
      results.browser = browser;
      // Loaded only now, as fuzz below: what the load generator's runs do not need stays out of its heap.
      const [{ measureBundles }, { runBrowser }] = await Promise.all([import('./bundle-size.js'), import('./browser-bench.js')]);
      browser.bundles = await measureBundles();
      browser.run = await runBrowser({ cpuWindowMs: options.browserWindowMs, onsets: options.browserOnsets }, progress);
      console.log(browserTable(browser.bundles, browser.run));
    }
    if (options.only.has('media')) {
      results.media = await runRelaySuite({ calls: options.mediaCalls, variants: MEDIA_VARIANTS.split(','), warmupMs: options.warmupMs, windowMs: options.windowMs }, progress);
      console.log(relayTable(results.media).replace('## Relay load', '## Relay load with every call forked or recorded'));
      console.log(mediaTables(results.media));
    }
    if (options.only.has('supervise')) {
      results.supervise = await runSuperviseBench({ calls: options.superviseCalls, warmupMs: options.warmupMs, windowMs: options.windowMs }, progress);
      console.log(superviseTable(results.supervise));
    }
    if (options.only.has('cluster')) {
      results.cluster = await runClusterBench({ calls: options.clusterCalls, warmupMs: options.warmupMs, windowMs: options.windowMs }, progress);
      console.log(clusterTable(results.cluster));
    }
    if (options.only.has('profile')) {
      const dir = `${RESULTS_DIR}profiles/${stamp}`;
      await mkdir(dir, { recursive: true });
      progress(`profile: relay N=${options.profileCalls} with the gateway under --cpu-prof`);
      const [relay] = await runRelaySuite({ calls: [options.profileCalls], variants: ['gag-wss-20'], warmupMs: options.warmupMs, windowMs: options.windowMs, cpuProfileDir: dir }, progress);
      if (relay === undefined) throw new Error('the profiled relay run returned nothing');
      const file = relay.gatewayPid === undefined ? undefined : await findProfile(dir, relay.gatewayPid);
      const summary = file === undefined ? undefined : await summariseProfile(file, relay.windowHrtimeUs.start, relay.windowHrtimeUs.end, relay.gateway.framesRelayed);
      results.profile = { relay, summary };
      console.log(relayTable([relay]).replace('## Relay load', '## Relay load under --cpu-prof'));
      console.log(summary === undefined ? `no profile found in ${dir}` : profileTable(summary, relay));
    }
    // Fuzz last, and loaded only now: fast-check's arbitraries hold a Map of every code point
    // (about 90 MB of heap) from their import on, and this process is the load generator of the
    // runs above, whose frame clock stalls in the GC of a large heap.
    if (options.only.has('fuzz')) {
      const { fuzzTable, runFuzz } = await import('./fuzz-bench.js');
      results.fuzz = await runFuzz({ messages: options.fuzzMessages, seed: options.fuzzSeed }, progress);
      console.log(fuzzTable(results.fuzz));
    }
    results.wallMs = performance.now() - startMs;
    const file = await save();
    console.log(`\nWall time ${((performance.now() - startMs) / 1000).toFixed(1)} s. Results: ${file}`);
    return 0;
  } catch (err) {
    results.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    results.wallMs = performance.now() - startMs;
    const file = await save().catch(() => '(not written)');
    console.error(`\nbench crashed: ${results.error}\nPartial results: ${file}`);
    return 1;
  }
}

/**
 * V8 flags of this process, the load generator of every run. Its live heap is about 20 MB, and
 * V8 sizes the old generation's limit from it: under load it then ran a mark-compact every 0.3 s
 * (5–15 ms each, 34–40 in a cluster run) instead of scavenges. A 64 MB starting limit leaves one.
 */
const GENERATOR_V8_FLAGS = ['--initial-old-space-size=64'];

if (!process.execArgv.some((flag) => flag.startsWith('--initial-old-space-size'))) {
  // Started without them (`node bench/dist/main.js`): run again with them; the child gets Ctrl-C too.
  process.on('SIGINT', () => {});
  const child = spawn(process.execPath, [...GENERATOR_V8_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  child.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
} else {
  process.once('SIGINT', () => process.exit(130)); // the exit handler kills the gateway processes
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
