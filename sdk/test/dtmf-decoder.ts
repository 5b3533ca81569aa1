/**
 * A test-side DTMF receiver: finds the tone bursts in a signal by level, and names each by the two
 * strongest of the eight DTMF frequencies (Goertzel), as a receiver such as Asterisk's dsp.c does.
 * Shared by the Node and browser tests, so it imports only the tone tools (no Node APIs).
 */
import { goertzelAmplitude, rms } from '../../e2e/src/tones.js';
import { DTMF_COLUMN_HZ, DTMF_DIGITS, DTMF_ROW_HZ } from '../src/audio/dtmf.js';

/** Level windows: a tone is where the 1 ms RMS is above the threshold. */
const BLOCK_MS = 1;
/** Left out at each end of a tone before the Goertzel analysis (its ramps, and window edges). */
const EDGE_MS = 5;

/** One tone burst found in the signal. */
export interface DecodedTone {
  readonly digit: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** Goertzel amplitudes of the row and column tones (a sine of amplitude A gives about A). */
  readonly rowAmplitude: number;
  readonly columnAmplitude: number;
  /** How far the weaker of the pair stands above the third-strongest DTMF frequency, dB. */
  readonly marginDb: number;
}

/** What {@link decodeDtmf} found. */
export interface DtmfDecoding {
  readonly digits: string;
  readonly tones: readonly DecodedTone[];
  /** Silence between consecutive tones, ms. */
  readonly gapsMs: readonly number[];
}

/**
 * Decode the DTMF in `samples`: bursts above `thresholdRms`, each named by its two strongest
 * DTMF frequencies. A burst whose two strongest are not one row and one column decodes as `?`.
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
  const tones = bursts.map(({ start, end }): DecodedTone => {
    const body = samples.subarray(start + edge, Math.max(start + edge, end - edge));
    const levels = [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ].map((hz, i) => ({ i, amplitude: goertzelAmplitude(body, hz, rateHz) }));
    const [first, second, third] = [...levels].sort((a, b) => b.amplitude - a.amplitude);
    const rows = DTMF_ROW_HZ.length;
    const pair = [first, second].sort((a, b) => (a?.i ?? 0) - (b?.i ?? 0));
    const row = pair[0]?.i ?? 0;
    const column = (pair[1]?.i ?? 0) - rows;
    const valid = row < rows && column >= 0;
    return {
      digit: valid ? (DTMF_DIGITS[row * DTMF_COLUMN_HZ.length + column] ?? '?') : '?',
      startMs: toMs(start),
      durationMs: toMs(end - start),
      rowAmplitude: pair[0]?.amplitude ?? 0,
      columnAmplitude: pair[1]?.amplitude ?? 0,
      marginDb: 20 * Math.log10((second?.amplitude ?? 0) / Math.max(third?.amplitude ?? 0, 1e-9)),
    };
  });
  const gapsMs = bursts.slice(1).map((b, i) => toMs(b.start - (bursts[i]?.end ?? 0)));
  return { digits: tones.map((t) => t.digit).join(''), tones, gapsMs };
}
