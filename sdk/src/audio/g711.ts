/**
 * G.711 µ-law and A-law (ITU-T G.711), the 8 kHz codecs of `c(ulaw)` and `c(alaw)`: one byte a
 * sample. The tables are built once, when the module loads; encoding and decoding are then one
 * lookup a sample, allocation-free, so they run inside an AudioWorklet's `process()`. The
 * algorithms are those of the reference `g711.c` (Sun Microsystems, public domain) that Asterisk
 * and most telephony stacks share, so a byte means here what it means in Asterisk.
 * @packageDocumentation
 */

/** The two G.711 laws. */
export type G711Law = 'ulaw' | 'alaw';

const SIGN_BIT = 0x80;
const QUANT_MASK = 0x0f;
const SEG_SHIFT = 4;
const SEG_MASK = 0x70;
/** µ-law's bias, added before the segment search (G.711 §2). */
const ULAW_BIAS = 0x84;
/** Largest µ-law magnitude in 14-bit units: 8159 + bias fits the top segment. */
const ULAW_CLIP_14 = 8_159;
/** Segment end points of µ-law (14-bit magnitude + bias) and A-law (13-bit magnitude). */
const ULAW_SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff] as const;
const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff] as const;
/** µ-law keeps 14 of the 16 bits, A-law 13: the encode tables are indexed by the s16 shifted right. */
const ULAW_SHIFT = 2;
const ALAW_SHIFT = 3;

function segmentOf(value: number, ends: readonly number[]): number {
  for (let seg = 0; seg < ends.length; seg++) if (value <= (ends[seg] ?? 0)) return seg;
  return ends.length;
}

function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & QUANT_MASK) << 3) + ULAW_BIAS) << ((u & SEG_MASK) >> SEG_SHIFT);
  return u & SIGN_BIT ? ULAW_BIAS - t : t - ULAW_BIAS;
}

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const seg = (a & SEG_MASK) >> SEG_SHIFT;
  let t = (a & QUANT_MASK) << 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << (seg - 1);
  return a & SIGN_BIT ? t : -t;
}

/** µ-law of a 14-bit sample (the s16 >> 2). */
function linear14ToUlaw(value14: number): number {
  let v = value14;
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  if (v > ULAW_CLIP_14) v = ULAW_CLIP_14;
  v += ULAW_BIAS >> 2;
  const seg = segmentOf(v, ULAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & QUANT_MASK)) ^ mask;
}

/** A-law of a 13-bit sample (the s16 >> 3). */
function linear13ToAlaw(value13: number): number {
  let v = value13;
  let mask = 0xd5;
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segmentOf(v, ALAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  const quant = seg < 2 ? (v >> 1) & QUANT_MASK : (v >> seg) & QUANT_MASK;
  return ((seg << 4) | quant) ^ mask;
}

function buildDecode(decode: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let b = 0; b < 256; b++) table[b] = decode(b);
  return table;
}

/** Encode table indexed by `(s16 >> shift) + offset`, covering every s16. */
function buildEncode(shift: number, encode: (value: number) => number): Uint8Array {
  const size = 1 << (16 - shift);
  const offset = size >> 1;
  const table = new Uint8Array(size);
  for (let i = 0; i < size; i++) table[i] = encode(i - offset);
  return table;
}

/** µ-law byte → s16 (e.g. 0x00 → −32124, 0x80 → 32124, 0xFF → 0). */
export const ULAW_TO_S16: Readonly<Int16Array> = buildDecode(ulawToLinear);
/** A-law byte → s16 (e.g. 0xD5 → 8, 0x55 → −8). */
export const ALAW_TO_S16: Readonly<Int16Array> = buildDecode(alawToLinear);
const S16_TO_ULAW = buildEncode(ULAW_SHIFT, linear14ToUlaw);
const S16_TO_ALAW = buildEncode(ALAW_SHIFT, linear13ToAlaw);
const ULAW_OFFSET = 1 << (15 - ULAW_SHIFT);
const ALAW_OFFSET = 1 << (15 - ALAW_SHIFT);

/** µ-law byte of one s16 sample (an integer in −32768…32767). @example s16ToUlaw(0) // 0xFF */
export const s16ToUlaw = (s16: number): number => S16_TO_ULAW[(s16 >> ULAW_SHIFT) + ULAW_OFFSET] ?? 0xff;
/** A-law byte of one s16 sample (an integer in −32768…32767). @example s16ToAlaw(8) // 0xD5 */
export const s16ToAlaw = (s16: number): number => S16_TO_ALAW[(s16 >> ALAW_SHIFT) + ALAW_OFFSET] ?? 0xd5;

/**
 * Encode `count` s16 samples from `src[srcOffset]` on into G.711 bytes at `dst[dstOffset]` on.
 * Allocation-free: safe inside `process()`.
 * @example encodeG711('ulaw', s16Frame, ulawFrame, 160)
 */
export function encodeG711(law: G711Law, src: Int16Array, dst: Uint8Array, count: number, srcOffset = 0, dstOffset = 0): void {
  const table = law === 'ulaw' ? S16_TO_ULAW : S16_TO_ALAW;
  const shift = law === 'ulaw' ? ULAW_SHIFT : ALAW_SHIFT;
  const offset = law === 'ulaw' ? ULAW_OFFSET : ALAW_OFFSET;
  for (let i = 0; i < count; i++) dst[dstOffset + i] = table[((src[srcOffset + i] ?? 0) >> shift) + offset] ?? 0;
}

/**
 * Decode `count` G.711 bytes from `src[srcOffset]` on into s16 samples at `dst[dstOffset]` on.
 * Allocation-free.
 * @example decodeG711('alaw', alawFrame, s16Frame, 160)
 */
export function decodeG711(law: G711Law, src: Uint8Array, dst: Int16Array, count: number, srcOffset = 0, dstOffset = 0): void {
  const table = law === 'ulaw' ? ULAW_TO_S16 : ALAW_TO_S16;
  for (let i = 0; i < count; i++) dst[dstOffset + i] = table[src[srcOffset + i] ?? 0] ?? 0;
}
