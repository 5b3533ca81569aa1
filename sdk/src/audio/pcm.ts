/**
 * The one pair of conversions between signed 16-bit PCM (slin16 on the wire) and Web Audio's
 * Float32 samples. Everything else in the audio path calls these, so the scale is defined once.
 * @packageDocumentation
 */

/**
 * Divisor from s16 to float: −32768 becomes exactly −1.0 and 32767 becomes 32767/32768.
 * The asymmetric range of s16 means no single factor maps both ends to ±1; dividing by 32768
 * keeps every s16 value exactly representable and never exceeds [−1, 1).
 */
export const S16_TO_FLOAT_DIVISOR = 32_768;

/**
 * Multiplier from float to s16 after clamping to [−1, 1]: +1.0 becomes 32767 and −1.0 becomes
 * −32767, so a full-scale float sine never wraps around.
 */
export const FLOAT_TO_S16_SCALE = 32_767;

/**
 * Convert `count` s16 samples from `src[srcOffset]` on to floats in [−1, 1)
 * (÷{@link S16_TO_FLOAT_DIVISOR}) at `dst[dstOffset]` on. Offsets instead of `subarray()` views,
 * because a view is an allocation. Allocation-free: safe inside an AudioWorklet's `process()`.
 * Int16Array uses the platform's byte order; every browser platform is little-endian, as slin16 is.
 * @example s16ToFloat(new Int16Array(frameBytes), floats, FRAME_SAMPLES)
 */
export function s16ToFloat(src: Int16Array, dst: Float32Array, count: number, srcOffset = 0, dstOffset = 0): void {
  for (let i = 0; i < count; i++) dst[dstOffset + i] = (src[srcOffset + i] ?? 0) / S16_TO_FLOAT_DIVISOR;
}

/**
 * Convert `count` floats from `src[srcOffset]` on to s16 at `dst[dstOffset]` on: clamp to [−1, 1],
 * multiply by {@link FLOAT_TO_S16_SCALE} and round to the nearest integer. NaN becomes 0.
 * Allocation-free: safe inside `process()`.
 * @example floatToS16(frameFloats, new Int16Array(buffer), FRAME_SAMPLES)
 */
export function floatToS16(src: Float32Array, dst: Int16Array, count: number, srcOffset = 0, dstOffset = 0): void {
  for (let i = 0; i < count; i++) {
    const s = src[srcOffset + i] ?? 0;
    // Clamp first: Int16Array stores values modulo 2^16, so 1.01 would become a loud negative click.
    const clamped = s > 1 ? 1 : s < -1 ? -1 : Number.isNaN(s) ? 0 : s;
    dst[dstOffset + i] = Math.round(clamped * FLOAT_TO_S16_SCALE);
  }
}
