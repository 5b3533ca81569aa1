/**
 * Fork and record (issue 20): each fork-and-record run beside the plain run of its own round
 * (ours, gag.v1 over wss at 20 ms, same N), as the CPU a forked or recorded call costs on top of
 * relaying it, and whether everything reached the fork service or the disk. Printed, never asserted.
 * @packageDocumentation
 */
import type { RelayResult } from './relay-bench.js';
import { num, table } from './report.js';

/**
 * The relay variants of `--only media`: the plain run the others are compared with, then every call recorded, forked in binary, forked in Twilio's JSON.
 * @example runRelaySuite({ calls: [200], variants: MEDIA_VARIANTS.split(','), warmupMs, windowMs }, progress)
 */
export const MEDIA_VARIANTS = 'gag-wss-20,gag-wss-20-record,gag-wss-20-fork,gag-wss-20-fork-twilio';
/** A recording of slin16 (the bench's calls) grows by this much a second: stereo, 16-bit, 16 kHz. */
const RECORDING_BYTES_PER_S = 16_000 * 2 * 2;

const KB = 1000;
const MB = 1_000_000;
const p99Of = (r: RelayResult): number => Math.max(r.toBrowser.latencyMs.p99, r.toAsterisk.latencyMs.p99);
const COST_NAMES: Readonly<Record<string, string>> = { record: 'per recorded call', 'fork-binary': 'per forked call (binary)', 'fork-twilio': 'per forked call (Twilio JSON)' };
const isPlain = (r: RelayResult): boolean => r.variant.relay === 'gag' && r.variant.media === undefined && r.variant.browserLeg === 'wss' && r.variant.protocol === 'gag.v1' && r.variant.packetMs === 20;

/** Each fork-and-record run's plain run: the last one before it at the same N (else the first after). */
function plainOf(results: readonly RelayResult[], i: number): RelayResult | undefined {
  const same = (r: RelayResult): boolean => isPlain(r) && r.calls === results[i]!.calls;
  return results.slice(0, i + 1).reverse().find(same) ?? results.slice(i).find(same);
}

/**
 * Two tables: the cost of a forked or recorded call over a plain one, and what reached the
 * service or the disk. Empty when the run had no fork-and-record variant.
 * @example console.log(mediaTables(results.relay));
 */
export function mediaTables(results: readonly RelayResult[]): string {
  const runs = results.map((r, i) => ({ r, plain: plainOf(results, i) })).filter(({ r }) => r.variant.media !== undefined);
  if (runs.length === 0) return '';
  const costOf = ({ r, plain }: (typeof runs)[number]): number => (plain === undefined ? NaN : r.gateway.cpuMsPerCallSecond - plain.gateway.cpuMsPerCallSecond);
  // One line per plain run: what each kind of call cost over it.
  const summary = [...new Set(runs.map((run) => run.plain))].map((plain) => {
    const mine = runs.filter((run) => run.plain === plain);
    const costs = mine.map((run) => `${COST_NAMES[run.r.variant.media ?? ''] ?? run.r.label} ${num(costOf(run), 2)}`);
    return `N=${mine[0]!.r.calls}: cost ${costs.join(', ')} CPU-ms per call-second over a plain call (${plain === undefined ? 'no plain run' : `${num(plain.gateway.cpuMsPerCallSecond, 2)}`}).`;
  });
  const cost = runs.map((run) => {
    const { r, plain } = run;
    const diff = costOf(run);
    return [
      r.label,
      String(r.calls),
      num(r.gateway.cpuMsPerCallSecond, 2),
      plain === undefined ? '–' : num(plain.gateway.cpuMsPerCallSecond, 2),
      num(diff, 2),
      plain === undefined ? '–' : num((diff / plain.gateway.cpuMsPerCallSecond) * 100, 0),
      `${num(r.gateway.cpuPercentOfCore, 1)} / ${plain === undefined ? '–' : num(plain.gateway.cpuPercentOfCore, 1)}`,
      `${r.toBrowser.lost} / ${r.toAsterisk.lost}`,
      `${num(p99Of(r), 2)} / ${plain === undefined ? '–' : num(p99Of(plain), 2)}`,
      `${num(r.gateway.rssPerCallBytes / KB, 0)} / ${plain === undefined ? '–' : num(plain.gateway.rssPerCallBytes / KB, 0)}`,
    ];
  });
  const costTable = table(
    'Fork and record: cost per forked or recorded call (ours, gag.v1 wss 20 ms, against the plain run of the same round)',
    ['variant', 'calls (N)', 'gw CPU (ms/call·s)', 'plain (ms/call·s)', 'cost per call (ms/call·s)', 'cost (% of plain)', 'gw CPU % of 1 core (ours / plain)', 'call lost →b / →a', 'p99 added ms (ours / plain)', 'RSS/call KB (ours / plain)'],
    cost,
  );
  const delivery = runs.map(({ r }) => {
    const f = r.media?.fork;
    const rec = r.media?.record;
    return [
      r.label,
      String(r.calls),
      f === undefined ? '–' : num((f.sinkMediaFramesInWindow / f.callFramesInWindow) * 100, 1),
      f === undefined ? '–' : `${f.sink.messages} / ${num(f.sink.bytes / MB, 1)}`,
      f === undefined ? '–' : String(f.sink.messages - (f.gatewaySent + 2 * f.sink.connections)),
      f === undefined ? '–' : String(f.sink.sequenceGaps),
      f === undefined ? '–' : `${f.gatewayDroppedInWindow} / ${f.gatewayDropped}`,
      f === undefined ? '–' : `${f.sink.connections} / ${f.sink.stops} / ${f.reconnects}`,
      f === undefined ? '–' : num(f.sinkCpuPercentOfCore, 1),
      rec === undefined ? '–' : num(rec.diskBytesPerCallSecond, 0),
      rec === undefined ? '–' : `${rec.started} / ${rec.files}`,
      rec === undefined ? '–' : Object.entries(rec.failures).map(([failure, n]) => `${n} ${failure}`).join(', ') || '0',
    ];
  });
  const deliveryTable = table(
    'Fork and record: what reached the service or the disk',
    ['variant', 'calls (N)', 'fork frames ÷ call frames in window (%)', 'sink read (msgs / MB)', 'sink msgs − gw sent − 2/conn', 'seq gaps at sink', 'gw fork drops (window / run)', 'conns / stops / reconnects', 'sink CPU (% of 1 core)', 'disk (B/call·s)', 'recordings / files', 'rec failures'],
    delivery,
  );
  const notes = [
    '- cost per call = the gateway\'s CPU per call-second with every call forked or recorded − the plain run\'s, same N, same round (interleaved), measured from /proc.',
    '- fork: the sink (bench/src/fork-sink-process.ts) runs in its own process and reads every message; fork frames ÷ call frames = frames the sink',
    '  read ÷ frames the gateway took from both legs (gag_audio_frames_total + …_dropped_total), read together at the window\'s edges: ≈ 100 % when',
    '  nothing is dropped (± what was in flight at the edges); "sink msgs − gw sent − 2/conn" is 0 when every message the gateway counted as sent',
    '  arrived (connected and start are not counted as sent); seq gaps are messages the gateway made and dropped while connected; drops in the run',
  '  but not in the window are the frames of a call\'s first few ms, before its fork\'s socket opened (gag_fork_messages_dropped_total).',
    `- record: the folder's growth in the window per call-second (a temporary folder in ${'$'}TMPDIR); a slin16 recording is ${RECORDING_BYTES_PER_S} B/s (stereo, 16-bit, 16 kHz) plus its header and sidecar.`,
    '- In the relay table above, "other procs" of a fork run includes the sink\'s CPU.',
  ];
  return `${costTable}\n${summary.join('\n')}\n${deliveryTable}\n${notes.join('\n')}`;
}
