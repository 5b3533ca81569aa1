/**
 * What the fake Asterisk plays towards the app after ANSWER, one 20 ms frame of the call's codec
 * at a time (docs/chan-websocket.md#media: "one frame every 20 ms" while the channel has audio;
 * nothing at all when it has none). Sources fill s16 samples at the codec's rate; the player encodes them.
 * @packageDocumentation
 */
import { DEFAULT_WIRE_FORMAT, FRAME_MS, GagError, WIRE_RATE_HZ, frameSamplesOf, rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { decodeSamples, encodeSamples } from './codec.js';
import { fillSineS16 } from '../tones.js';

/**
 * A source of audio for `FakeCall.play()`.
 * @example const click: AudioSource = { fill: (frame, n) => frame.fill(n === 0 ? 10_000 : 0) };
 */
export interface AudioSource {
  /**
   * Fill exactly one 20 ms frame of s16 samples (`frame.length`: 320 at 16 kHz, 160 at 8 kHz).
   * `n` counts the frames this source has played on this call: 0 for its first frame, whenever it
   * was started. `rateHz` is the call's sample rate (16 000 when omitted; 8 000 for slin, ulaw, alaw).
   */
  fill(frame: Int16Array, n: number, rateHz?: number): void;
}

/** The largest s16 sample. */
const S16_MAX = 32_767;

/** Why an option was refused: `GAG_OPTIONS_INVALID`, naming the option. */
function invalid(option: string, expected: string, got: unknown): GagError {
  return new GagError('GAG_OPTIONS_INVALID', `'${option}' must be ${expected}. Got '${String(got)}'`);
}

/**
 * All zero samples, a frame every 20 ms: a caller on a phone who says nothing. (Asterisk itself
 * sends no frames when the caller side makes no audio: play nothing for that.)
 * @example call.play(silence())
 */
export function silence(): AudioSource {
  return { fill: (frame) => frame.fill(0) };
}

/**
 * A sine of `hz` at `amplitude` (0–1 of full scale, default 0.5), at the call's rate,
 * phase-continuous across frames (keep `hz` under 4000 for an 8 kHz codec). Stateless, so one tone can play on many calls.
 * @throws GagError `GAG_OPTIONS_INVALID` for a frequency outside 0–8000 Hz or an amplitude outside 0–1.
 * @example call.play(tone(440, { amplitude: 0.3 }))
 */
export function tone(hz: number, options: { amplitude?: number } = {}): AudioSource {
  const amplitude = options.amplitude ?? 0.5;
  if (!(hz > 0 && hz < WIRE_RATE_HZ / 2)) throw invalid('hz', `between 0 and ${WIRE_RATE_HZ / 2} (exclusive)`, hz);
  if (!(amplitude >= 0 && amplitude <= 1)) throw invalid('amplitude', 'between 0 and 1', amplitude);
  return { fill: (frame, n, rateHz = WIRE_RATE_HZ) => fillSineS16(frame, hz, rateHz, amplitude, n * frame.length) };
}

/**
 * Plays the parts one after the other; a part without `durationMs` plays for ever. After the
 * last timed part: silence.
 * @throws GagError `GAG_OPTIONS_INVALID` for a negative or non-finite duration.
 * @example call.play(sequence({ source: tone(440), durationMs: 1_000 }, { source: echo(call) }))
 */
export function sequence(...parts: Array<{ source: AudioSource; durationMs?: number }>): AudioSource {
  const timed = parts.map(({ source, durationMs }, i) => {
    if (durationMs !== undefined && !(durationMs >= 0 && Number.isFinite(durationMs))) {
      throw invalid(`parts[${i}].durationMs`, 'a finite number ≥ 0', durationMs);
    }
    return { source, frames: durationMs === undefined ? Infinity : Math.round(durationMs / FRAME_MS) };
  });
  return {
    fill(frame, n, rateHz) {
      let start = 0;
      for (const part of timed) {
        if (n < start + part.frames) return part.source.fill(frame, n - start, rateHz);
        start += part.frames;
      }
      frame.fill(0);
    },
  };
}

/** Floats (−1…1) to s16, clamped and scaled ×32767 as `floatToS16le`. */
function toS16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round(Math.max(-1, Math.min(1, samples[i] ?? 0)) * S16_MAX);
  return out;
}

/**
 * Plays a clip (floats, −1…1) rendered once for each call rate it meets and kept as s16, from
 * its start; then from the start again when `loop`, or silence. What `wavSource` and
 * `speechLike` play.
 * @internal
 */
export function clipSource(render: (rateHz: number) => Float32Array, loop: boolean): AudioSource {
  const clips = new Map<number, Int16Array>();
  return {
    fill(frame, n, rateHz = WIRE_RATE_HZ) {
      let clip = clips.get(rateHz);
      if (clip === undefined) clips.set(rateHz, (clip = toS16(render(rateHz))));
      const start = n * frame.length;
      const length = clip.length;
      for (let i = 0; i < frame.length; i++) {
        const at = start + i;
        frame[i] = length === 0 || (!loop && at >= length) ? 0 : (clip[at % length] ?? 0);
      }
    },
  };
}

/** Audio the app sent longer ago than the delay plus this is dropped: the echo queue is bounded. */
const ECHO_MAX_BACKLOG_MS = 1_000;

/**
 * An {@link echo} source, with its queue's counters.
 * @example const back = echo(call, { delayMs: 500 }); call.play(back); back.droppedFrames; // 0 while the app keeps up
 */
export interface EchoSource extends AudioSource {
  /** Frames received from the app and not played yet. */
  readonly queuedFrames: number;
  /** Frames dropped because the queue was full. */
  readonly droppedFrames: number;
}

/**
 * What {@link echo} reads of a call (a `FakeCall`): its codec and the audio the app sends, until it
 * ends. Declared here so the sources need not import the call that plays them.
 * @example call.play(echo(call)); // a FakeCall is an EchoedCall
 */
export interface EchoedCall {
  /** The call's media codec. */
  readonly codec: WireFormat;
  /** Listen to the audio the app sends, a frame at a time. */
  on(event: 'audio', listener: (frame: Buffer) => void): unknown;
  /** Stop listening to it. */
  off(event: 'audio', listener: (frame: Buffer) => void): unknown;
  /** Told once when the call ends. */
  once(event: 'ended', listener: () => void): unknown;
}

/**
 * Plays back what the app sent on `call` (the frames Asterisk accepted), `delayMs` later
 * (default 0: the next frame slot). Silence while nothing is due. The queue keeps at most
 * `delayMs` + 1 s of audio and drops the oldest; audio older than `delayMs` when the echo starts
 * playing (e.g. later in a {@link sequence}) is skipped, so the delay stays what was asked.
 * @throws GagError `GAG_OPTIONS_INVALID` for a negative delay.
 * @example call.play(echo(call, { delayMs: 500 }))
 */
export function echo(call: EchoedCall, options: { delayMs?: number } = {}): EchoSource {
  const delayMs = options.delayMs ?? 0;
  if (!(delayMs >= 0 && Number.isFinite(delayMs))) throw invalid('delayMs', 'a finite number ≥ 0', delayMs);
  const maxFrames = Math.ceil((delayMs + ECHO_MAX_BACKLOG_MS) / FRAME_MS);
  const queue: Array<{ atMs: number; samples: Int16Array }> = [];
  let dropped = 0;
  let started = false;

  const onAudio = (frame: Buffer): void => {
    if (queue.length >= maxFrames) {
      queue.shift();
      dropped++;
    }
    // In the call's codec; played back in the same codec, so the frame sizes match.
    const samples = decodeSamples(call.codec, frame);
    queue.push({ atMs: performance.now(), samples });
  };
  call.on('audio', onAudio);
  call.once('ended', () => {
    call.off('audio', onAudio);
    queue.length = 0;
  });

  return {
    get queuedFrames() {
      return queue.length;
    },
    get droppedFrames() {
      return dropped;
    },
    fill(frame) {
      const now = performance.now();
      if (!started) {
        started = true;
        while (queue.length > 0 && (queue[0]?.atMs ?? now) < now - delayMs - FRAME_MS) queue.shift();
      }
      const head = queue[0];
      if (head !== undefined && head.atMs + delayMs <= now) {
        frame.set(head.samples);
        queue.shift();
      } else {
        frame.fill(0);
      }
    },
  };
}

/**
 * Plays a source in real time, as Asterisk's channel timer does: frame n is due at
 * t0 + n·FRAME_MS from the start, so timer lateness never accumulates and a late wake-up
 * catches up; `stop()` clears the timer.
 * @internal
 * @example const player = new Player((frame) => ws.send(frame), 'ulaw'); player.start(); player.stop();
 */
export class Player {
  readonly #send: (frame: Buffer) => void;
  readonly #onSlot: () => void;
  readonly #codec: WireFormat;
  readonly #rateHz: number;
  readonly #frame: Int16Array;
  /** Nothing to play sends nothing: chan_websocket sends a frame only when the channel has one (docs/chan-websocket.md#media). */
  #source: AudioSource | undefined;
  #sourceStartSlot = 0;
  /** 20 ms slots since start, whether or not a frame went out in them. */
  #slots = 0;
  #framesSent = 0;
  #t0Ms = 0;
  #timer: NodeJS.Timeout | undefined;
  #playing = false;
  /** One slot on the channel's clock, in ms of ours (FRAME_MS unless the fake's clock is skewed). */
  readonly #slotMs: number;

  /**
   * @param codec the call's codec (default slin16): frames are 20 ms of it.
   * @param onSlot called once per 20 ms slot, after its frame is sent: the channel's media clock,
   * which also plays the app's queued frames (PlayoutQueue).
   * @param slotMs one slot in ms of the machine's clock: FRAME_MS, or a skewed channel clock's 20 ms.
   */
  constructor(send: (frame: Buffer) => void, codec: WireFormat = DEFAULT_WIRE_FORMAT, onSlot: () => void = () => {}, slotMs = FRAME_MS) {
    this.#send = send;
    this.#slotMs = slotMs;
    this.#onSlot = onSlot;
    this.#codec = codec;
    this.#rateHz = rateHzOf(codec);
    this.#frame = new Int16Array(frameSamplesOf(codec));
  }

  /** Frames sent since start. */
  get framesSent(): number {
    return this.#framesSent;
  }

  /** Switch to `source`, which starts at its own frame 0; `undefined` sends nothing from the next slot on. */
  play(source: AudioSource | undefined): void {
    this.#source = source;
    this.#sourceStartSlot = this.#slots;
  }

  /** Send frame 0 now and keep going every FRAME_MS. */
  start(): void {
    this.#playing = true;
    this.#t0Ms = performance.now();
    this.#tick();
  }

  stop(): void {
    this.#playing = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#playing && this.#t0Ms + this.#slots * this.#slotMs <= now) this.#slot();
    if (this.#playing) this.#timer = setTimeout(this.#tick, this.#t0Ms + this.#slots * this.#slotMs - now);
  };

  #slot(): void {
    const slot = this.#slots++;
    if (this.#source !== undefined) {
      this.#source.fill(this.#frame, slot - this.#sourceStartSlot, this.#rateHz);
      // A fresh buffer per frame: ws masks client frames, possibly in place.
      const bytes = encodeSamples(this.#codec, this.#frame);
      this.#framesSent++;
      this.#send(bytes);
    }
    this.#onSlot();
  }
}
