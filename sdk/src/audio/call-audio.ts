/**
 * The main-thread side of a call's audio: microphone → `gag-capture` → 20 ms frames for the
 * gateway, and frames from the gateway → `gag-playback` → volume → speakers, in one `AudioContext`
 * at the device's own rate (the worklets convert to and from the call's wire rate and codec). It also follows the devices:
 * a chosen microphone or output that goes away falls back to the default one.
 * @packageDocumentation
 */
import { GagError } from '../errors.js';
import { DEFAULT_WIRE_FORMAT, frameBytesOf, wholeFramesOf, type WireFormat } from '../wire-units.js';
import { TAP_FFT_SIZE, VOLUME_RAMP_S, addModule, buildGraph, resume, type CallGraph } from './call-graph.js';
import type { CaptureControlMessage, CaptureStatsMessage } from './capture.worklet.js';
import { listAudioDevices, setOutputDevice, startOnOutput, type DeviceLost } from './devices.js';
import { Microphone, type MicrophoneInfo } from './microphone.js';
import type { PlaybackControlMessage, PlaybackStatsMessage } from './playback.worklet.js';
import processorsSource, { url as processorsUrl } from './processors.worklet.ts?worklet';
import { MAX_VOLUME, checkVolume } from './volume.js';

/**
 * Captured frames' buffers go back to the capture worklet's pool this many at a time: a port
 * message costs the audio thread and the main thread far more than its 640 bytes (the bench's
 * traffic floor), and the worklet's pool has room for them (POOL_FRAMES in capture.worklet.ts).
 */
const CAPTURE_RETURN_FRAMES = 4;

/** Options of {@link CallAudio.start}. */
export interface CallAudioOptions {
  /**
   * The call's codec on the wire (`incoming.format`), both ways; default slin16. Capture encodes
   * to it, playback decodes it: the gateway relays the bytes unchanged.
   */
  format?: WireFormat | undefined;
  /**
   * Called once per captured 20 ms frame: exactly `frameBytesOf(format)` bytes (s16le for slin16
   * and slin, G.711 for ulaw and alaw). The callee sends it and does not keep it.
   */
  onFrame: (frame: ArrayBuffer) => void;
  /**
   * Constraints for the microphone, merged over the defaults `{ echoCancellation: true,
   * noiseSuppression: false, autoGainControl: false }` (Asterisk and the far end do their own).
   */
  microphone?: MediaTrackConstraints | undefined;
  /** The microphone to open (from `listAudioDevices()`); default: the constraints' choice. */
  microphoneId?: string | undefined;
  /** The output to play on (`AudioContext.setSinkId`); default: the system's. */
  outputId?: string | undefined;
  /** Output volume, 0–{@link MAX_VOLUME}; default 1. */
  volume?: number | undefined;
  /** A chosen microphone or output went away and the default one took over. */
  onDeviceLost?: ((lost: DeviceLost) => void) | undefined;
}

/** Counters from both worklets, for a `quality` event. All are totals since {@link CallAudio.start}. */
export interface CallAudioStats {
  readonly capture: Omit<CaptureStatsMessage, 'type'>;
  readonly playback: Omit<PlaybackStatsMessage, 'type'>;
}

/**
 * A call's audio graph, `call.audio` once the call is answered: the call builds it on answer and
 * tears it down ({@link CallAudio.stop}) when it ends.
 * @example
 * const audio = call.audio; // undefined until answered
 * audio?.setVolume(0.5);
 * await audio?.setMicrophone(headsetId);
 * const level = new Float32Array(audio?.diagnostics.playback.fftSize ?? 0); // a meter of what is played
 */
export class CallAudio {
  /** The `AudioContext`'s rate: the device's, not the wire's. */
  readonly sampleRateHz: number;
  /** The call's codec on the wire. */
  readonly format: WireFormat;
  /** Taps for diagnostics and tests: what is played out (after the volume), and what the mic delivers (both AnalyserNode, fftSize 8192). */
  readonly diagnostics: {
    /** What is played out, after the volume. */
    readonly playback: AnalyserNode;
    /** What the microphone delivers. */
    readonly capture: AnalyserNode;
  };
  readonly #context: AudioContext;
  readonly #graph: CallGraph;
  readonly #mic: Microphone;
  readonly #options: CallAudioOptions;
  readonly #captureWaiters: Array<(reply: CaptureStatsMessage) => void> = [];
  readonly #playbackWaiters: Array<(reply: PlaybackStatsMessage) => void> = [];
  #muted = false;
  #volume: number;
  #outputId: string;
  #stopping: Promise<void> | undefined;
  readonly #frameBytes: number;
  /** Captured frames' buffers sent, waiting to go back to the worklet together. */
  readonly #returning: ArrayBuffer[] = [];

  private constructor(context: AudioContext, graph: CallGraph, mic: Microphone, options: CallAudioOptions) {
    this.#context = context;
    this.#graph = graph;
    this.#mic = mic;
    this.#options = options;
    this.#volume = options.volume ?? 1;
    this.#outputId = options.outputId ?? '';
    this.sampleRateHz = context.sampleRate;
    this.format = options.format ?? DEFAULT_WIRE_FORMAT;
    this.#frameBytes = frameBytesOf(this.format);
    this.diagnostics = { playback: graph.playbackTap, capture: graph.captureTap };
    graph.capture.port.onmessage = (event: MessageEvent<unknown>) => this.#onCaptureMessage(event.data);
    graph.playback.port.onmessage = (event: MessageEvent<unknown>) => {
      this.#playbackWaiters.shift()?.(event.data as PlaybackStatsMessage);
    };
    navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceChange);
  }

  /**
   * Open the microphone and the audio output, and start sending frames to `onFrame`.
   * Call it from a user gesture (a click on "answer"), so the browser lets audio play.
   * On failure, everything already started is stopped again.
   * @throws GagError `GAG_MEDIA`, with a message that says what the user can do; `GAG_OPTIONS_INVALID` for a bad volume.
   */
  static async start(options: CallAudioOptions): Promise<CallAudio> {
    const volume = checkVolume(options.volume ?? 1);
    let context: AudioContext | undefined;
    let mic: Microphone | undefined;
    let audio: CallAudio | undefined;
    try {
      // Created and resumed before the first await, while the click's user activation surely
      // holds (Safari insists). The device's native rate: never { sampleRate } (house style §7).
      context = new AudioContext();
      const resuming = context.resume();
      resuming.catch(() => undefined); // judged by resume() below; no unhandled rejection meanwhile
      const captureTap = new AnalyserNode(context, { fftSize: TAP_FFT_SIZE });
      mic = await Microphone.open(context, captureTap, {
        microphone: options.microphone,
        deviceId: options.microphoneId,
        onLost: (lost) => options.onDeviceLost?.(lost), // silent once stopped (Microphone.stop)
      });
      await addModule(context, { source: processorsSource, url: processorsUrl });
      const outputId = await startOnOutput(context, options.outputId, options.onDeviceLost);
      audio = new CallAudio(context, buildGraph(context, captureTap, volume, options.format ?? DEFAULT_WIRE_FORMAT), mic, { ...options, outputId });
      await resume(context, resuming);
      return audio;
    } catch (e) {
      if (audio !== undefined) await audio.stop();
      mic?.stop();
      await context?.close().catch(() => undefined);
      if (e instanceof GagError) throw e;
      throw new GagError('GAG_MEDIA', 'the audio output could not be started — reload the page and try again, or check the audio output device', { cause: e });
    }
  }

  /** Whether the microphone is muted (frames still flow, holding silence). */
  get muted(): boolean {
    return this.#muted;
  }

  /** The output volume, 0–{@link MAX_VOLUME}. */
  get volume(): number {
    return this.#volume;
  }

  /** The microphone in use, or null when none could be opened after the last one went away. */
  get microphone(): MicrophoneInfo | null {
    return this.#mic.info;
  }

  /** The live microphone track, for meters and diagnostics. */
  get microphoneTrack(): MediaStreamTrack | undefined {
    return this.#mic.track;
  }

  /** The output device (`''`: the system's default). */
  get outputId(): string {
    return this.#outputId;
  }

  /**
   * Queue audio from the gateway: a whole number of frames of the call's format. The buffer is
   * transferred to the playback worklet, so the caller gives it up. Ignored after {@link CallAudio.stop},
   * and when its length is not a non-zero whole number of frames.
   */
  play(frame: ArrayBuffer): void {
    if (this.#stopping !== undefined || wholeFramesOf(this.format, frame.byteLength) === 0) return;
    this.#graph.playback.port.postMessage(frame, [frame]);
  }

  /** Send silence instead of the microphone, or the microphone again. Frames keep their 20 ms cadence. */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    if (this.#stopping === undefined) this.#graph.capture.port.postMessage({ type: 'mute', muted } satisfies CaptureControlMessage);
  }

  /**
   * Play DTMF digits to the far end, in-band: each digit's tone pair replaces the microphone in the
   * outgoing frames for 100 ms, then 60 ms of silence; frames keep their cadence. Digits queue
   * behind any still playing. The caller validates them (see `isDtmfDigits`). Ignored after {@link CallAudio.stop}.
   */
  sendDtmf(digits: string): void {
    if (this.#stopping === undefined) this.#graph.capture.port.postMessage({ type: 'dtmf', digits } satisfies CaptureControlMessage);
  }

  /**
   * Set the output volume (0 silent, 1 as received), with a 10 ms glide so it does not click.
   * @throws GagError `GAG_OPTIONS_INVALID` for a volume outside 0–{@link MAX_VOLUME}.
   */
  setVolume(volume: number): void {
    this.#volume = checkVolume(volume);
    if (this.#stopping === undefined) this.#graph.volume.gain.setTargetAtTime(volume, this.#context.currentTime, VOLUME_RAMP_S);
  }

  /**
   * Capture from another microphone (undefined: the system's default). The new device opens
   * before the old one closes, and frames keep their 20 ms cadence throughout.
   * @throws GagError `GAG_MEDIA` when it cannot be opened (the old one stays in use).
   */
  async setMicrophone(deviceId: string | undefined): Promise<void> {
    if (this.#stopping === undefined) await this.#mic.switchTo(deviceId);
  }

  /**
   * Play on another output device (`''` or undefined: the system's default).
   * @throws GagError `GAG_MEDIA` when the browser cannot choose outputs, or the device is not there.
   */
  async setOutput(deviceId: string | undefined): Promise<void> {
    if (this.#stopping !== undefined) return;
    await setOutputDevice(this.#context, deviceId ?? '');
    this.#outputId = deviceId ?? '';
  }

  /**
   * Counters from both worklets: frames sent and dropped, the microphone's energy, and the jitter
   * buffer's playout depth, target, underruns, concealment, drops and late frames (the material
   * of a `quality` event). Resolves with zeros once stopped.
   * @internal The `quality` event of the call reports them.
   */
  async stats(): Promise<CallAudioStats> {
    if (this.#stopping !== undefined) return ZERO_STATS;
    const capture = new Promise<CaptureStatsMessage>((resolve) => this.#captureWaiters.push(resolve));
    const playback = new Promise<PlaybackStatsMessage>((resolve) => this.#playbackWaiters.push(resolve));
    this.#graph.capture.port.postMessage({ type: 'stats' } satisfies CaptureControlMessage);
    this.#graph.playback.port.postMessage({ type: 'stats' } satisfies PlaybackControlMessage);
    const [{ type: _c, ...c }, { type: _p, ...p }] = await Promise.all([capture, playback]);
    return { capture: c, playback: p };
  }

  /** Stops the mic tracks, disconnects nodes, closes the context. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    navigator.mediaDevices.removeEventListener('devicechange', this.#onDeviceChange);
    this.#mic.stop();
    const { capture, playback } = this.#graph;
    capture.port.onmessage = null;
    playback.port.onmessage = null;
    capture.port.close();
    playback.port.close();
    for (const node of Object.values(this.#graph) as AudioNode[]) node.disconnect();
    // Nobody will answer pending stats requests now.
    for (const resolve of this.#captureWaiters.splice(0)) resolve({ type: 'stats', ...ZERO_STATS.capture });
    for (const resolve of this.#playbackWaiters.splice(0)) resolve({ type: 'stats', ...ZERO_STATS.playback });
    await this.#context.close().catch(() => undefined); // already closed (e.g. by the page) is fine
  }

  /** A device came or went: a chosen microphone or output that is gone falls back to the default. */
  readonly #onDeviceChange = (): void => {
    void listAudioDevices()
      .then(async ({ inputs, outputs }) => {
        this.#mic.checkDevices(inputs);
        const output = this.#outputId;
        if (output === '' || output === 'default' || outputs.some((d) => d.deviceId === output) || this.#stopping !== undefined) return;
        await setOutputDevice(this.#context, '');
        this.#outputId = '';
        this.#options.onDeviceLost?.({ kind: 'output', lostDeviceId: output, deviceId: '', label: '' });
      })
      .catch(() => undefined); // the page lost access to the devices: nothing to switch to
  };

  #onCaptureMessage(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) {
      this.#captureWaiters.shift()?.(data as CaptureStatsMessage);
      return;
    }
    if (this.#stopping !== undefined) return;
    try {
      this.#options.onFrame(data);
    } finally {
      // Back to the worklet's pool, unless onFrame stopped us or detached the buffer (then the pool shrinks by one).
      if (this.#stopping === undefined && data.byteLength === this.#frameBytes) this.#giveBack(data);
    }
  }

  /** A frame's buffer goes back to the worklet's pool with the next few: one message instead of one per frame. */
  #giveBack(buffer: ArrayBuffer): void {
    this.#returning.push(buffer);
    if (this.#returning.length < CAPTURE_RETURN_FRAMES) return;
    const buffers = this.#returning.splice(0);
    this.#graph.capture.port.postMessage(buffers, buffers);
  }
}

const ZERO_STATS: CallAudioStats = {
  capture: { framesSent: 0, framesDropped: 0, dtmfDropped: 0, inputEnergy: 0, inputSamples: 0 },
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
