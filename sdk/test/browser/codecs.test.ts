/**
 * The worklets in each codec a call may be dialled with (issue #5), in Chromium's
 * OfflineAudioContext: capture encodes to the call's format, playback decodes it.
 */
import { describe, expect, test } from 'vitest';
import { analyseTone, fillSineS16 } from '@gag/e2e/tones';
import { decodeG711, encodeG711 } from '../../src/audio/g711.js';
import { frameBytesOf, frameSamplesOf, rateHzOf, type WireFormat } from '../../src/wire-units.js';
import { runCapture, runPlayback } from './offline-worklets.js';

const dB = (ratio: number): number => 20 * Math.log10(ratio);

/** The wire bytes of `format` as floats at its rate (÷32768). */
function decodeWire(format: WireFormat, frames: readonly Uint8Array[]): Float32Array {
  const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  let s16: Int16Array;
  if (format === 'ulaw' || format === 'alaw') {
    s16 = new Int16Array(bytes.length);
    decodeG711(format, bytes, s16, bytes.length);
  } else s16 = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
  return Float32Array.from(s16, (s) => s / 32_768);
}

describe.each([44_100, 48_000])('worklets at %i Hz in the 8 kHz codecs (OfflineAudioContext)', (rateHz) => {
  test.each(['ulaw', 'alaw', 'slin'] as const)('gag-capture in %s sends 20 ms frames that decode back to 1 kHz at the source level', async (format) => {
    const amplitude = 0.5;
    const { bytes, byteLengths, stats } = await runCapture({
      rateHz,
      durationS: 1,
      format,
      source: (context) => {
        const osc = new OscillatorNode(context, { frequency: 1_000 });
        const gain = new GainNode(context, { gain: amplitude });
        osc.connect(gain);
        osc.start(0);
        return gain;
      },
    });
    expect(byteLengths.length).toBeGreaterThan(45);
    expect(byteLengths.every((n) => n === frameBytesOf(format))).toBe(true);
    expect(stats.framesDropped).toBe(0);
    const wire = decodeWire(format, bytes);
    expect(wire.length).toBe(bytes.length * frameSamplesOf(format));
    const tone = analyseTone(wire.subarray(frameSamplesOf(format)), rateHzOf(format));
    console.info(`${rateHz} Hz capture in ${format}: ${bytes.length} frames, ${tone.hz} Hz, ${dB(tone.amplitude / amplitude).toFixed(3)} dB, purity ${tone.purity.toFixed(5)}`);
    expect(Math.abs(tone.hz - 1_000)).toBeLessThanOrEqual(0.02 * 1_000);
    expect(Math.abs(dB(tone.amplitude / amplitude))).toBeLessThanOrEqual(1);
  });

  test.each(['ulaw', 'alaw', 'slin'] as const)('gag-playback renders a %s 440 Hz stream as 440 Hz at its level', async (format) => {
    const toneHz = 440;
    const amplitude = 0.5;
    const samples = new Int16Array(50 * frameSamplesOf(format));
    fillSineS16(samples, toneHz, rateHzOf(format), amplitude);
    let wire: Int16Array | Uint8Array = samples;
    if (format === 'ulaw' || format === 'alaw') {
      wire = new Uint8Array(samples.length);
      encodeG711(format, samples, wire, samples.length);
    }
    const { output, stats } = await runPlayback({ rateHz, durationS: 1, wire, format });
    const at = (ms: number): number => Math.round((ms * rateHz) / 1000);
    for (const fromMs of [100, 500, 750]) {
      const tone = analyseTone(output.subarray(at(fromMs), at(fromMs + 200)), rateHz);
      console.info(`${rateHz} Hz playback of ${format} from ${fromMs} ms: ${tone.hz} Hz, ${dB(tone.amplitude / amplitude).toFixed(3)} dB, purity ${tone.purity.toFixed(5)}`);
      expect(Math.abs(tone.hz - toneHz)).toBeLessThanOrEqual(0.02 * toneHz);
      expect(Math.abs(dB(tone.amplitude / amplitude))).toBeLessThanOrEqual(1);
    }
    expect(stats).toMatchObject({ underruns: 0, droppedFrames: 0, malformed: 0, framesReceived: 50 });
  });
});
