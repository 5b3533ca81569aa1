import { analyseTone, fillSineS16, sineFloat } from '@gag/e2e/tones';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { workletPlugin } from '../build/worklet-plugin.js';
import { RENDER_QUANTUM_FRAMES } from '../src/audio/capture-framer.js';
import type { CaptureStatsMessage } from '../src/audio/capture.worklet.js';
import { levelDbfs } from '../src/call-quality.js';
import { s16ToFloat } from '../src/audio/pcm.js';
import { FRAME_BYTES, FRAME_SAMPLES, WIRE_RATE_HZ } from '../src/wire-units.js';
import { AUDIO_DIR, bundleEntry } from './worklet-entry.js';

const DEVICE_RATE_HZ = 44_100;

/**
 * Build a one-line entry that re-exports `<worklet>?worklet` through the plugin, as `vite build`
 * does for the drop-in bundle, and return the string the import yields.
 */
async function buildWorkletSource(worklet: string): Promise<string> {
  const { chunk } = await bundleEntry(`export { default } from ${JSON.stringify(AUDIO_DIR + worklet + '?worklet')};`);
  const module = (await import(`data:text/javascript,${encodeURIComponent(chunk.code)}`)) as { default: unknown };
  expect(typeof module.default).toBe('string');
  return module.default as string;
}

/** What a processor posted: the message and its transfer list. */
type Posted = { message: unknown; transfer: readonly unknown[] | undefined };
type Processor = { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean };

/**
 * Run a bundled worklet in a minimal AudioWorkletGlobalScope (the process boundary we fake:
 * Node has no audio rendering thread) and construct the processor it registers.
 */
function instantiate(source: string, name: string): { processor: Processor; posted: Posted[]; send(data: unknown): void } {
  const posted: Posted[] = [];
  const registered = new Map<string, new () => Processor>();
  const port = {
    onmessage: null as ((event: { data: unknown }) => void) | null,
    postMessage: (message: unknown, transfer?: readonly unknown[]) => void posted.push({ message, transfer: transfer && [...transfer] }),
  };
  class AudioWorkletProcessor {
    readonly port = port;
  }
  const scope = new Function('AudioWorkletProcessor', 'registerProcessor', 'sampleRate', 'currentTime', `"use strict";${source}`);
  scope(AudioWorkletProcessor, (n: string, ctor: new () => Processor) => registered.set(n, ctor), DEVICE_RATE_HZ, 0);
  const Ctor = registered.get(name);
  if (Ctor === undefined) throw new Error(`${name} was not registered`);
  return { processor: new Ctor(), posted, send: (data) => port.onmessage?.({ data }) };
}

function expectSelfContained(source: string): void {
  expect(source).not.toMatch(/(^|[;}\s])import\s*[\w{*"'`]/); // static import
  expect(source).not.toMatch(/\bimport\s*\(/); // dynamic import
  expect(source).not.toMatch(/(^|[;}\s])export\s*[\w{*]/);
  expect(source).not.toContain('\n  '); // minified
}

describe('the ?worklet plugin', () => {
  test('bundles the capture worklet into one self-contained module that registers gag-capture and sends exact frames', async () => {
    const source = await buildWorkletSource('capture.worklet.ts');
    expect(source).toMatch(/registerProcessor\(["'`]gag-capture["'`]/);
    expectSelfContained(source);

    const { processor, posted, send } = instantiate(source, 'gag-capture');
    const input = sineFloat(1000, DEVICE_RATE_HZ, 400 * RENDER_QUANTUM_FRAMES, 0.5);
    const received = new Int16Array(200 * FRAME_SAMPLES);
    let frames = 0;
    for (let q = 0; q < 400; q++) {
      const quantum = input.subarray(q * RENDER_QUANTUM_FRAMES, (q + 1) * RENDER_QUANTUM_FRAMES);
      expect(processor.process([[quantum]], [[new Float32Array(RENDER_QUANTUM_FRAMES)]])).toBe(true);
      for (const { message, transfer } of posted.splice(0)) {
        expect(message).toBeInstanceOf(ArrayBuffer);
        const buffer = message as ArrayBuffer;
        expect(buffer.byteLength).toBe(FRAME_BYTES);
        expect(transfer).toEqual([buffer]);
        received.set(new Int16Array(buffer), frames++ * FRAME_SAMPLES);
        send(buffer); // back to the pool, as CallAudio does
      }
    }
    // 400 quanta at 44.1 kHz are 1.16 s: 58 frames, less the filter's few-ms delay.
    expect(frames).toBe(57);
    const floats = new Float32Array(frames * FRAME_SAMPLES);
    s16ToFloat(received, floats, floats.length);
    const tone = analyseTone(floats.subarray(FRAME_SAMPLES), WIRE_RATE_HZ);
    expect(Math.abs(tone.hz - 1000)).toBeLessThanOrEqual(2);
    expect(tone.amplitude).toBeCloseTo(0.5, 2);
  });

  test('the bundled capture worklet drops frames when no pooled buffer comes back, sends silence when muted, and reports stats', async () => {
    const { processor, posted, send } = instantiate(await buildWorkletSource('capture.worklet.ts'), 'gag-capture');
    const loud = sineFloat(440, DEVICE_RATE_HZ, RENDER_QUANTUM_FRAMES, 0.5);
    send({ type: 'mute', muted: true });
    for (let q = 0; q < 200; q++) processor.process([[loud]], []); // buffers never come back
    const frames = posted.splice(0);
    expect(frames).toHaveLength(12); // the pool (POOL_FRAMES)
    for (const { message } of frames) expect(new Int16Array(message as ArrayBuffer).every((s) => s === 0)).toBe(true);
    send({ type: 'stats' });
    // 200 quanta at 44.1 kHz are 580 ms: 28 whole frames after the filter delay, 12 of them sent.
    const stats = posted.pop()?.message as CaptureStatsMessage;
    expect(stats).toMatchObject({ type: 'stats', framesSent: 12, framesDropped: 28 - 12, dtmfDropped: 0, inputSamples: 200 * RENDER_QUANTUM_FRAMES });
    // The level meter reads the microphone, muted or not: a sine at amplitude 0.5 is −9 dBFS.
    expect(levelDbfs(stats.inputEnergy, stats.inputSamples)).toBeCloseTo(-9.03, 0);
  });

  test('bundles the playback worklet, which plays frames at the device rate on every output channel', async () => {
    const source = await buildWorkletSource('playback.worklet.ts');
    expect(source).toMatch(/registerProcessor\(["'`]gag-playback["'`]/);
    expectSelfContained(source);

    const { processor, send } = instantiate(source, 'gag-playback');
    // 200 ms at once (currentTime is 0 in this scope): below the jitter buffer's hard maximum, so all of it plays.
    const wire = new Int16Array(10 * FRAME_SAMPLES);
    fillSineS16(wire, 1000, WIRE_RATE_HZ, 0.5);
    send(wire.buffer);
    send(new ArrayBuffer(FRAME_BYTES + 2)); // not whole frames: ignored
    const left = new Float32Array(60 * RENDER_QUANTUM_FRAMES);
    const quantum = [new Float32Array(RENDER_QUANTUM_FRAMES), new Float32Array(RENDER_QUANTUM_FRAMES)];
    for (let q = 0; q < 60; q++) {
      expect(processor.process([], [quantum])).toBe(true);
      expect(quantum[1]).toEqual(quantum[0]);
      left.set(quantum[0] ?? [], q * RENDER_QUANTUM_FRAMES);
    }
    const tone = analyseTone(left.subarray(1000, 1000 + DEVICE_RATE_HZ / 10), DEVICE_RATE_HZ);
    expect(Math.abs(tone.hz - 1000)).toBeLessThanOrEqual(2);
    expect(Math.abs(20 * Math.log10(tone.amplitude / 0.5))).toBeLessThanOrEqual(0.5);
  });
});

describe('the ?worklet plugin in a dev/SSR module graph (the path vitest takes)', () => {
  let server: Awaited<ReturnType<typeof createServer>>;
  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      logLevel: 'silent',
      plugins: [workletPlugin()],
      server: { middlewareMode: true, hmr: false, ws: false, watch: null },
      appType: 'custom',
    });
  });
  afterAll(() => server.close());

  test('an import of capture.worklet.ts?worklet yields the bundled source string', async () => {
    const module = await server.ssrLoadModule(`${AUDIO_DIR}capture.worklet.ts?worklet`);
    expect(typeof module.default).toBe('string');
    expect(module.default).toMatch(/registerProcessor\(["'`]gag-capture["'`]/);
    expectSelfContained(module.default as string);
  });
});
