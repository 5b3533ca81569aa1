/**
 * The relay comparison of one `npm run bench`: for each N, every variant in turn (interleaved:
 * the floor and ours under the same machine conditions), each in a fresh process, with one TLS
 * chain made for the run. Without the bare relay on this machine, its lines are skipped and said so.
 * @packageDocumentation
 */
import { bareRelaySource } from './bare-relay.js';
import { runRelay, type RelayResult } from './relay-bench.js';
import { VARIANTS, variantLabel, type RelayVariant } from './relay-target.js';
import { makeTlsChain } from './tls-chain.js';

export interface RelaySuiteOptions {
  readonly calls: readonly number[];
  /** Names from {@link VARIANTS}. */
  readonly variants: readonly string[];
  readonly warmupMs: number;
  readonly windowMs: number;
  /** Run ours under `--cpu-prof` into this directory (one variant, one N, for the profile). */
  readonly cpuProfileDir?: string;
}

/** A name `--relay-variants` does not know, with the ones it does. */
export function unknownVariant(names: readonly string[]): string | undefined {
  const bad = names.find((name) => !(name in VARIANTS));
  return bad === undefined ? undefined : `'--relay-variants' takes ${Object.keys(VARIANTS).join(', ')}. Got '${bad}'`;
}

export async function runRelaySuite(options: RelaySuiteOptions, progress: (text: string) => void): Promise<RelayResult[]> {
  const source = bareRelaySource();
  let variants: RelayVariant[] = options.variants.map((name) => VARIANTS[name]!);
  if ('missing' in source && variants.some((v) => v.relay === 'bare')) {
    progress(`relay: the floor is skipped: ${source.missing}`);
    variants = variants.filter((v) => v.relay !== 'bare');
  }
  const tls = makeTlsChain();
  const results: RelayResult[] = [];
  try {
    for (const calls of options.calls) {
      for (const variant of variants) {
        progress(`relay N=${calls} ${variantLabel(variant)}: setting up, then ${options.warmupMs} ms warm-up + ${options.windowMs} ms window`);
        const needs = { tls, bareSource: 'path' in source ? source.path : undefined, ...(options.cpuProfileDir === undefined ? {} : { cpuProfileDir: options.cpuProfileDir }) };
        results.push(await runRelay({ calls, warmupMs: options.warmupMs, windowMs: options.windowMs, variant, needs }));
      }
    }
  } finally {
    tls.remove();
  }
  return results;
}
