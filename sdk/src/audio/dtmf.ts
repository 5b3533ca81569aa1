/**
 * In-band DTMF towards Asterisk. chan_websocket has no DTMF command
 * (docs/chan-websocket.md#dtmf), so without a gateway that presses keys for us (the `dtmf`
 * feature: AMI PlayDTMF) keys travel as the standard tone pairs inside the 16 kHz frames,
 * generated straight into them by the capture path.
 * @packageDocumentation
 */
import { MAX_DTMF_DIGITS, WIRE_RATE_HZ } from '../wire-units.js';

/** The sixteen DTMF digits, in the order of {@link DTMF_ROW_HZ} × {@link DTMF_COLUMN_HZ}. */
export const DTMF_DIGITS = '123A456B789C*0#D';
/** Low-group (row) frequencies, Hz (ITU-T Q.23). */
export const DTMF_ROW_HZ = [697, 770, 852, 941] as const;
/** High-group (column) frequencies, Hz (ITU-T Q.23). */
export const DTMF_COLUMN_HZ = [1209, 1336, 1477, 1633] as const;
/**
 * How long each digit's tone lasts. Asterisk's detector (main/dsp.c, "Basic DTMF specs") needs
 * ≥ 40 ms on, ≥ 50 ms off and ≤ 10 digits a second; 100 + 60 ms (6.25 digits/s) has room on all three.
 */
export const DTMF_TONE_MS = 100;
/** Silence after each tone, so a repeated digit counts twice. */
export const DTMF_GAP_MS = 60;
/**
 * Peak amplitude of each of the two sines, as a share of full scale. 0.4 is −8 dB below a
 * full-scale sine, about −4.8 dBm0 per tone (a full-scale sine is +3.14 dBm0 in G.711), and the
 * pair peaks at 0.8, so the sum never clips, not even after Asterisk converts it to G.711 for
 * another leg. It sits well inside what dsp.c accepts (per tone −20…0 dBm0 is the usual receiver
 * window; dsp.c tolerates 26 dB of loss) with room for line loss on the way. Both tones are equally
 * loud: twist 0 dB, inside dsp.c's limits of 8 dB normal and 4 dB reverse twist. The microphone is
 * replaced, not mixed, while digits play, so its noise cannot spoil the tone-to-total energy ratio.
 */
export const DTMF_TONE_AMPLITUDE = 0.4;
/** Raised-cosine rise and fall inside each tone, so it switches on and off without a click or splatter. */
export const DTMF_RAMP_MS = 2;
/** Digits the generator can hold; more are dropped and counted. As many as `sendDtmf` takes at once. */
export const DTMF_QUEUE_DIGITS = MAX_DTMF_DIGITS;

const samplesAt = (ms: number, rateHz: number): number => Math.round((ms * rateHz) / 1000);

/** Whether `digits` is 1–{@link DTMF_QUEUE_DIGITS} DTMF digits (0–9, *, #, A–D; upper case). */
export function isDtmfDigits(digits: string): boolean {
  return /^[0-9*#A-D]+$/.test(digits) && digits.length <= DTMF_QUEUE_DIGITS;
}

/**
 * Plays queued digits as DTMF at a fixed rate (the wire's, 16 kHz, by default): for each digit,
 * {@link DTMF_TONE_MS} of its row + column sines, then {@link DTMF_GAP_MS} of silence. Once the last
 * gap is over it writes nothing, so the caller's audio (the microphone) comes back.
 * Only the constructor allocates.
 * @example
 * dtmf.queue('12#');
 * const owned = dtmf.render(frame, FRAME_SAMPLES); // frame[0..owned) now holds tone or gap
 */
export class DtmfGenerator {
  readonly #rateHz: number;
  readonly #toneSamples: number;
  readonly #gapSamples: number;
  readonly #rampSamples: number;
  readonly #queue = new Uint8Array(DTMF_QUEUE_DIGITS);
  #queueHead = 0;
  #queued = 0;
  #dropped = 0;
  /** 'idle', or playing a digit's 'tone' or the 'gap' after it. */
  #phase: 'idle' | 'tone' | 'gap' = 'idle';
  /** Samples played of the current tone or gap, and how many it has. */
  #at = 0;
  #length = 0;
  /** Radians per sample of the current row and column sines. */
  #rowStep = 0;
  #columnStep = 0;

  /** @param rateHz the rate of the buffers {@link DtmfGenerator.render} fills. */
  constructor(rateHz: number = WIRE_RATE_HZ) {
    this.#rateHz = rateHz;
    this.#toneSamples = samplesAt(DTMF_TONE_MS, rateHz);
    this.#gapSamples = samplesAt(DTMF_GAP_MS, rateHz);
    this.#rampSamples = samplesAt(DTMF_RAMP_MS, rateHz);
  }

  /** Whether a tone or gap is playing or digits are waiting. */
  get active(): boolean {
    return this.#queued > 0 || this.#phase === 'tone' || (this.#phase === 'gap' && this.#at < this.#length);
  }

  /** Digits dropped because the queue was full, since construction. */
  get droppedDigits(): number {
    return this.#dropped;
  }

  /**
   * Queue digits after those already waiting. Characters that are not DTMF digits are skipped
   * (the SDK validates before it gets here); digits beyond {@link DTMF_QUEUE_DIGITS} are dropped and counted.
   * @returns how many digits were queued.
   */
  queue(digits: string): number {
    let queued = 0;
    for (const char of digits) {
      const index = DTMF_DIGITS.indexOf(char);
      if (index < 0) continue;
      if (this.#queued === DTMF_QUEUE_DIGITS) {
        this.#dropped++;
        continue;
      }
      this.#queue[(this.#queueHead + this.#queued) % DTMF_QUEUE_DIGITS] = index;
      this.#queued++;
      queued++;
    }
    return queued;
  }

  /** Forget the queued digits and stop at once. */
  clear(): void {
    this.#queued = 0;
    this.#phase = 'idle';
  }

  /**
   * Write tone or gap samples into `dst[offset …]`, up to `count`, while there is something to play.
   * @returns how many samples were written: `count` while busy, fewer when the last gap ends inside
   * the span, 0 when idle. The rest of `dst` is the caller's.
   */
  render(dst: Float32Array, count: number, offset = 0): number {
    let n = 0;
    while (n < count) {
      if (this.#at === this.#length && !this.#advance()) break;
      const take = Math.min(count - n, this.#length - this.#at);
      if (this.#phase === 'tone') this.#tone(dst, offset + n, take);
      else dst.fill(0, offset + n, offset + n + take);
      this.#at += take;
      n += take;
    }
    return n;
  }

  /** Start the next gap or tone. @returns false when there is nothing left to play. */
  #advance(): boolean {
    this.#at = 0;
    if (this.#phase === 'tone') {
      this.#phase = 'gap';
      this.#length = this.#gapSamples;
      return true;
    }
    if (this.#queued === 0) {
      this.#phase = 'idle';
      this.#length = 0;
      return false;
    }
    const index = this.#queue[this.#queueHead] ?? 0;
    this.#queueHead = (this.#queueHead + 1) % DTMF_QUEUE_DIGITS;
    this.#queued--;
    const rowHz = DTMF_ROW_HZ[index >> 2] ?? 0;
    const columnHz = DTMF_COLUMN_HZ[index & 3] ?? 0;
    this.#rowStep = (2 * Math.PI * rowHz) / this.#rateHz;
    this.#columnStep = (2 * Math.PI * columnHz) / this.#rateHz;
    this.#phase = 'tone';
    this.#length = this.#toneSamples;
    return true;
  }

  /** `count` samples of the current tone from sample #at on, both sines starting at phase 0. */
  #tone(dst: Float32Array, offset: number, count: number): void {
    const ramp = this.#rampSamples;
    for (let k = 0; k < count; k++) {
      const i = this.#at + k;
      const edge = Math.min(i, this.#length - 1 - i);
      const envelope = edge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / ramp);
      dst[offset + k] = DTMF_TONE_AMPLITUDE * envelope * (Math.sin(this.#rowStep * i) + Math.sin(this.#columnStep * i));
    }
  }
}
