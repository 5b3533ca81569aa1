/**
 * The Web Audio graph of a call, and the two steps that need care when it starts: loading the
 * bundled worklets and letting the context run.
 * @packageDocumentation
 */
import { codeFileError } from '../code-file.js';
import { GagError } from '../errors.js';
import type { WireFormat } from '../wire-units.js';
import type { WorkletProcessorOptions } from './worklet-options.js';

/** Analyser size of the diagnostics taps: ~186 ms at 44.1 kHz, 5.4 Hz bins, enough for Goertzel-grade checks. */
export const TAP_FFT_SIZE = 8192;
/** How long `start()` waits for the browser to let the context run before calling it blocked. */
const RESUME_TIMEOUT_MS = 5_000;
/** Time constant of volume changes: fast, but no click. */
export const VOLUME_RAMP_S = 0.01;

/** The nodes of a call. The microphone's source node comes and goes; it connects to `captureTap`. */
export interface CallGraph {
  readonly captureTap: AnalyserNode;
  readonly capture: AudioWorkletNode;
  readonly playback: AudioWorkletNode;
  readonly volume: GainNode;
  readonly playbackTap: AnalyserNode;
}

/** The capture worklet node's options (the worklet tests build their node with them too). */
export function captureNodeOptions(processorOptions: WorkletProcessorOptions): AudioWorkletNodeOptions {
  return {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    // Mix a stereo microphone down to mono before the worklet, where only channel 0 is read.
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions,
  };
}

/**
 * (mic →) captureTap → capture → destination, and playback → volume → playbackTap → destination.
 * The taps sit in line (analysers pass audio through unchanged) so every node is pulled by the
 * destination in every browser; the capture worklet outputs nothing, so it adds silence. The
 * playback tap is after the volume: it measures what the user hears.
 */
export function buildGraph(context: AudioContext, captureTap: AnalyserNode, volume: number, format: WireFormat): CallGraph {
  // Both worklets speak the call's codec: capture encodes to it, playback decodes it.
  const processorOptions: WorkletProcessorOptions = { format };
  const capture = new AudioWorkletNode(context, 'gag-capture', captureNodeOptions(processorOptions));
  const playback = new AudioWorkletNode(context, 'gag-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1], processorOptions });
  const gain = new GainNode(context, { gain: volume });
  const playbackTap = new AnalyserNode(context, { fftSize: TAP_FFT_SIZE });
  captureTap.connect(capture).connect(context.destination);
  playback.connect(gain).connect(playbackTap).connect(context.destination);
  return { captureTap, capture, playback, volume: gain, playbackTap };
}

/** A bundled worklet: its source, or where the build put it as a file of its own (`url`). */
export interface WorkletModule {
  readonly source: string;
  readonly url: string | undefined;
}

/**
 * Load a bundled worklet: from its `url`, or from a Blob URL of its source, revoked as soon as the
 * module is loaded (or failed).
 * @throws GagError `GAG_OUTDATED` when the file at `url` is gone, `GAG_MEDIA` when it could not be downloaded.
 */
export async function addModule(context: BaseAudioContext, worklet: WorkletModule): Promise<void> {
  if (worklet.url !== undefined) {
    const file = worklet.url;
    return context.audioWorklet.addModule(file).catch(async (e: unknown) => {
      throw await codeFileError(file, e);
    });
  }
  const url = URL.createObjectURL(new Blob([worklet.source], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Let the context run. Bounded: without a user gesture (or an output device) resume() may never settle. */
export async function resume(context: AudioContext, resuming: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, RESUME_TIMEOUT_MS);
  });
  try {
    // A second resume() in case the first one was refused before the microphone permission counted.
    await Promise.race([resuming.then(() => context.resume(), () => context.resume()), timedOut]);
  } finally {
    clearTimeout(timer);
  }
  if (context.state !== 'running') {
    throw new GagError('GAG_MEDIA', 'the browser did not let audio play — answer with a click on the page, and check that an audio output device is available');
  }
}
