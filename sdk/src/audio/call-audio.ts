/**
 * The main-thread side of a call's audio: microphone → `gag-capture` → 20 ms frames for the
 * gateway, and frames from the gateway → `gag-playback` → speakers, in one `AudioContext` at the
 * device's own rate (the worklets convert to and from 16 kHz).
 * @packageDocumentation
 */
import { GagError } from '../errors.js';
import { FRAME_BYTES } from '../wire-units.js';
import type { CaptureControlMessage, CaptureStatsMessage } from './capture.worklet.js';
import captureSource from './capture.worklet.ts?worklet';
import type { PlaybackControlMessage, PlaybackStatsMessage } from './playback.worklet.js';
import playbackSource from './playback.worklet.ts?worklet';

/** Analyser size of the diagnostics taps: ~186 ms at 44.1 kHz, 5.4 Hz bins, enough for Goertzel-grade checks. */
const TAP_FFT_SIZE = 8192;
/** How long `start()` waits for the browser to let the context run before calling it blocked. */
const RESUME_TIMEOUT_MS = 5_000;

/** Options of {@link CallAudio.start}. */
export interface CallAudioOptions {
  /** Called once per captured 20 ms frame: exactly FRAME_BYTES of s16le. The callee sends it and does not keep it. */
  onFrame: (frame: ArrayBuffer) => void;
  /**
   * Constraints for the microphone, merged over the defaults `{ echoCancellation: true,
   * noiseSuppression: false, autoGainControl: false }` (Asterisk and the far end do their own).
   */
  microphone?: MediaTrackConstraints;
}

/** Counters from both worklets, for a `quality` event. All are totals since {@link CallAudio.start}. */
export interface CallAudioStats {
  readonly capture: Omit<CaptureStatsMessage, 'type'>;
  readonly playback: Omit<PlaybackStatsMessage, 'type'>;
}

/** Ports that answer `{ type: 'stats' }` in order, one reply per request. */
type StatsWaiter<T> = Array<(reply: T) => void>;

/**
 * A call's audio graph. {@link CallAudio.start} builds it; {@link CallAudio.stop} tears it down.
 * @example
 * const audio = await CallAudio.start({ onFrame: (frame) => socket.send(frame) });
 * socket.onmessage = (e) => { if (e.data instanceof ArrayBuffer) audio.play(e.data); };
 * audio.setMuted(true);
 * audio.sendDtmf('1#');
 * await audio.stop();
 */
export class CallAudio {
  /** The `AudioContext`'s rate: the device's, not the wire's. */
  readonly sampleRateHz: number;
  /** Taps for diagnostics and tests: what is played out, and what the mic delivers (both AnalyserNode, fftSize 8192). */
  readonly diagnostics: { readonly playback: AnalyserNode; readonly capture: AnalyserNode };
  readonly #context: AudioContext;
  readonly #stream: MediaStream;
  readonly #nodes: readonly AudioNode[];
  readonly #capturePort: MessagePort;
  readonly #playbackPort: MessagePort;
  readonly #onFrame: (frame: ArrayBuffer) => void;
  readonly #captureWaiters: StatsWaiter<CaptureStatsMessage> = [];
  readonly #playbackWaiters: StatsWaiter<PlaybackStatsMessage> = [];
  #muted = false;
  #stopping: Promise<void> | undefined;

  private constructor(context: AudioContext, stream: MediaStream, graph: Graph, onFrame: (frame: ArrayBuffer) => void) {
    this.#context = context;
    this.#stream = stream;
    this.sampleRateHz = context.sampleRate;
    this.#nodes = [graph.source, graph.captureTap, graph.capture, graph.playback, graph.playbackTap];
    this.diagnostics = { playback: graph.playbackTap, capture: graph.captureTap };
    this.#onFrame = onFrame;
    this.#capturePort = graph.capture.port;
    this.#playbackPort = graph.playback.port;
    this.#capturePort.onmessage = (event: MessageEvent<unknown>) => this.#onCaptureMessage(event.data);
    this.#playbackPort.onmessage = (event: MessageEvent<unknown>) => {
      this.#playbackWaiters.shift()?.(event.data as PlaybackStatsMessage);
    };
  }

  /**
   * Open the microphone and the audio output, and start sending frames to `onFrame`.
   * Call it from a user gesture (a click on "answer"), so the browser lets audio play.
   * On failure, everything already started is stopped again.
   * @throws GagError `GAG_MEDIA`, with a message that says what the user can do.
   */
  static async start(options: CallAudioOptions): Promise<CallAudio> {
    let context: AudioContext | undefined;
    let stream: MediaStream | undefined;
    try {
      // Created and resumed before the first await, while the click's user activation surely
      // holds (Safari insists). The device's native rate: never { sampleRate } (house style §7).
      context = new AudioContext();
      const resuming = context.resume();
      resuming.catch(() => undefined); // judged by resume() below; no unhandled rejection meanwhile
      stream = await openMicrophone(options.microphone);
      await addModule(context, captureSource);
      await addModule(context, playbackSource);
      const audio = new CallAudio(context, stream, buildGraph(context, stream), options.onFrame);
      await resume(context, resuming);
      return audio;
    } catch (e) {
      for (const track of stream?.getTracks() ?? []) track.stop();
      await context?.close().catch(() => undefined);
      if (e instanceof GagError) throw e;
      throw new GagError('GAG_MEDIA', 'the audio output could not be started — reload the page and try again, or check the audio output device', { cause: e });
    }
  }

  /** Whether the microphone is muted (frames still flow, holding silence). */
  get muted(): boolean {
    return this.#muted;
  }

  /**
   * Queue audio from the gateway: a whole number of FRAME_BYTES of s16le. The buffer is
   * transferred to the playback worklet, so the caller gives it up. Ignored after {@link CallAudio.stop},
   * and when its length is not a non-zero multiple of FRAME_BYTES.
   */
  play(frame: ArrayBuffer): void {
    if (this.#stopping !== undefined || frame.byteLength === 0 || frame.byteLength % FRAME_BYTES !== 0) return;
    this.#playbackPort.postMessage(frame, [frame]);
  }

  /** Send silence instead of the microphone, or the microphone again. Frames keep their 20 ms cadence. */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    if (this.#stopping === undefined) this.#capturePort.postMessage({ type: 'mute', muted } satisfies CaptureControlMessage);
  }

  /**
   * Play DTMF digits to the far end, in-band: each digit's tone pair replaces the microphone in the
   * outgoing frames for 100 ms, then 60 ms of silence; frames keep their cadence. Digits queue
   * behind any still playing. The caller validates them (see `isDtmfDigits`). Ignored after {@link CallAudio.stop}.
   */
  sendDtmf(digits: string): void {
    if (this.#stopping === undefined) this.#capturePort.postMessage({ type: 'dtmf', digits } satisfies CaptureControlMessage);
  }

  /**
   * Counters from both worklets: frames sent and dropped, and the jitter buffer's playout depth,
   * target, underruns, concealment, drops and late frames (the material of a `quality` event).
   * Resolves with zeros once stopped.
   */
  async stats(): Promise<CallAudioStats> {
    if (this.#stopping !== undefined) return ZERO_STATS;
    const capture = new Promise<CaptureStatsMessage>((resolve) => this.#captureWaiters.push(resolve));
    const playback = new Promise<PlaybackStatsMessage>((resolve) => this.#playbackWaiters.push(resolve));
    this.#capturePort.postMessage({ type: 'stats' } satisfies CaptureControlMessage);
    this.#playbackPort.postMessage({ type: 'stats' } satisfies PlaybackControlMessage);
    const [{ type: _c, ...c }, { type: _p, ...p }] = await Promise.all([capture, playback]);
    return { capture: c, playback: p };
  }

  /** Stops the mic tracks, disconnects nodes, closes the context. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    for (const track of this.#stream.getTracks()) track.stop();
    this.#capturePort.onmessage = null;
    this.#playbackPort.onmessage = null;
    this.#capturePort.close();
    this.#playbackPort.close();
    for (const node of this.#nodes) node.disconnect();
    // Nobody will answer pending stats requests now.
    for (const resolve of this.#captureWaiters.splice(0)) resolve({ type: 'stats', ...ZERO_STATS.capture });
    for (const resolve of this.#playbackWaiters.splice(0)) resolve({ type: 'stats', ...ZERO_STATS.playback });
    await this.#context.close().catch(() => undefined); // already closed (e.g. by the page) is fine
  }

  #onCaptureMessage(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) {
      this.#captureWaiters.shift()?.(data as CaptureStatsMessage);
      return;
    }
    if (this.#stopping !== undefined) return;
    try {
      this.#onFrame(data);
    } finally {
      // Back to the worklet's pool, unless onFrame stopped us or detached the buffer (then the pool shrinks by one).
      if (this.#stopping === undefined && data.byteLength === FRAME_BYTES) this.#capturePort.postMessage(data, [data]);
    }
  }
}

const ZERO_STATS: CallAudioStats = {
  capture: { framesSent: 0, framesDropped: 0, dtmfDropped: 0 },
  playback: {
    depthMs: 0,
    targetMs: 0,
    underruns: 0,
    concealedFrames: 0,
    droppedFrames: 0,
    lateFrames: 0,
    framesReceived: 0,
    malformed: 0,
  },
};

interface Graph {
  readonly source: MediaStreamAudioSourceNode;
  readonly captureTap: AnalyserNode;
  readonly capture: AudioWorkletNode;
  readonly playback: AudioWorkletNode;
  readonly playbackTap: AnalyserNode;
}

/**
 * mic → captureTap → capture → destination, and playback → playbackTap → destination. The taps sit
 * in line (analysers pass audio through unchanged) so every node is pulled by the destination in
 * every browser; the capture worklet outputs nothing, so it adds silence.
 */
function buildGraph(context: AudioContext, stream: MediaStream): Graph {
  const source = context.createMediaStreamSource(stream);
  const captureTap = new AnalyserNode(context, { fftSize: TAP_FFT_SIZE });
  const capture = new AudioWorkletNode(context, 'gag-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    // Mix a stereo microphone down to mono before the worklet, where only channel 0 is read.
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
  });
  const playback = new AudioWorkletNode(context, 'gag-playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
  const playbackTap = new AnalyserNode(context, { fftSize: TAP_FFT_SIZE });
  source.connect(captureTap).connect(capture).connect(context.destination);
  playback.connect(playbackTap).connect(context.destination);
  return { source, captureTap, capture, playback, playbackTap };
}

async function openMicrophone(microphone: MediaTrackConstraints | undefined): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || navigator.mediaDevices?.getUserMedia === undefined) {
    throw new GagError('GAG_MEDIA', 'the microphone is only available on a secure page — open the phone over https (or on localhost)');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false, ...microphone },
    });
  } catch (e) {
    throw new GagError('GAG_MEDIA', microphoneAdvice(e), { cause: e });
  }
}

/** What to tell the user for each getUserMedia failure (DOMException names from Media Capture and Streams). */
function microphoneAdvice(e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'microphone permission denied — allow the microphone for this site (the icon in the address bar) and answer again';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'no usable microphone found — connect one or choose another input device in the system settings, then answer again';
    case 'NotReadableError':
    case 'AbortError':
      return 'the microphone could not be opened — close other applications that use it, then answer again';
    default:
      return `the microphone could not be opened (${name || 'unknown error'}) — check the browser's microphone settings and answer again`;
  }
}

/** Load a bundled worklet from a Blob URL, revoked as soon as the module is loaded (or failed). */
async function addModule(context: AudioContext, source: string): Promise<void> {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Let the context run. Bounded: without a user gesture (or an output device) resume() may never settle. */
async function resume(context: AudioContext, resuming: Promise<void>): Promise<void> {
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
