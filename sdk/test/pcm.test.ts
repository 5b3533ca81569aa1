import { describe, expect, test } from 'vitest';
import { FLOAT_TO_S16_SCALE, S16_TO_FLOAT_DIVISOR, floatToS16, s16ToFloat } from '../src/audio/pcm.js';

describe('s16 ↔ float conversion', () => {
  test('s16 scales by 1/32768: −32768 is −1.0, 32767 is 32767/32768, 0 is 0', () => {
    const out = new Float32Array(4);
    s16ToFloat(Int16Array.of(-32_768, 32_767, 0, 16_384), out, 4);
    expect(Array.from(out)).toEqual([-1, 32_767 / 32_768, 0, 0.5]);
    expect(S16_TO_FLOAT_DIVISOR).toBe(32_768);
  });

  test('floats scale by 32767 and round: ±1.0 become ±32767', () => {
    const out = new Int16Array(5);
    floatToS16(Float32Array.of(1, -1, 0, 0.5, -0.25), out, 5);
    expect(Array.from(out)).toEqual([32_767, -32_767, 0, 16_384, -8_192]);
    expect(FLOAT_TO_S16_SCALE).toBe(32_767);
  });

  test('out-of-range floats clamp instead of wrapping around, and NaN becomes silence', () => {
    const out = new Int16Array(4);
    floatToS16(Float32Array.of(1.5, -7, Number.NaN, Number.POSITIVE_INFINITY), out, 4);
    expect(Array.from(out)).toEqual([32_767, -32_767, 0, 32_767]);
  });

  test('every s16 value survives s16 → float → s16 within one step, and small values exactly', () => {
    const all = new Int16Array(65_536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32_768;
    const floats = new Float32Array(all.length);
    const back = new Int16Array(all.length);
    s16ToFloat(all, floats, all.length);
    floatToS16(floats, back, all.length);
    let worst = 0;
    for (let i = 0; i < all.length; i++) worst = Math.max(worst, Math.abs((back[i] ?? 0) - (all[i] ?? 0)));
    expect(worst).toBe(1); // the 32767-vs-32768 asymmetry costs at most one step near full scale
    for (let v = -16_000; v <= 16_000; v++) expect(back[v + 32_768]).toBe(v);
  });

  test('only count samples are converted, at the given offsets', () => {
    const out = new Float32Array(4).fill(9);
    s16ToFloat(Int16Array.of(0, 0, 16_384, 16_384), out, 2, 2, 1);
    expect(Array.from(out)).toEqual([9, 0.5, 0.5, 9]);
    const s16 = new Int16Array(3).fill(7);
    floatToS16(Float32Array.of(0, 1, 1), s16, 1, 1, 2);
    expect(Array.from(s16)).toEqual([7, 7, 32_767]);
  });
});
