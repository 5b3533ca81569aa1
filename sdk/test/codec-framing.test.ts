import { describe, expect, it } from 'vitest';
import { analyseTone, fillSineS16, sineFloat } from '@gag/e2e/tones';
import { CaptureFramer, RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { decodeG711, encodeG711 } from '../src/audio/g711.js';
import { Playout } from '../src/audio/playout.js';
import { frameBytesOf, frameSamplesOf, wholeFramesOf } from '../src/wire-units.js';

describe('frame sizes per format', () => {
  it('is 640, 320, 160 and 160 bytes for 20 ms of slin16, slin, ulaw and alaw', () => {
    expect([frameBytesOf('slin16'), frameBytesOf('slin'), frameBytesOf('ulaw'), frameBytesOf('alaw')]).toEqual([640, 320, 160, 160]);
    expect([frameSamplesOf('slin16'), frameSamplesOf('slin'), frameSamplesOf('ulaw')]).toEqual([320, 160, 160]);
    expect(wholeFramesOf('ulaw', 480)).toBe(3);
    expect(wholeFramesOf('ulaw', 161)).toBe(0);
    expect(wholeFramesOf('slin16', 0)).toBe(0);
  });
});

describe('CaptureFramer in ulaw at 48 kHz', () => {
  it('makes one 160-byte frame per 20 ms, decoding to the microphone tone at 8 kHz', () => {
    const framer = new CaptureFramer(48_000, 'ulaw');
    const quanta = Math.ceil(48_000 / RENDER_QUANTUM_FRAMES); // 1 s
    const input = sineFloat(1_000, 48_000, quanta * RENDER_QUANTUM_FRAMES, 0.5);
    const frames: Uint8Array[] = [];
    for (let q = 0; q < quanta; q++) {
      framer.write(input.subarray(q * RENDER_QUANTUM_FRAMES, (q + 1) * RENDER_QUANTUM_FRAMES));
      for (let frame = new Uint8Array(160); framer.takeFrame(frame); frame = new Uint8Array(160)) frames.push(frame);
    }
    expect(frames.length).toBeGreaterThanOrEqual(49);
    const s16 = new Int16Array(frames.length * 160);
    frames.forEach((f, i) => decodeG711('ulaw', f, s16, 160, 0, i * 160));
    const tone = analyseTone(Float32Array.from(s16.subarray(160), (s) => s / 32_768), 8_000);
    expect(Math.abs(tone.hz - 1_000)).toBeLessThanOrEqual(20);
    expect(tone.amplitude).toBeCloseTo(0.5, 1);
  });
});

describe('Playout of alaw at 44.1 kHz', () => {
  it('takes 160-byte frames off the wire and plays them at the device rate', () => {
    const playout = new Playout(44_100, 'alaw');
    const s16 = new Int16Array(25 * 160);
    fillSineS16(s16, 440, 8_000, 0.5);
    const wire = new Uint8Array(s16.length);
    encodeG711('alaw', s16, wire, s16.length);
    const out = new Float32Array(44_100 / 2);
    const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
    let written = 0;
    for (let i = 0; i + RENDER_QUANTUM_FRAMES <= out.length; i += RENDER_QUANTUM_FRAMES) {
      const nowMs = (i * 1000) / 44_100;
      while (written < 25 && written * 20 <= nowMs) {
        playout.writeWire(wire.slice(written * 160, (written + 1) * 160).buffer, nowMs);
        written++;
      }
      playout.render(quantum, RENDER_QUANTUM_FRAMES);
      out.set(quantum, i);
    }
    expect(playout.stats().framesReceived).toBe(25);
    const tone = analyseTone(out.subarray(Math.round(0.1 * 44_100), Math.round(0.4 * 44_100)), 44_100);
    expect(Math.abs(tone.hz - 440)).toBeLessThanOrEqual(9);
    expect(tone.amplitude).toBeCloseTo(0.5, 1);
  });
});
