/**
 * Mixing two voices of a call in its own codec, the one place the gateway adds audio (a fork's
 * service speaking back, a supervisor's ear and voice): decode to s16, add with clipping, encode.
 * The gateway relays audio unchanged everywhere else; here it must decode, because µ-law and
 * A-law bytes cannot be added. Every function writes into buffers the caller owns, so the audio
 * path allocates nothing per frame (as a worklet's `process()`, house style §7).
 * @packageDocumentation
 */
import { decodeG711, encodeG711 } from '@gag/sdk/g711';
import type { WireFormat } from '@gag/sdk/protocol';

/** The loudest s16 sample: a sum past it is held here, never wrapped to the other sign. */
export const S16_MAX = 32_767;
/** The quietest s16 sample. */
export const S16_MIN = -32_768;

/** `a + b` held to the s16 range (clipping: a wrapped sum would be a loud click of the other sign). */
export const addClipped = (a: number, b: number): number => {
  const sum = a + b;
  return sum > S16_MAX ? S16_MAX : sum < S16_MIN ? S16_MIN : sum;
};

/**
 * Decode `count` samples of `format` from `src[srcByte]` on into `dst[dstOffset]` on.
 * @example decodeInto('ulaw', frame, 0, samples, 0, 160);
 */
export function decodeInto(format: WireFormat, src: Uint8Array, srcByte: number, dst: Int16Array, dstOffset: number, count: number): void {
  if (format === 'ulaw' || format === 'alaw') return decodeG711(format, src, dst, count, srcByte, dstOffset);
  // s16le, read byte by byte: `src` may start at any byte of a pooled buffer, so no Int16Array view.
  for (let i = 0; i < count; i++) {
    const at = srcByte + 2 * i;
    const u = (src[at] ?? 0) | ((src[at + 1] ?? 0) << 8);
    dst[dstOffset + i] = u >= 0x8000 ? u - 0x10000 : u;
  }
}

/**
 * Encode `count` samples from `src[srcOffset]` on into `dst[dstByte]` on, in `format`.
 * @example encodeInto('slin16', samples, 0, frame, 0, 320);
 */
export function encodeInto(format: WireFormat, src: Int16Array, srcOffset: number, dst: Uint8Array, dstByte: number, count: number): void {
  if (format === 'ulaw' || format === 'alaw') return encodeG711(format, src, dst, count, srcOffset, dstByte);
  for (let i = 0; i < count; i++) {
    const s = src[srcOffset + i] ?? 0;
    const at = dstByte + 2 * i;
    dst[at] = s & 0xff;
    dst[at + 1] = (s >> 8) & 0xff;
  }
}

/**
 * Add `count` samples of `src` (from `srcOffset`) into `dst` (from `dstOffset`), clipped.
 * @example addInto(ear, 0, agentSamples, 0, 320);
 */
export function addInto(dst: Int16Array, dstOffset: number, src: Int16Array, srcOffset: number, count: number): void {
  for (let i = 0; i < count; i++) dst[dstOffset + i] = addClipped(dst[dstOffset + i] ?? 0, src[srcOffset + i] ?? 0);
}
