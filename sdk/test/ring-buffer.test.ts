import { describe, expect, test } from 'vitest';
import { RingBuffer } from '../src/audio/ring-buffer.js';

/** 1, 2, 3 … so every sample is identifiable after wrap-around. */
const ramp = (from: number, count: number): Float32Array => Float32Array.from({ length: count }, (_, i) => from + i);

describe('RingBuffer', () => {
  test('fills to capacity and drains in order', () => {
    const ring = new RingBuffer(8);
    expect(ring.availableRead).toBe(0);
    expect(ring.push(ramp(1, 8), 8)).toBe(0);
    expect(ring.availableRead).toBe(8);
    expect(ring.availableWrite).toBe(0);
    const out = new Float32Array(10);
    expect(ring.pop(out, 10)).toBe(8);
    expect(Array.from(out.subarray(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ring.availableRead).toBe(0);
    expect(ring.pop(out, 1)).toBe(0);
  });

  test('keeps order across the wrap-around for many odd-sized pushes and pops', () => {
    const ring = new RingBuffer(7);
    const out = new Float32Array(7);
    let next = 1;
    let expected = 1;
    for (let round = 0; round < 200; round++) {
      const n = (round % 4) + 1;
      ring.push(ramp(next, n), n);
      next += n;
      const got = ring.pop(out, (round % 3) + 2);
      for (let i = 0; i < got; i++) expect(out[i]).toBe(expected++);
    }
    expect(ring.droppedSamples).toBe(0);
  });

  test('overflow drops the oldest samples and counts them', () => {
    const ring = new RingBuffer(5);
    ring.push(ramp(1, 4), 4);
    expect(ring.push(ramp(5, 3), 3)).toBe(2);
    expect(ring.droppedSamples).toBe(2);
    const out = new Float32Array(5);
    expect(ring.pop(out, 5)).toBe(5);
    expect(Array.from(out)).toEqual([3, 4, 5, 6, 7]);
  });

  test('a push larger than the capacity keeps the newest samples', () => {
    const ring = new RingBuffer(3);
    ring.push(ramp(1, 2), 2);
    expect(ring.push(ramp(10, 5), 5)).toBe(4); // 2 of the input and the 2 buffered
    expect(ring.droppedSamples).toBe(4);
    const out = new Float32Array(3);
    ring.pop(out, 3);
    expect(Array.from(out)).toEqual([12, 13, 14]);
  });

  test('push and pop honour offsets; discard and clear skip without counting drops', () => {
    const ring = new RingBuffer(6);
    ring.push(ramp(1, 6), 3, 2); // 3, 4, 5
    const out = new Float32Array(4).fill(0);
    expect(ring.discard(1)).toBe(1);
    expect(ring.pop(out, 2, 1)).toBe(2);
    expect(Array.from(out)).toEqual([0, 4, 5, 0]);
    ring.push(ramp(1, 3), 3);
    ring.clear();
    expect(ring.availableRead).toBe(0);
    expect(ring.droppedSamples).toBe(0);
  });

  test('capacity must be a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(new RingBuffer(160).capacity).toBe(160);
  });
});
