import { describe, expect, it } from 'vitest';
import { ALAW_TO_S16, ULAW_TO_S16, decodeG711, encodeG711, s16ToAlaw, s16ToUlaw } from '../src/audio/g711.js';

describe('G.711', () => {
  it('decodes µ-law bytes to the values of the G.711 table', () => {
    expect(ULAW_TO_S16[0x00]).toBe(-32124);
    expect(ULAW_TO_S16[0x80]).toBe(32124);
    expect(ULAW_TO_S16[0xff]).toBe(0);
    expect(ULAW_TO_S16[0x7f]).toBe(0);
    expect(ULAW_TO_S16[0xfe]).toBe(8);
    expect(ULAW_TO_S16[0x7e]).toBe(-8);
    expect(ULAW_TO_S16[0xf0]).toBe(120);
  });

  it('decodes A-law bytes to the values of the G.711 table', () => {
    expect(ALAW_TO_S16[0xd5]).toBe(8);
    expect(ALAW_TO_S16[0x55]).toBe(-8);
    expect(ALAW_TO_S16[0xaa]).toBe(32256);
    expect(ALAW_TO_S16[0x2a]).toBe(-32256);
    expect(ALAW_TO_S16[0x80]).toBe(-5504 * -1); // 0x80 ^ 0x55 = 0xd5: segment 5, positive
  });

  it('every byte survives decode then encode (the laws are their own inverse on their codes)', () => {
    for (let b = 0; b < 256; b++) {
      // µ-law has two codes for zero (0x7F and 0xFF); both decode to 0, which encodes as 0xFF.
      const u = s16ToUlaw(ULAW_TO_S16[b] ?? 0);
      expect(ULAW_TO_S16[u]).toBe(ULAW_TO_S16[b]);
      expect(s16ToAlaw(ALAW_TO_S16[b] ?? 0)).toBe(b);
    }
  });

  it('round-trips every s16 within the quantisation step of its segment', () => {
    for (let s = -32768; s <= 32767; s++) {
      const u = ULAW_TO_S16[s16ToUlaw(s)] ?? 0;
      const a = ALAW_TO_S16[s16ToAlaw(s)] ?? 0;
      const mag = Math.abs(s);
      // Within one quantisation step: steps double per segment, 1/16 to 1/32 of the magnitude
      // (the reference's floor shift moves negative samples by up to one step at a boundary).
      // Beyond the top code (µ-law 32124, A-law 32256) the error is the clipping itself.
      const clippedU = Math.min(mag, 32124);
      const clippedA = Math.min(mag, 32256);
      expect(Math.abs(Math.abs(u) - clippedU), `ulaw ${s}`).toBeLessThanOrEqual(Math.max(8, clippedU / 16) + 4);
      expect(Math.abs(Math.abs(a) - clippedA), `alaw ${s}`).toBeLessThanOrEqual(Math.max(16, clippedA / 16) + 4);
      if (mag > 64) {
        expect(Math.sign(u), `ulaw sign ${s}`).toBe(Math.sign(s));
        expect(Math.sign(a), `alaw sign ${s}`).toBe(Math.sign(s));
      }
    }
  });

  it('encodes and decodes arrays with offsets', () => {
    const src = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const bytes = new Uint8Array(7);
    encodeG711('ulaw', src, bytes, 5, 0, 2);
    const back = new Int16Array(5);
    decodeG711('ulaw', bytes, back, 5, 2);
    expect([...back]).toEqual([0, 988, -988, 32124, -32124]);
    encodeG711('alaw', src, bytes, 5);
    decodeG711('alaw', bytes, back, 5);
    expect([...back]).toEqual([8, 1008, -1008, 32256, -32256]);
  });
});
