/**
 * Runs GAG's worklets in Chromium's OfflineAudioContext: deterministic and faster than real time.
 *
 * During offline rendering Chromium hands port messages to a worklet only while the context is
 * suspended (checked: a message posted before startRendering() arrived at the first suspension).
 * So both harnesses suspend at fixed times, post what is due, and wait for a `stats` reply before
 * resuming: the port keeps order, so everything posted before the reply has been handled (and,
 * for capture, every frame sent before it has been received and its buffer returned to the pool).
 */
import { captureNodeOptions } from '../../src/audio/call-graph.js';
import { RENDER_QUANTUM_FRAMES } from '../../src/audio/capture-framer.js';
import type { CaptureControlMessage, CaptureStatsMessage } from '../../src/audio/capture.worklet.js';
import captureSource from '../../src/audio/capture.worklet.ts?worklet';
import type { PlaybackStatsMessage } from '../../src/audio/playback.worklet.js';
import playbackSource from '../../src/audio/playback.worklet.ts?worklet';
import { FRAME_MS, frameSamplesOf, type WireFormat } from '../../src/wire-units.js';

/** Capture suspends this often: 5 frames, fewer than the worklet's pool of 8 buffers. */
const CAPTURE_SUSPEND_S = 0.1;

/** Load a bundled worklet as CallAudio does: a Blob URL, revoked once the module is loaded. */
async function addModule(context: BaseAudioContext, source: string): Promise<void> {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Answers `{ type: 'stats' }` round trips on a port whose other messages the caller handles. */
function statsRequester<T>(port: MessagePort, onOther: (data: unknown) => void): () => Promise<T> {
  const waiting: ((reply: T) => void)[] = [];
  port.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'stats') waiting.shift()?.(data as T);
    else onOther(data);
  };
  return () =>
    new Promise<T>((resolve) => {
      waiting.push(resolve);
      port.postMessage({ type: 'stats' });
    });
}

/** The first render-quantum boundary at or after `seconds`: where `suspend(seconds)` really stops. */
const quantumAfter = (seconds: number, rateHz: number): number => (Math.ceil((seconds * rateHz) / RENDER_QUANTUM_FRAMES - 1e-9) * RENDER_QUANTUM_FRAMES) / rateHz;

/** What gag-capture sent. */
export interface CaptureRun {
  /** Each frame as posted, as s16 (copied before its buffer went back to the pool); meaningful for slin16 and slin. */
  readonly frames: readonly Int16Array[];
  /** Each frame's bytes as posted (the wire bytes, whatever the format). */
  readonly bytes: readonly Uint8Array[];
  readonly byteLengths: readonly number[];
  readonly stats: Omit<CaptureStatsMessage, 'type'>;
}

/**
 * Render `durationS` of `source` (or no input) through gag-capture at `rateHz`, posting each
 * control message at the first suspension at or after its `atS`.
 */
export async function runCapture(options: {
  rateHz: number;
  durationS: number;
  source?: (context: OfflineAudioContext) => AudioNode;
  messages?: readonly { atS: number; message: CaptureControlMessage }[];
  /** The call's format (processorOptions); default slin16. */
  format?: WireFormat;
}): Promise<CaptureRun> {
  const { rateHz, durationS } = options;
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: Math.round(durationS * rateHz), sampleRate: rateHz });
  await addModule(context, captureSource);
  const node = new AudioWorkletNode(context, 'gag-capture', captureNodeOptions({ format: options.format }));
  options.source?.(context).connect(node);
  node.connect(context.destination);

  const frames: Int16Array[] = [];
  const bytes: Uint8Array[] = [];
  const byteLengths: number[] = [];
  const stats = statsRequester<CaptureStatsMessage>(node.port, (data) => {
    if (!(data instanceof ArrayBuffer)) return;
    byteLengths.push(data.byteLength);
    bytes.push(new Uint8Array(data.slice(0)));
    frames.push(new Int16Array(data.slice(0, data.byteLength & ~1)));
    node.port.postMessage(data, [data]); // back to the pool, as CallAudio does
  });
  const pending = [...(options.messages ?? [])].sort((a, b) => a.atS - b.atS);
  for (let t = 0; quantumAfter(t, rateHz) < durationS; t += CAPTURE_SUSPEND_S) {
    const at = quantumAfter(t, rateHz);
    void context.suspend(at).then(async () => {
      while (pending.length > 0 && (pending[0]?.atS ?? Infinity) <= at) node.port.postMessage(pending.shift()?.message);
      await stats(); // every frame sent so far has arrived here and its buffer was posted back…
      await stats(); // …and the worklet has taken those buffers into its pool
      await context.resume();
    });
  }
  await context.startRendering();
  const { type: _type, ...final } = await stats(); // the worklet still answers after rendering
  return { frames, bytes, byteLengths, stats: final };
}

/** What gag-playback rendered. */
export interface PlaybackRun {
  readonly output: Float32Array;
  readonly stats: Omit<PlaybackStatsMessage, 'type'>;
}

/**
 * Render `durationS` of gag-playback at `rateHz`, giving it frame k of `wire` (s16 for slin16
 * and slin, G.711 bytes for ulaw and alaw, at the format's rate; default slin16 at 16 kHz) at
 * the first quantum boundary at or after k × 20 ms, as a steady network would.
 */
export async function runPlayback(options: { rateHz: number; durationS: number; wire: Int16Array | Uint8Array; format?: WireFormat }): Promise<PlaybackRun> {
  const { rateHz, durationS, wire } = options;
  const FRAME_SAMPLES = frameSamplesOf(options.format ?? 'slin16');
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: Math.round(durationS * rateHz), sampleRate: rateHz });
  await addModule(context, playbackSource);
  const node = new AudioWorkletNode(context, 'gag-playback', {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    ...(options.format === undefined ? {} : { processorOptions: { format: options.format } }),
  });
  node.connect(context.destination);
  const stats = statsRequester<PlaybackStatsMessage>(node.port, () => undefined);
  const frameCount = Math.floor(wire.length / FRAME_SAMPLES);
  for (let k = 0; k < frameCount && quantumAfter((k * FRAME_MS) / 1000, rateHz) < durationS; k++) {
    const frame = wire.slice(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES);
    void context.suspend(quantumAfter((k * FRAME_MS) / 1000, rateHz)).then(async () => {
      node.port.postMessage(frame.buffer, [frame.buffer]);
      await stats();
      await context.resume();
    });
  }
  const rendered = await context.startRendering();
  const { type: _type, ...final } = await stats();
  return { output: rendered.getChannelData(0), stats: final };
}
