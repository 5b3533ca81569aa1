/**
 * Ringtone and ringback, generated in code (no audio files) and played through a small
 * `AudioContext` of their own, apart from any call's audio.
 *
 * Both follow Japanese practice (NTT): a 400 Hz tone amplitude-modulated at 16 Hz, the warble of
 * the 16 Hz ringing signal, at full modulation depth (so the spectrum is 400 Hz with side tones
 * at 384 and 416 Hz):
 * - ringtone (a call rings here): two 0.4 s bursts 0.2 s apart, then 2 s of silence (a 3 s cycle),
 *   so it cannot be taken for the ringback;
 * - ringback (the far end is being rung): 1 s on, 2 s off (NTT's 呼出音).
 * Edges ramp over 5 ms (raised cosine), so the bursts do not click.
 * @packageDocumentation
 */

/** Which sound. @example await ringer.start('ringback' satisfies RingKind) */
export type RingKind = 'ringtone' | 'ringback';

/**
 * A ring sound: a carrier, its modulation and its cadence.
 * @example const pattern: RingPattern = { carrierHz: 400, modulationHz: 16, cadenceMs: [1_000, 2_000], amplitude: 0.25 };
 */
export interface RingPattern {
  /** The tone's frequency, Hz. */
  readonly carrierHz: number;
  /** Amplitude modulation at full depth; 0 for a plain tone. */
  readonly modulationHz: number;
  /** Alternating on and off times, starting with on; the cycle repeats. */
  readonly cadenceMs: readonly number[];
  /** Peak amplitude, 0–1 of full scale. */
  readonly amplitude: number;
}

/**
 * The two sounds (see the module comment). Cycles are whole periods of both tones, so they loop without a seam.
 * @example const cycleMs = RING_PATTERNS.ringtone.cadenceMs.reduce((a, b) => a + b); // 3000
 */
export const RING_PATTERNS: { readonly [K in RingKind]: RingPattern } = {
  ringtone: { carrierHz: 400, modulationHz: 16, cadenceMs: [400, 200, 400, 2_000], amplitude: 0.5 },
  ringback: { carrierHz: 400, modulationHz: 16, cadenceMs: [1_000, 2_000], amplitude: 0.25 },
};

/** Length of the on/off ramps. */
export const RING_RAMP_MS = 5;
/** How long a ring waits for the browser to let audio play before it reports `blocked` (autoplay policy). */
export const AUTOPLAY_WAIT_MS = 500;

/**
 * One cycle of `pattern` at `rateHz`, ready to loop.
 * @example
 * const cycle = renderRingCycle(RING_PATTERNS.ringback, 48_000); // 3 s: 1 s of warble, 2 s of silence
 */
export function renderRingCycle(pattern: RingPattern, rateHz: number): Float32Array<ArrayBuffer> {
  const cycleMs = pattern.cadenceMs.reduce((sum, ms) => sum + ms, 0);
  const out = new Float32Array(Math.round((cycleMs * rateHz) / 1000));
  const rampSamples = Math.max(1, Math.round((RING_RAMP_MS * rateHz) / 1000));
  const carrier = (2 * Math.PI * pattern.carrierHz) / rateHz;
  const modulation = (2 * Math.PI * pattern.modulationHz) / rateHz;
  let startMs = 0;
  pattern.cadenceMs.forEach((ms, i) => {
    const from = Math.round((startMs * rateHz) / 1000);
    startMs += ms;
    if (i % 2 === 1) return; // an off time
    const to = Math.round((startMs * rateHz) / 1000);
    for (let n = from; n < to; n++) {
      const edge = Math.min(n - from, to - 1 - n);
      const ramp = edge >= rampSamples ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / rampSamples);
      const envelope = pattern.modulationHz > 0 ? 0.5 + 0.5 * Math.sin(modulation * n) : 1;
      out[n] = pattern.amplitude * ramp * envelope * Math.sin(carrier * n);
    }
  });
  return out;
}

/** The part of an `AudioContext` the autoplay decision looks at. */
export interface ResumableContext {
  readonly state: string;
  resume(): Promise<void>;
}

/**
 * Let `context` run, and say whether it does within `waitMs`. Without a user gesture, browsers
 * keep a new context `suspended` and `resume()` neither resolves nor rejects until a click;
 * Safari may resolve and still stay suspended. Either way the answer is false: ask for a click.
 * @example
 * if (!(await resumeWithin(context, AUTOPLAY_WAIT_MS))) showClickToEnableSound();
 */
export async function resumeWithin(context: ResumableContext, waitMs: number): Promise<boolean> {
  if (context.state === 'running') return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  try {
    await Promise.race([context.resume().catch(() => undefined), waited]);
  } finally {
    clearTimeout(timer);
  }
  return context.state === 'running';
}

/**
 * Plays the ringtone or the ringback, looping until {@link Ringer.stop}. Its `AudioContext` is
 * made on the first ring and kept (suspended while quiet) until {@link Ringer.close}, so one click
 * on {@link Ringer.unlock} lets every later ring sound.
 * @example
 * const ringer = new Ringer();
 * if ((await ringer.start('ringtone')) === 'blocked') askForAClick(() => ringer.unlock());
 * // answered:
 * ringer.stop();
 */
export class Ringer {
  #context: AudioContext | undefined;
  #tap: AnalyserNode | undefined;
  #source: AudioBufferSourceNode | undefined;
  #playing: RingKind | undefined;
  readonly #cycles = new Map<RingKind, AudioBuffer>();

  /** What is ringing now. */
  get playing(): RingKind | undefined {
    return this.#playing;
  }

  /** What the ringer plays (an AnalyserNode in line before the output), once it has rung. For tests and meters. */
  get diagnostics(): AnalyserNode | undefined {
    return this.#tap;
  }

  /**
   * Start ringing (a ring already playing is replaced). Resolves `'blocked'` when the browser did
   * not let audio start within half a second (`AUTOPLAY_WAIT_MS`) and this ring is still wanted: it is then
   * queued, and sounds as soon as {@link Ringer.unlock} is called from a click. Otherwise `'playing'`
   * (also when the ring was stopped meanwhile).
   * @throws when the browser has no Web Audio.
   */
  async start(kind: RingKind): Promise<'playing' | 'blocked'> {
    const context = this.#ensureContext();
    this.#stopSource();
    const source = new AudioBufferSourceNode(context, { buffer: this.#cycle(context, kind), loop: true });
    source.connect(this.#tap!);
    source.start();
    this.#source = source;
    this.#playing = kind;
    const running = await resumeWithin(context, AUTOPLAY_WAIT_MS);
    return !running && this.#source === source ? 'blocked' : 'playing';
  }

  /** Stop ringing (nothing happens when quiet). The context is suspended, to cost no CPU. */
  stop(): void {
    if (this.#playing === undefined) return;
    this.#stopSource();
    if (this.#context?.state === 'running') void this.#context.suspend().catch(() => undefined);
  }

  /**
   * Call from a click (or key press): lets this ringer's audio play from now on, and sounds a
   * queued ring. Resolves whether audio can play.
   */
  async unlock(): Promise<boolean> {
    const context = this.#ensureContext();
    if (this.#playing === undefined) {
      // Unlock for later rings: run once inside the gesture, then rest.
      const running = await resumeWithin(context, AUTOPLAY_WAIT_MS);
      if (running && this.#playing === undefined) await context.suspend().catch(() => undefined);
      return running;
    }
    return resumeWithin(context, AUTOPLAY_WAIT_MS);
  }

  /** Stop and release the `AudioContext`. The ringer can ring again later (with a new context). */
  async close(): Promise<void> {
    this.#stopSource();
    const context = this.#context;
    this.#context = undefined;
    this.#tap = undefined;
    this.#cycles.clear();
    await context?.close().catch(() => undefined);
  }

  #ensureContext(): AudioContext {
    if (this.#context === undefined) {
      // The device's own rate (house style §7); the cycle is rendered at it.
      this.#context = new AudioContext();
      this.#tap = new AnalyserNode(this.#context, { fftSize: 8192 });
      this.#tap.connect(this.#context.destination);
    }
    return this.#context;
  }

  #cycle(context: AudioContext, kind: RingKind): AudioBuffer {
    let buffer = this.#cycles.get(kind);
    if (buffer === undefined) {
      const samples = renderRingCycle(RING_PATTERNS[kind], context.sampleRate);
      buffer = new AudioBuffer({ length: samples.length, sampleRate: context.sampleRate, numberOfChannels: 1 });
      buffer.copyToChannel(samples, 0);
      this.#cycles.set(kind, buffer);
    }
    return buffer;
  }

  #stopSource(): void {
    this.#source?.stop();
    this.#source?.disconnect();
    this.#source = undefined;
    this.#playing = undefined;
  }
}
