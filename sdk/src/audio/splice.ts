/**
 * The two primitives of click-free time-scale changes (WSOLA-style, one splice at a time): find
 * the lag at which a signal best resembles itself, and cross-fade from one point to the other.
 * Used by the jitter buffer to stretch (repeat a pitch period), compress (skip one) and conceal.
 * @packageDocumentation
 */

/**
 * The lag in `[minLag, maxLag]` at which `work[candidate .. candidate + windowSamples)`, with
 * `candidate = reference + direction × lag`, best matches `work[reference .. reference + windowSamples)`
 * by normalised cross-correlation. On a periodic signal that is a whole number of periods, so a
 * splice there keeps the waveform's phase. Silence matches everywhere: ties go to the smallest lag.
 * Allocation-free. The caller makes sure every index read lies inside `work`.
 * @example const lag = bestLag(work, maxLag, 64, 64, maxLag, -1); // a period back from work[maxLag]
 */
export function bestLag(
  work: Float32Array,
  reference: number,
  windowSamples: number,
  minLag: number,
  maxLag: number,
  direction: 1 | -1,
): number {
  let refEnergy = 0;
  for (let i = 0; i < windowSamples; i++) {
    const a = work[reference + i] ?? 0;
    refEnergy += a * a;
  }
  let best = minLag;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const candidate = reference + direction * lag;
    let cross = 0;
    let energy = 0;
    for (let i = 0; i < windowSamples; i++) {
      const b = work[candidate + i] ?? 0;
      cross += (work[reference + i] ?? 0) * b;
      energy += b * b;
    }
    const norm = Math.sqrt(refEnergy * energy);
    const score = norm > 0 ? cross / norm : 0;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}

/**
 * `dst[dstOffset + i] = (1 − w)·from[fromOffset + i] + w·to[toOffset + i]` for `i < count`, with
 * `w` rising linearly from just above 0 to just below 1. Linear (equal-gain) weights suit the
 * correlated segments `bestLag` finds; on unrelated ones they still leave no step, only a dip.
 * Allocation-free; `dst` may be `from` or `to`.
 */
export function crossfade(
  dst: Float32Array,
  dstOffset: number,
  from: Float32Array,
  fromOffset: number,
  to: Float32Array,
  toOffset: number,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const w = (i + 1) / (count + 1);
    dst[dstOffset + i] = (1 - w) * (from[fromOffset + i] ?? 0) + w * (to[toOffset + i] ?? 0);
  }
}

/**
 * Mean of the squares of `work[offset .. offset + count)`: the signal's power, 1 for a full-scale
 * square wave, 0.125 for a sine at 0.5. Allocation-free.
 * @example const quiet = meanSquare(work, 0, 304) < QUIET_POWER;
 */
export function meanSquare(work: Float32Array, offset: number, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const a = work[offset + i] ?? 0;
    sum += a * a;
  }
  return count > 0 ? sum / count : 0;
}
