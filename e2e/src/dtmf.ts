/**
 * A DTMF receiver for tests: finds the key tones in a signal and names each by the two strongest
 * of the eight DTMF frequencies (Goertzel), as a receiver such as Asterisk's dsp.c does, so the
 * in-band DTMF a phone sends can be checked in the audio Asterisk received. The one detector of
 * the repository: the SDK's Node and browser tests use it too, so it imports only the tone tools
 * (no Node APIs).
 * @packageDocumentation
 */
import { goertzelAmplitude, rms } from './tones.js';

/**
 * The sixteen keys in the order of the row × column frequencies (ITU-T Q.23). The receiver keeps
 * its own table rather than the SDK generator's: a check must not share the constants it checks.
 * @example DTMF_KEYS.indexOf('5'); // 5: row 1 (770 Hz), column 1 (1336 Hz)
 */
export const DTMF_KEYS = '123A456B789C*0#D';
const ROW_HZ = [697, 770, 852, 941] as const;
const COLUMN_HZ = [1209, 1336, 1477, 1633] as const;
const ALL_HZ = [...ROW_HZ, ...COLUMN_HZ];

/** Level windows: a tone is where the 1 ms RMS is above the threshold. */
const BLOCK_MS = 1;
/** Left out at each end of a tone before the Goertzel analysis (its ramps, and window edges). */
const EDGE_MS = 5;
/**
 * A key tone's row and column carry at least this share of its power. A burst below it holds
 * something else too (a microphone tone right before the first key, with no silence between): it
 * is searched window by window for the stretches that are DTMF.
 */
const MIN_PAIR_SHARE = 0.8;
/** The search windows: 20 ms tells 941 Hz from a 1 kHz microphone tone; 5 ms steps. */
const WINDOW_MS = 20;
const STEP_MS = 5;
/** Asterisk's dsp.c wants a key on for at least 40 ms; a stretch of windows spanning 30 ms counts. */
const MIN_STRETCH_MS = 30;

/**
 * One key tone found in the signal.
 * @example for (const t of decodeDtmf(samples, 8_000).tones) console.log(t.digit, t.startMs, t.durationMs);
 */
export interface DecodedTone {
  /** The key, or `?` when the two strongest frequencies are not one row and one column. */
  readonly digit: string;
  /** Where the tone starts in the signal, ms. */
  readonly startMs: number;
  /** How long it lasts, ms. */
  readonly durationMs: number;
  /** Goertzel amplitudes of the row and column tones (a sine of amplitude A gives about A). */
  readonly rowAmplitude: number;
  /** The column tone's amplitude, as `rowAmplitude`. */
  readonly columnAmplitude: number;
  /** How far the weaker of the pair stands above the third-strongest DTMF frequency, dB. */
  readonly marginDb: number;
}

/**
 * What {@link decodeDtmf} found.
 * @example expect(decodeDtmf(s16leToFloat(bytes), 8_000).digits).toBe('123#');
 */
export interface DtmfDecoding {
  /** The keys in order, e.g. `'123#'`. */
  readonly digits: string;
  /** Each tone found, in order. */
  readonly tones: readonly DecodedTone[];
  /** Silence between consecutive tones, ms. */
  readonly gapsMs: readonly number[];
}

/** The pair of strongest DTMF frequencies in `body`, and their share of its power. */
function classify(body: Float32Array, rateHz: number): Omit<DecodedTone, 'startMs' | 'durationMs'> & { share: number } {
  const levels = ALL_HZ.map((hz, i) => ({ i, amplitude: goertzelAmplitude(body, hz, rateHz) }));
  const [first, second, third] = [...levels].sort((a, b) => b.amplitude - a.amplitude);
  const pair = [first, second].sort((a, b) => (a?.i ?? 0) - (b?.i ?? 0));
  const row = pair[0]?.i ?? 0;
  const column = (pair[1]?.i ?? 0) - ROW_HZ.length;
  const valid = row < ROW_HZ.length && column >= 0;
  const rowAmplitude = pair[0]?.amplitude ?? 0;
  const columnAmplitude = pair[1]?.amplitude ?? 0;
  const power = rms(body) ** 2;
  return {
    digit: valid ? (DTMF_KEYS[row * COLUMN_HZ.length + column] ?? '?') : '?',
    rowAmplitude,
    columnAmplitude,
    marginDb: 20 * Math.log10((second?.amplitude ?? 0) / Math.max(third?.amplitude ?? 0, 1e-9)),
    share: power === 0 ? 0 : (rowAmplitude ** 2 + columnAmplitude ** 2) / 2 / power,
  };
}

/** The stretches of `burst` that are one key each, found window by window. */
function keysIn(samples: Float32Array, start: number, end: number, rateHz: number): Array<{ start: number; end: number }> {
  const window = Math.round((WINDOW_MS * rateHz) / 1000);
  const step = Math.round((STEP_MS * rateHz) / 1000);
  const stretches: Array<{ start: number; end: number; digit: string }> = [];
  for (let at = start; at + window <= end; at += step) {
    const found = classify(samples.subarray(at, at + window), rateHz);
    const digit = found.digit !== '?' && found.share >= MIN_PAIR_SHARE ? found.digit : undefined;
    const last = stretches.at(-1);
    if (digit === undefined) continue;
    if (last !== undefined && last.digit === digit && last.end >= at) last.end = at + window;
    else stretches.push({ start: at, end: at + window, digit });
  }
  const minSamples = (MIN_STRETCH_MS * rateHz) / 1000;
  return stretches.filter((s) => s.end - s.start >= minSamples);
}

/**
 * Decode the DTMF in `samples`: bursts above `thresholdRms`, each named by its two strongest DTMF
 * frequencies. A burst that is not all DTMF (a loud microphone running into the first key) gives
 * the keys found inside it; what is left of it is no key.
 * @example decodeDtmf(call.received.samples(), 16_000).digits // '123#'
 */
export function decodeDtmf(samples: Float32Array, rateHz: number, thresholdRms = 0.1): DtmfDecoding {
  const block = Math.round((BLOCK_MS * rateHz) / 1000);
  const toMs = (i: number): number => (i * 1000) / rateHz;
  const bursts: { start: number; end: number }[] = [];
  let start = -1;
  for (let at = 0; at + block <= samples.length; at += block) {
    const active = rms(samples.subarray(at, at + block)) > thresholdRms;
    if (active && start < 0) start = at;
    if (!active && start >= 0) {
      bursts.push({ start, end: at });
      start = -1;
    }
  }
  if (start >= 0) bursts.push({ start, end: samples.length });

  const edge = Math.round((EDGE_MS * rateHz) / 1000);
  const spans: { start: number; end: number }[] = [];
  for (const burst of bursts) {
    const body = samples.subarray(burst.start + edge, Math.max(burst.start + edge, burst.end - edge));
    if (classify(body, rateHz).share >= MIN_PAIR_SHARE) spans.push(burst);
    else spans.push(...keysIn(samples, burst.start, burst.end, rateHz));
  }
  const tones = spans.map(({ start, end }): DecodedTone => {
    const { share: _share, ...found } = classify(samples.subarray(start + edge, Math.max(start + edge, end - edge)), rateHz);
    return { ...found, startMs: toMs(start), durationMs: toMs(end - start) };
  });
  const gapsMs = spans.slice(1).map((s, i) => toMs(s.start - (spans[i]?.end ?? 0)));
  return { digits: tones.map((t) => t.digit).join(''), tones, gapsMs };
}
