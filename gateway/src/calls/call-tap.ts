/**
 * The one place where other systems hear a call (issue 20): both directions of its audio, as
 * whole 20 ms frames of the call's codec, and the caller's keys. Recordings and live forks attach
 * here; with nobody attached the call pays one length check per audio message.
 * @packageDocumentation
 */
import type { Logger } from '../log.js';

/**
 * The two directions of a call, as Twilio's Media Streams name its tracks: `caller` is what
 * Asterisk sends (the caller's voice, towards the browser), `agent` what the answering browser sends.
 */
export type Track = 'caller' | 'agent';

/**
 * Something that listens to a call's audio. Each method runs synchronously on the audio path, so
 * it must only copy or queue, never wait; a throw detaches it (logged) and the call goes on.
 * @example
 * const counter: TapListener = { audio: (track, frames) => void (bytes[track] += frames.length), end: () => {} };
 * call.tap.attach(counter);
 */
export interface TapListener {
  /** Whole frames of `track`, in the call's codec (several frames when the browser packs 40 or 60 ms). */
  audio(track: Track, frames: Buffer): void;
  /** A key the caller pressed (Asterisk's `DTMF_END`). */
  dtmf?(track: Track, digit: string): void;
  /**
   * Audio of its own to mix into `track`'s frames on their way to the other side (a fork's
   * service speaking back): the frames to send instead, the same length; `frames` itself for none.
   */
  mix?(track: Track, frames: Buffer): Buffer;
  /** The call ended, or the listener was detached: called once, last. */
  end(): void;
}

/**
 * A call's tap: listeners attach and detach at any time while the call lives.
 * @example
 * if (tap.active) tap.audio('caller', frames); // on the audio path
 */
export class CallTap {
  #listeners: readonly TapListener[] = [];
  #ended = false;
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Whether anyone listens: the audio path checks it before calling {@link CallTap.audio}. */
  get active(): boolean {
    return this.#listeners.length !== 0;
  }

  /** Start hearing the call; false once the call has ended (the listener is not kept). */
  attach(listener: TapListener): boolean {
    if (this.#ended) return false;
    if (!this.#listeners.includes(listener)) this.#listeners = [...this.#listeners, listener];
    return true;
  }

  /** Stop hearing the call: the listener's `end` runs now. */
  detach(listener: TapListener): void {
    if (!this.#listeners.includes(listener)) return;
    this.#listeners = this.#listeners.filter((l) => l !== listener);
    this.#safely(listener, () => listener.end());
  }

  /** Frames of `track` passed through the call. */
  audio(track: Track, frames: Buffer): void {
    // The array is replaced, never changed, so a listener detaching itself mid-loop is safe.
    // try/catch inline, not #safely: no closure per listener per frame on the audio path.
    for (const listener of this.#listeners) {
      try {
        listener.audio(track, frames);
      } catch (err) {
        this.#failed(listener, err);
      }
    }
  }

  /**
   * Frames of `track` passing through the call: every listener hears them, then those that speak
   * back mix their audio in. Returns the frames to relay (`frames` itself unless one mixed).
   */
  pass(track: Track, frames: Buffer): Buffer {
    this.audio(track, frames);
    let out = frames;
    for (const listener of this.#listeners) {
      if (listener.mix === undefined) continue;
      try {
        out = listener.mix(track, out);
      } catch (err) {
        this.#failed(listener, err); // its frames are not used: `out` is what came before it
      }
    }
    return out;
  }

  /** A key of `track`. */
  dtmf(track: Track, digit: string): void {
    for (const listener of this.#listeners) this.#safely(listener, () => listener.dtmf?.(track, digit));
  }

  /** The call ended: every listener's `end` runs, and none may attach any more. */
  end(): void {
    this.#ended = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) this.#safely(listener, () => listener.end());
  }

  #safely(listener: TapListener, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#failed(listener, err);
    }
  }

  /** Our bug in a listener: it goes, the call's own audio does not. */
  #failed(listener: TapListener, err: unknown): void {
    this.#log.error({ err }, 'call tap listener failed; detached');
    this.#listeners = this.#listeners.filter((l) => l !== listener);
  }
}
