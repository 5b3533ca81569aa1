/**
 * Keeps Asterisk's playout queue of the browser's audio near a small target for the whole call
 * (issue 22). The browser captures on its own audio clock and Asterisk plays one frame every
 * 20 ms on its clock (docs/chan-websocket.md#media); a headset 0.1 % fast adds a frame every 20 s,
 * about 3.6 s of delay an hour, and at 900 frames MEDIA_XOFF makes the gateway drop the audio.
 *
 * The pacer asks Asterisk for its queue (`GET_STATUS` → `STATUS queue_length`) every
 * {@link UPLINK_STATUS_INTERVAL_MS}, takes the smallest of its last {@link UPLINK_WINDOW_SAMPLES} answers as
 * the standing queue (a late or bunched frame only ever adds to a sample), and when that has left
 * its band brings it back to {@link UPLINK_TARGET_FRAMES}: a frame too many is taken out, a frame
 * too few is added by repeating one. Which frame: it listens for a second to learn how quiet the
 * talker gets, then acts on the first frame within {@link QUIET_MARGIN_DB} of that (or below
 * {@link SILENCE_DBFS}), widening the margin the longer speech goes on without a pause, so a word
 * is cut only when nobody pauses at all. Works the same for every protocol and codec: the frames
 * are only read, and relayed whole.
 * @packageDocumentation
 */
import { frameBytesOf, frameSamplesOf, FRAME_MS, type WireFormat } from '@gag/sdk/protocol';
import type { AsteriskLeg } from '../asterisk/leg.js';
import type { Logger } from '../log.js';
import { dbfsEnergy, frameEnergy } from './frame-level.js';

/**
 * How often the queue is asked for during a call: one short TEXT message a second, 4 ms more than
 * a second so that successive answers fall at different points of Asterisk's 20 ms tick (the five
 * of a window spread over 16 ms of it). At a fixed phase an answer could read the queue only just
 * after a frame arrived, one frame above what stands there through most of the tick.
 */
export const UPLINK_STATUS_INTERVAL_MS = 1_004;
/** Answers whose smallest is the standing queue; a correction waits for a full window. */
export const UPLINK_WINDOW_SAMPLES = 5;
/**
 * The queue the pacer keeps, in frames, as the smallest the tick leaves: one frame, so a browser
 * frame can be 20–40 ms late before Asterisk's tick finds nothing to play (the caller hears a gap
 * since 23.3.0), and the caller hears at most 40 ms of queue.
 */
export const UPLINK_TARGET_FRAMES = 1;
/**
 * A standing queue this big is brought back to the target: one frame over it (20 ms). A frame
 * standing for a whole window is delay the caller hears for nothing; jitter never reads as
 * standing, as the window keeps its smallest answer.
 */
export const UPLINK_HIGH_FRAMES = UPLINK_TARGET_FRAMES + 1;
/** A standing queue this small (empty at some answer) is brought back up before Asterisk's tick goes hungry. */
export const UPLINK_LOW_FRAMES = 0;
/** Frames heard before a correction acts: the quietest of them sets the floor. */
const LISTEN_FRAMES = 1_000 / FRAME_MS;
/** A frame within this many dB of the floor is quiet enough to take out or repeat. */
export const QUIET_MARGIN_DB = 3;
/** A frame below this is silence, taken out or repeated at once. */
export const SILENCE_DBFS = -55;
const SILENCE_ENERGY = dbfsEnergy(SILENCE_DBFS);
/** Each second without a quiet-enough frame widens the margin by this much. */
const WIDEN_DB_PER_SECOND = 3;

/** What the pacer needs of the Asterisk leg. */
export type PacedLeg = Pick<AsteriskLeg, 'requestStatus' | 'sendAudio' | 'on' | 'off'>;

/** What the pacer did so far in a call. */
export interface UplinkPaceStats {
  /** Frames taken out of the browser's audio (it ran ahead of Asterisk). */
  framesTakenOut: number;
  /** Frames repeated (it ran behind). */
  framesAdded: number;
  /** The last `queue_length` Asterisk reported, or -1 before the first. */
  lastQueueFrames: number;
  /** STATUS answers received. */
  statusAnswers: number;
}

/**
 * One call's uplink pacer, from answer to end: relays the browser's frames through
 * {@link UplinkPace.relay} and corrects the drift it measures. `close()` stops it.
 * @example
 * const pace = new UplinkPace(leg, 'slin16', log);
 * phone.on('audio', (frames) => pace.relay(frames));
 * call.once('ended', () => pace.close());
 */
export class UplinkPace {
  readonly stats: UplinkPaceStats = { framesTakenOut: 0, framesAdded: 0, lastQueueFrames: -1, statusAnswers: 0 };
  readonly #leg: PacedLeg;
  readonly #format: WireFormat;
  readonly #frameBytes: number;
  readonly #frameSamples: number;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  readonly #onStatus = (queueLengthFrames: number): void => this.#status(queueLengthFrames);
  /** The last answers since the last correction (at most a window's); the smallest is the standing queue. */
  readonly #window: number[] = [];
  /** Frames still to take out (> 0) or to add (< 0). */
  #debtFrames = 0;
  /**
   * GET_STATUS sent, and the count at which the browser's first frame went out or the last
   * correction was done (-1 before the first frame): answers to earlier requests (Asterisk answers
   * in order) describe the queue before it, and are not measured.
   */
  #asked = 0;
  #freshAfter = -1;
  /** Frames heard since the correction began, and the quietest of them. */
  #heardFrames = 0;
  #floorEnergy = Infinity;

  constructor(leg: PacedLeg, format: WireFormat, log: Logger, statusIntervalMs = UPLINK_STATUS_INTERVAL_MS) {
    this.#leg = leg;
    this.#format = format;
    this.#frameBytes = frameBytesOf(format);
    this.#frameSamples = frameSamplesOf(format);
    this.#log = log;
    leg.on('status', this.#onStatus);
    this.#timer = setInterval(() => {
      this.#asked++;
      leg.requestStatus();
    }, statusIntervalMs);
  }

  /** Frames the pacer still has to take out (> 0) or add (< 0). */
  get debtFrames(): number {
    return this.#debtFrames;
  }

  /**
   * Whole frames from the browser towards Asterisk, with one taken out or repeated while a
   * correction is due. False when the leg dropped them (as `AsteriskLeg.sendAudio`).
   */
  relay(frames: Buffer): boolean {
    if (this.#freshAfter < 0) this.#freshAfter = this.#asked;
    if (this.#debtFrames === 0) return this.#leg.sendAudio(frames);
    const at = this.#quietFrame(frames);
    if (at < 0) return this.#leg.sendAudio(frames);
    const start = at * this.#frameBytes;
    const end = start + this.#frameBytes;
    const takeOut = this.#debtFrames > 0;
    this.#debtFrames += takeOut ? -1 : 1;
    if (takeOut) this.stats.framesTakenOut++;
    else this.stats.framesAdded++;
    // Only what is asked from now on is answered behind these frames.
    if (this.#debtFrames === 0) this.#freshAfter = this.#asked;
    if (!takeOut) return this.#leg.sendAudio(Buffer.concat([frames.subarray(0, end), frames.subarray(start)]));
    if (frames.length === this.#frameBytes) return true; // the whole message was the frame taken out
    return this.#leg.sendAudio(Buffer.concat([frames.subarray(0, start), frames.subarray(end)]));
  }

  /** Stop asking; the leg's own listeners stay. */
  close(): void {
    clearInterval(this.#timer);
    this.#leg.off('status', this.#onStatus);
  }

  /** The index of the first frame in `frames` quiet enough to act on now, or -1. */
  #quietFrame(frames: Buffer): number {
    const count = frames.length / this.#frameBytes;
    for (let i = 0; i < count; i++) {
      const energy = frameEnergy(this.#format, frames, i * this.#frameBytes, this.#frameSamples);
      if (energy < this.#floorEnergy) this.#floorEnergy = energy;
      if (energy <= SILENCE_ENERGY) return i;
      const heard = ++this.#heardFrames;
      if (heard <= LISTEN_FRAMES) continue;
      const marginDb = QUIET_MARGIN_DB + (WIDEN_DB_PER_SECOND * (heard - LISTEN_FRAMES)) / LISTEN_FRAMES;
      if (energy <= this.#floorEnergy * 10 ** (marginDb / 10)) return i;
    }
    return -1;
  }

  #status(queueLengthFrames: number): void {
    this.stats.lastQueueFrames = queueLengthFrames;
    this.stats.statusAnswers++;
    // While a correction is under way, and until Asterisk answers a question asked after it, the
    // queue does not show it yet: measure afresh after it.
    if (this.#debtFrames !== 0 || this.#freshAfter < 0 || this.stats.statusAnswers <= this.#freshAfter) return;
    // A sliding window: a queue that left its band is seen as soon as the last few answers agree.
    this.#window.push(queueLengthFrames);
    if (this.#window.length > UPLINK_WINDOW_SAMPLES) this.#window.shift();
    if (this.#window.length < UPLINK_WINDOW_SAMPLES) return;
    const standing = Math.min(...this.#window);
    if (standing > UPLINK_LOW_FRAMES && standing < UPLINK_HIGH_FRAMES) return;
    this.#window.length = 0;
    this.#debtFrames = standing - UPLINK_TARGET_FRAMES;
    this.#heardFrames = 0;
    this.#floorEnergy = Infinity;
    this.#log.debug({ standingFrames: standing, debtFrames: this.#debtFrames }, 'uplink pace correction');
  }
}
