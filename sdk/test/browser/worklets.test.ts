import { describe, expect, test } from 'vitest';
import { analyseTone, decodeDtmf, fillSineS16, goertzelAmplitude, sineFloat } from '@gag/e2e/tones';
import { CaptureFramer, RENDER_QUANTUM_FRAMES } from '../../src/audio/capture-framer.js';
import { DTMF_GAP_MS, DTMF_TONE_MS, DtmfGenerator } from '../../src/audio/dtmf.js';
import { JITTER_MIN_TARGET_MS } from '../../src/audio/jitter-estimator.js';
import { JITTER_START_MARGIN_MS } from '../../src/audio/jitter-buffer.js';
import { s16ToFloat } from '../../src/audio/pcm.js';
import { levelDbfs } from '../../src/call-quality.js';
import { FRAME_BYTES, FRAME_MS, FRAME_SAMPLES, WIRE_RATE_HZ } from '../../src/wire-units.js';
import { runCapture, runPlayback } from './offline-worklets.js';

const MIC_HZ = 1_000;
const MIC_AMPLITUDE = 0.5;
const dB = (ratio: number): number => 20 * Math.log10(ratio);

/** The frames as one float signal at the wire rate. */
function wireSignal(frames: readonly Int16Array[]): Float32Array {
  const out = new Float32Array(frames.length * FRAME_SAMPLES);
  frames.forEach((frame, i) => s16ToFloat(frame, out, FRAME_SAMPLES, 0, i * FRAME_SAMPLES));
  return out;
}

/** A 1 kHz OscillatorNode at `amplitude`, started at 0: the microphone. */
const oscillator = (amplitude: number) => (context: OfflineAudioContext): AudioNode => {
  const source = new OscillatorNode(context, { frequency: MIC_HZ });
  const gain = new GainNode(context, { gain: amplitude });
  source.connect(gain);
  source.start(0);
  return gain;
};

/** What the capture path makes of an ideal sine in `seconds` at `rateHz`: the reference for contiguity. */
function referenceFrames(rateHz: number, seconds: number, amplitude: number): Float32Array {
  const framer = new CaptureFramer(rateHz);
  const quanta = Math.ceil((seconds * rateHz) / RENDER_QUANTUM_FRAMES); // an OfflineAudioContext renders whole quanta
  const input = sineFloat(MIC_HZ, rateHz, quanta * RENDER_QUANTUM_FRAMES, amplitude);
  const frames: Int16Array[] = [];
  for (let q = 0; q < quanta; q++) {
    framer.write(input.subarray(q * RENDER_QUANTUM_FRAMES, (q + 1) * RENDER_QUANTUM_FRAMES));
    for (let frame = new Int16Array(FRAME_SAMPLES); framer.takeFrame(frame); frame = new Int16Array(FRAME_SAMPLES)) frames.push(frame);
  }
  return wireSignal(frames);
}

const maxDifference = (a: Float32Array, b: Float32Array): number => a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] ?? NaN))), 0);

describe.each([44_100, 48_000])('worklets in Chromium at %i Hz (OfflineAudioContext)', (rateHz) => {
  test('gag-capture turns a 1 kHz OscillatorNode into contiguous FRAME_BYTES frames carrying 1 kHz at the source level', async () => {
    const durationS = 1;
    const { frames, byteLengths, stats } = await runCapture({ rateHz, durationS, source: oscillator(MIC_AMPLITUDE) });
    expect(byteLengths.length).toBeGreaterThan(45);
    expect(byteLengths.every((n) => n === FRAME_BYTES)).toBe(true);
    expect(stats).toMatchObject({ framesSent: frames.length, framesDropped: 0, dtmfDropped: 0 });
    // The level meter: every input sample counted, a sine at amplitude 0.5 is −9.03 dBFS.
    expect(stats.inputSamples).toBe(Math.ceil((durationS * rateHz) / RENDER_QUANTUM_FRAMES) * RENDER_QUANTUM_FRAMES);
    expect(Math.abs(levelDbfs(stats.inputEnergy, stats.inputSamples) - dB(MIC_AMPLITUDE / Math.SQRT2))).toBeLessThanOrEqual(0.1);

    // Contiguous: exactly the frames the capture path makes of an ideal sine, sample for sample
    // (within the oscillator's own error), so no sample was lost, repeated or reordered.
    const wire = wireSignal(frames);
    const reference = referenceFrames(rateHz, durationS, MIC_AMPLITUDE);
    expect(wire.length).toBe(reference.length);
    const difference = maxDifference(wire, reference);
    const tone = analyseTone(wire.subarray(FRAME_SAMPLES), WIRE_RATE_HZ);
    console.info(`${rateHz} Hz capture: ${frames.length} frames, tone ${tone.hz} Hz, amplitude ${tone.amplitude.toFixed(4)} (${dB(tone.amplitude / MIC_AMPLITUDE).toFixed(3)} dB), purity ${tone.purity.toFixed(5)}, max difference from the reference ${difference.toExponential(2)}`);
    expect(difference).toBeLessThan(1e-3);
    expect(Math.abs(tone.hz - MIC_HZ)).toBeLessThanOrEqual(0.02 * MIC_HZ);
    expect(Math.abs(dB(tone.amplitude / MIC_AMPLITUDE))).toBeLessThanOrEqual(1);
  });

  test('gag-capture sends silent frames at the same cadence while muted', async () => {
    const { frames, stats } = await runCapture({
      rateHz,
      durationS: 0.5,
      source: oscillator(MIC_AMPLITUDE),
      messages: [{ atS: 0, message: { type: 'mute', muted: true } }],
    });
    expect(frames.length).toBe(referenceFrames(rateHz, 0.5, MIC_AMPLITUDE).length / FRAME_SAMPLES);
    expect(frames.every((frame) => frame.every((s) => s === 0))).toBe(true);
    expect(stats.framesDropped).toBe(0);
  });

  test('DTMF digits posted to gag-capture replace the microphone in the frames and decode back to the digits', async () => {
    const digits = '159#';
    const micAmplitude = 0.05;
    const { frames } = await runCapture({
      rateHz,
      durationS: 1,
      source: oscillator(micAmplitude),
      messages: [{ atS: 0.1, message: { type: 'dtmf', digits } }],
    });
    const wire = wireSignal(frames);
    const decoded = decodeDtmf(wire, WIRE_RATE_HZ);
    console.info(`${rateHz} Hz DTMF: decoded ${decoded.digits}, tones at ${decoded.tones.map((t) => t.startMs).join(', ')} ms lasting ${decoded.tones.map((t) => t.durationMs).join(', ')} ms, gaps ${decoded.gapsMs.join(', ')} ms, amplitudes ${decoded.tones.map((t) => `${t.rowAmplitude.toFixed(3)}/${t.columnAmplitude.toFixed(3)}`).join(' ')}`);
    expect(decoded.digits).toBe(digits);
    for (const tone of decoded.tones) expect(Math.abs(tone.durationMs - DTMF_TONE_MS)).toBeLessThanOrEqual(3);
    for (const gap of decoded.gapsMs) expect(Math.abs(gap - DTMF_GAP_MS)).toBeLessThanOrEqual(3);

    // From the frame it starts in, the frames hold the generator's output exactly, with no microphone in it.
    const first = Math.round((decoded.tones[0]?.startMs ?? 0) / FRAME_MS) * FRAME_SAMPLES;
    const generator = new DtmfGenerator();
    generator.queue(digits);
    const expected = new Float32Array(digits.length * ((DTMF_TONE_MS + DTMF_GAP_MS) / FRAME_MS) * FRAME_SAMPLES);
    expect(generator.render(expected, expected.length)).toBe(expected.length);
    expect(maxDifference(wire.subarray(first, first + expected.length), expected)).toBeLessThanOrEqual(2 / 32_768);
    // The microphone before and after.
    for (const at of [first - 2 * FRAME_SAMPLES, first + expected.length]) {
      expect(goertzelAmplitude(wire.subarray(at, at + 2 * FRAME_SAMPLES), MIC_HZ, WIRE_RATE_HZ)).toBeCloseTo(micAmplitude, 3);
    }
  });

  test(`gag-playback plays a 440 Hz slin16 tone at its level once ${JITTER_MIN_TARGET_MS + JITTER_START_MARGIN_MS} ms is buffered`, async () => {
    const toneHz = 440;
    const amplitude = 0.5;
    const wire = new Int16Array(50 * FRAME_SAMPLES);
    fillSineS16(wire, toneHz, WIRE_RATE_HZ, amplitude);
    const { output, stats } = await runPlayback({ rateHz, durationS: 1, wire });
    const at = (ms: number): number => Math.round((ms * rateHz) / 1000);

    // Priming: silence until the third frame (40 ms) makes 60 ms, then the tone.
    const firstSound = output.findIndex((s) => s !== 0);
    console.info(`${rateHz} Hz playback: first sound at ${((firstSound * 1000) / rateHz).toFixed(2)} ms`, stats);
    expect(firstSound).toBeGreaterThanOrEqual(at(2 * FRAME_MS));
    expect(firstSound).toBeLessThanOrEqual(at(2 * FRAME_MS) + 2 * RENDER_QUANTUM_FRAMES);
    // 200 ms windows: analyseTone's 5 Hz scan then lands on 440 Hz itself.
    for (const fromMs of [100, 500, 750]) {
      const tone = analyseTone(output.subarray(at(fromMs), at(fromMs + 200)), rateHz);
      console.info(`${rateHz} Hz playback from ${fromMs} ms: ${tone.hz} Hz, amplitude ${tone.amplitude.toFixed(4)} (${dB(tone.amplitude / amplitude).toFixed(3)} dB), purity ${tone.purity.toFixed(5)}`);
      expect(Math.abs(tone.hz - toneHz)).toBeLessThanOrEqual(0.02 * toneHz);
      expect(Math.abs(dB(tone.amplitude / amplitude))).toBeLessThanOrEqual(1);
      expect(tone.purity).toBeGreaterThan(0.999);
    }
    expect(stats).toMatchObject({ underruns: 0, concealedFrames: 0, lateFrames: 0, targetMs: JITTER_MIN_TARGET_MS, malformed: 0 });
    expect(stats.droppedFrames).toBe(0);
    expect(stats.framesReceived).toBe(50);
    // One second in: the start margin still holds (JITTER_START_HOLD_MS).
    expect(Math.abs(stats.depthMs - JITTER_MIN_TARGET_MS - JITTER_START_MARGIN_MS)).toBeLessThanOrEqual(5);
  });
});
