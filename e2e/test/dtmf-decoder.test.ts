/**
 * The DTMF receiver (src/dtmf.ts) on signals built here, as a phone sends them: key tones
 * replacing a loud microphone, with no silence between the microphone and the first key.
 */
import { describe, expect, it } from 'vitest';
import { DTMF_KEYS, decodeDtmf, sineFloat } from '../src/index.js';

const RATE_HZ = 16_000;
const ROW_HZ = [697, 770, 852, 941];
const COLUMN_HZ = [1209, 1336, 1477, 1633];

/** One key: its row and column sines at 0.4 each, for `ms`. */
function key(digit: string, ms = 100): Float32Array {
  const i = DTMF_KEYS.indexOf(digit);
  const n = (ms * RATE_HZ) / 1000;
  const row = sineFloat(ROW_HZ[Math.floor(i / 4)]!, RATE_HZ, n, 0.4);
  const column = sineFloat(COLUMN_HZ[i % 4]!, RATE_HZ, n, 0.4);
  return row.map((s, j) => s + (column[j] ?? 0));
}

const silence = (ms: number): Float32Array => new Float32Array((ms * RATE_HZ) / 1000);
const mic = (ms: number): Float32Array => sineFloat(1_000, RATE_HZ, (ms * RATE_HZ) / 1000, 0.5);
const join = (...parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

describe('decodeDtmf', () => {
  it('names each key between silences, with its duration and the gaps', () => {
    const decoded = decodeDtmf(join(silence(50), key('1'), silence(60), key('#'), silence(60)), RATE_HZ);
    expect(decoded.digits).toBe('1#');
    expect(decoded.tones.map((t) => Math.round(t.durationMs))).toEqual([100, 100]);
    expect(decoded.gapsMs.map(Math.round)).toEqual([60]);
  });

  it('finds the keys when a loud microphone runs straight into the first one and comes back after the last', () => {
    const signal = join(mic(1_000), key('1'), silence(60), key('5'), silence(60), key('9'), silence(60), key('#'), silence(60), mic(500));
    const decoded = decodeDtmf(signal, RATE_HZ);
    expect(decoded.digits).toBe('159#');
    // The first key is found inside the microphone's stretch, within a window of its true length.
    expect(Math.abs((decoded.tones[0]?.startMs ?? 0) - 1_000)).toBeLessThanOrEqual(20);
    expect(decoded.tones[0]?.durationMs).toBeGreaterThanOrEqual(80);
  });

  it('finds no key in a microphone tone alone, however long', () => {
    expect(decodeDtmf(mic(2_000), RATE_HZ).digits).toBe('');
  });

  it('names a burst of two column tones ? (not a key)', () => {
    const columns = sineFloat(1_209, RATE_HZ, 1_600, 0.4).map((s, i) => s + 0.4 * Math.sin((2 * Math.PI * 1_477 * i) / RATE_HZ));
    expect(decodeDtmf(join(silence(20), columns, silence(20)), RATE_HZ).digits).toBe('?');
  });

  it('works at 8 kHz too (slin, ulaw, alaw calls)', () => {
    const eight = (s: Float32Array): Float32Array => s.filter((_, i) => i % 2 === 0);
    expect(decodeDtmf(eight(join(mic(300), key('7'), silence(60), key('0'), silence(60))), 8_000).digits).toBe('70');
  });
});
