/**
 * Test signals and their analysis: sine generation into slin16 or float buffers, Goertzel tone
 * power, dominant-frequency search and levels. Used by the fake Asterisk, the tests and the demo.
 * @packageDocumentation
 */

/** Full scale of a signed 16-bit sample, as `pcm.ts` scales (÷32768). */
const S16_FULL_SCALE = 32_768;

/**
 * A sine of `hz` at `amplitude` (0–1 of full scale), `count` samples at `rateHz`, starting at sample `offset`.
 * @example const second = sineFloat(440, 48_000, 48_000); // one second of 440 Hz at half scale
 */
export function sineFloat(hz: number, rateHz: number, count: number, amplitude = 0.5, offset = 0): Float32Array {
  const out = new Float32Array(count);
  const w = (2 * Math.PI * hz) / rateHz;
  for (let i = 0; i < count; i++) out[i] = amplitude * Math.sin(w * (i + offset));
  return out;
}

/**
 * Float samples (−1…1) to s16le bytes, clamped.
 * @example ws.send(floatToS16le(sineFloat(1000, 16_000, 320))); // one 20 ms slin16 frame of 1 kHz
 */
export function floatToS16le(samples: Float32Array): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    buf.writeInt16LE(Math.round(s * (S16_FULL_SCALE - 1)), i * 2);
  }
  return buf;
}

/**
 * s16le bytes to float samples (−1…1). An odd trailing byte is ignored.
 * @example call.on('audio', (frame) => meter.push(dbfs(s16leToFloat(frame))));
 */
export function s16leToFloat(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / S16_FULL_SCALE;
  return out;
}

/**
 * Root mean square of the samples (full-scale sine: 0.707).
 * @example rms(sineFloat(1000, 8_000, 8_000, 1)); // ≈ 0.707
 */
export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    sum += s * s;
  }
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/**
 * Level in dB relative to full scale (RMS of a full-scale square = 0 dBFS).
 * @example dbfs(sineFloat(1000, 8_000, 8_000, 0.5)); // ≈ −9
 */
export const dbfs = (samples: ArrayLike<number>): number => 20 * Math.log10(Math.max(rms(samples), 1e-10));

/**
 * Amplitude of the `hz` component (Goertzel), normalised so a sine of amplitude A gives about A.
 * @example goertzelAmplitude(sineFloat(1000, 16000, 1600, 0.5), 1000, 16000) // ≈ 0.5
 */
export function goertzelAmplitude(samples: ArrayLike<number>, hz: number, rateHz: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / rateHz);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = (samples[i] ?? 0) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(power, 0))) / n;
}

/**
 * The strongest frequency between `minHz` and `maxHz`: a coarse Goertzel scan, then a 1 Hz
 * refinement around the best bin.
 * @example dominantFrequency(sineFloat(440, 16_000, 16_000), 16_000); // ≈ 440
 */
export function dominantFrequency(samples: ArrayLike<number>, rateHz: number, minHz = 50, maxHz = rateHz / 2 - 50): number {
  const coarseStepHz = Math.max(5, rateHz / Math.max(samples.length, 1));
  let bestHz = minHz;
  let best = -1;
  for (let hz = minHz; hz <= maxHz; hz += coarseStepHz) {
    const a = goertzelAmplitude(samples, hz, rateHz);
    if (a > best) [best, bestHz] = [a, hz];
  }
  const from = Math.max(minHz, bestHz - coarseStepHz);
  const to = Math.min(maxHz, bestHz + coarseStepHz);
  for (let hz = from; hz <= to; hz += 1) {
    const a = goertzelAmplitude(samples, hz, rateHz);
    if (a > best) [best, bestHz] = [a, hz];
  }
  return bestHz;
}

/**
 * What {@link analyseTone} found in a signal.
 * @example const { hz, levelDbfs }: ToneAnalysis = analyseTone(samples, 16_000);
 */
export interface ToneAnalysis {
  /** The strongest frequency, to 1 Hz. */
  readonly hz: number;
  /** Goertzel amplitude at that frequency (0–1 of full scale). */
  readonly amplitude: number;
  /** RMS level of the whole signal, dBFS. */
  readonly levelDbfs: number;
  /** Share of the signal's power in that one tone (1 = a pure sine). */
  readonly purity: number;
}

/**
 * Frequency, level and purity of the main tone in `samples`.
 * @example
 * const { hz, levelDbfs, purity } = analyseTone(s16leToFloat(frames), 16_000);
 * expect(Math.abs(hz - 440)).toBeLessThan(440 * 0.02);
 */
export function analyseTone(samples: ArrayLike<number>, rateHz: number): ToneAnalysis {
  const hz = dominantFrequency(samples, rateHz);
  const amplitude = goertzelAmplitude(samples, hz, rateHz);
  const total = rms(samples);
  const toneRms = amplitude / Math.SQRT2;
  return { hz, amplitude, levelDbfs: dbfs(samples), purity: total === 0 ? 0 : Math.min(1, (toneRms * toneRms) / (total * total)) };
}

/**
 * Fill `out` with a sine of `hz` at `amplitude` (0–1 of full scale) as signed 16-bit samples
 * (×32767, as {@link floatToS16le}), starting at absolute sample `offset`. The phase is computed
 * from the sample index, so consecutive calls with consecutive offsets join without a click.
 * @example fillSineS16(new Int16Array(320), 440, 16000, 0.5, 320 * frameNumber)
 */
export function fillSineS16(out: Int16Array, hz: number, rateHz: number, amplitude = 0.5, offset = 0): void {
  const scale = amplitude * (S16_FULL_SCALE - 1);
  for (let i = 0; i < out.length; i++) {
    // (hz·k mod rate)/rate keeps the argument small, so hours of tone stay exact.
    const cycle = ((hz * (offset + i)) % rateHz) / rateHz;
    out[i] = Math.round(scale * Math.sin(2 * Math.PI * cycle));
  }
}

/**
 * What a tone must be, for {@link isTone}.
 * @example isTone(analyseTone(samples, 16_000), { hz: 440, dbfs: -9 } satisfies ToneCriteria);
 */
export interface ToneCriteria {
  /** Its frequency; matched within 2 % (at least 5 Hz). */
  readonly hz: number;
  /** Its RMS level in dBFS, matched within 3 dB (a sine at amplitude A is `20·log10(A/√2)`). Omitted: any level above −40 dBFS. */
  readonly dbfs?: number;
}

/** Anything quieter is not a tone worth checking: the level of nothing at all. */
const AUDIBLE_DBFS = -40;
/** Share of the power the tone must carry. */
const MIN_PURITY = 0.9;

/**
 * Whether `heard` is the tone expected: frequency within 2 % (house style: Goertzel tone
 * detection both ways), clean (one tone carries 90 % of the power) and, when asked, its level
 * within 3 dB. The one test of "that tone was heard" for the fixtures and the CLI's scripts.
 * @example isTone(call.received.analyse({ fromMs: 500 }), { hz: 1000, dbfs: -9 })
 */
export function isTone(heard: ToneAnalysis, expected: ToneCriteria): boolean {
  const hzOk = Math.abs(heard.hz - expected.hz) <= Math.max(5, expected.hz * 0.02);
  const levelOk = expected.dbfs === undefined ? heard.levelDbfs > AUDIBLE_DBFS : Math.abs(heard.levelDbfs - expected.dbfs) <= 3;
  return hzOk && levelOk && heard.purity > MIN_PURITY;
}
