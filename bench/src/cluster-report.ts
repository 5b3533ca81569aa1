/**
 * The cluster table (issue 17): the single node and the three-node cluster in the same run, each
 * node's CPU per relayed frame, the relaying nodes together against the single one, and the
 * latency a frame gains by crossing, against the targets. Printed, never asserted.
 * @packageDocumentation
 */
import type { ClusterRound } from './cluster-bench.js';
import { TAIL_STRETCH_MS } from './cluster-tail.js';
import { MIB, num, table } from './report.js';

/** The targets: cross-node adds ≤ 1 ms p50 and ≤ 5 ms p99; the two nodes ≤ 2.2× a local relay's CPU per frame. */
const TARGET_ADDED_P50_MS = 1;
const TARGET_ADDED_P99_MS = 5;
const TARGET_CPU_RATIO = 2.2;

const met = (ok: boolean): string => (ok ? 'met' : 'MISS');
const signed = (ms: number): string => `${ms >= 0 ? '+' : ''}${num(ms, 2)} ms`;

/**
 * The table of a cluster bench.
 * @example console.log(clusterTable(await runClusterBench({ calls: 200, warmupMs: 2_000, windowMs: 10_000 }, progress)));
 */
export function clusterTable(rounds: readonly ClusterRound[]): string {
  const single = rounds.find((r) => r.round === 'single');
  const cross = rounds.find((r) => r.round === 'cross');
  const rows = rounds.map((r) => [
    r.round === 'single' ? 'one gateway' : '3 nodes, A→B',
    `${r.established}/${r.calls}`,
    r.nodes.map((n) => `${n.node} ${num(n.cpuPercentOfCore, 1)} % (${num(n.cpuUsPerFrame, 1)} µs/frame, loop p99/max ${num(n.loopDelayP99Ms, 1)}/${num(n.loopDelayMaxMs, 1)} ms)`).join(', '),
    `${num(r.generatorPercentOfCore, 0)} %, lag ${num(r.generatorLagMs.p99, 1)} / ${num(r.generatorLagMs.max, 1)}, heap ${num(r.generatorOldGenerationBytes / MIB, 0)} MiB`,
    `${num(r.otherPercentOfCore, 0)} %`,
    num(r.relayUsPerFrame, 1),
    `${num(r.toBrowserMs.p50, 2)} / ${num(r.toBrowserMs.p99, 2)}`,
    `${num(r.toAsteriskMs.p50, 2)} / ${num(r.toAsteriskMs.p99, 2)}`,
    `${r.tail.stretches} of ${r.tail.of}`,
    String(r.framesRelayed),
    String(r.framesLost),
  ]);
  let verdict = '';
  if (single !== undefined && cross !== undefined) {
    const ratio = cross.relayUsPerFrame / single.relayUsPerFrame;
    const addedP50 = Math.max(cross.toBrowserMs.p50 - single.toBrowserMs.p50, cross.toAsteriskMs.p50 - single.toAsteriskMs.p50);
    const addedP99 = Math.max(cross.toBrowserMs.p99 - single.toBrowserMs.p99, cross.toAsteriskMs.p99 - single.toAsteriskMs.p99);
    verdict =
      `\nCrossing nodes, worse direction: ${signed(addedP50)} p50 (target ≤ +${TARGET_ADDED_P50_MS}: ${met(addedP50 <= TARGET_ADDED_P50_MS)}), ` +
      `${signed(addedP99)} p99 (target ≤ +${TARGET_ADDED_P99_MS}: ${met(addedP99 <= TARGET_ADDED_P99_MS)}); ` +
      `nodes A+B spend ${num(ratio, 2)}× the single gateway's CPU per frame (target ≤ ${TARGET_CPU_RATIO}: ${met(ratio <= TARGET_CPU_RATIO)}).`;
  }
  return (
    table(
      `Cluster: one gateway, then 3 nodes on loopback and a redis-server with every call crossing (Asterisk on A, browsers on B; gag.v1 wss 20 ms, N=${rounds[0]?.calls ?? '?'})`,
      ['round', 'calls', 'each node: CPU % of a core (µs per relayed frame)', 'generator CPU, lag p99/max ms, old-gen heap', 'other work', 'relaying nodes µs/frame', '→browser p50/p99 ms', '→asterisk p50/p99 ms', `80 % of frames > p99 sent in (${TAIL_STRETCH_MS} ms stretches)`, 'frames relayed', 'lost'],
      rows,
    ) + verdict
  );
}
