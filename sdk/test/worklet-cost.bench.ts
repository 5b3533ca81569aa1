/**
 * What our two worklets cost in the audio rendering thread, per second of a call (issue 22): the
 * exact code their `process()` runs (CaptureFramer, Playout with its jitter buffer and resampler)
 * and their port handlers' work, driven quantum by quantum as the render thread drives them, one
 * second of audio per iteration. Mean time per iteration = ms of CPU per second of call.
 *
 *     npx vitest bench --run --project node sdk/test/worklet-cost.bench.ts
 *
 * Same V8 as Chromium's worklet; what Chromium's own graph costs around them (the microphone's
 * source, the taps, the gain, the destination, the calls into JS) is measured by
 * `npm run bench -- --only browser` on the real thread. Figures: docs/performance.md.
 */
import { bench, describe } from 'vitest';
import { CaptureFramer, RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import { Playout } from '../src/audio/playout.js';
import { FRAME_MS, frameBytesOf, frameSamplesOf, type WireFormat } from '../src/wire-units.js';

const SECOND_MS = 1_000;

/** The capture worklet's second: every quantum of a talking microphone in, every frame taken. */
function captureSecond(rateHz: number, format: WireFormat): () => void {
  const framer = new CaptureFramer(rateHz, format);
  const quantum = new Float32Array(RENDER_QUANTUM_FRAMES);
  for (let i = 0; i < quantum.length; i++) quantum[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rateHz);
  const frame = format === 'slin16' || format === 'slin' ? new Int16Array(frameSamplesOf(format)) : new Uint8Array(frameSamplesOf(format));
  const quanta = Math.round(rateHz / RENDER_QUANTUM_FRAMES);
  return () => {
    for (let q = 0; q < quanta; q++) {
      framer.write(quantum);
      while (framer.framesReady > 0) framer.takeFrame(frame);
    }
  };
}

/** The playback worklet's second: a frame from the port every 20 ms, every quantum rendered. */
function playbackSecond(rateHz: number, format: WireFormat): () => void {
  const playout = new Playout(rateHz, format);
  const wire = new ArrayBuffer(frameBytesOf(format));
  const samples = new Int16Array(wire, 0, wire.byteLength >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8_000 * Math.sin(i / 3));
  const out = new Float32Array(RENDER_QUANTUM_FRAMES);
  const quantumMs = (RENDER_QUANTUM_FRAMES * SECOND_MS) / rateHz;
  const quanta = Math.round(rateHz / RENDER_QUANTUM_FRAMES);
  let clockMs = 0;
  let nextFrameMs = 0;
  return () => {
    for (let q = 0; q < quanta; q++, clockMs += quantumMs) {
      for (; nextFrameMs <= clockMs; nextFrameMs += FRAME_MS) playout.writeWire(wire, clockMs);
      playout.render(out, RENDER_QUANTUM_FRAMES);
    }
  };
}

for (const rateHz of [44_100, 48_000]) {
  describe(`one second of a slin16 call at ${rateHz} Hz`, () => {
    bench('capture worklet (resample to 16 kHz, 20 ms frames)', captureSecond(rateHz, 'slin16'), { time: 2_000 });
    bench('playback worklet (jitter buffer, resample to the device)', playbackSecond(rateHz, 'slin16'), { time: 2_000 });
  });
}
describe('one second of a G.711 call at 48000 Hz', () => {
  bench('capture worklet (resample to 8 kHz, μ-law)', captureSecond(48_000, 'ulaw'), { time: 2_000 });
  bench('playback worklet (μ-law, jitter buffer, resample)', playbackSecond(48_000, 'ulaw'), { time: 2_000 });
});
