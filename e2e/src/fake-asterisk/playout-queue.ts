/**
 * Asterisk's queue of the frames an app sends (chan_websocket): "frames the app sends are
 * re-timed by Asterisk" and "Asterisk queues up to ~1000 frames (20 s)" (docs/chan-websocket.md#media),
 * so what an app sends faster than real time waits here and is played one frame per
 * 20 ms. Flow control follows the queue's depth: `MEDIA_XOFF` when it reaches
 * {@link QUEUE_LENGTH_XOFF_LEVEL}, `MEDIA_XON` once it falls under {@link QUEUE_LENGTH_XON_LEVEL}
 * (docs/chan-websocket.md#notifications), and at
 * {@link QUEUE_LENGTH_MAX} further frames are dropped. The queue holds depths and positions only;
 * the audio itself is in the call's {@link Recorder}.
 * @packageDocumentation
 */
import { QUEUE_LENGTH_XOFF_LEVEL, QUEUE_LENGTH_XON_LEVEL } from './control.js';
import type { Recorder } from './recorder.js';

/**
 * The most frames the queue holds (chan_websocket's `QUEUE_LENGTH_MAX`): 20 s of audio.
 * @example await expect.poll(() => call.queue.lengthFrames).toBeLessThanOrEqual(QUEUE_LENGTH_MAX);
 */
export const QUEUE_LENGTH_MAX = 1_000;

/** A point in the queue an app asked to hear about, reported when playout gets there. */
export type QueueMarkCommand = 'MARK_MEDIA' | 'STOP_MEDIA_BUFFERING';

/** What the queue tells the app, through its `FakeCall`, in the call's control format. */
export type QueueNotice =
  | { readonly kind: 'MEDIA_XOFF' | 'MEDIA_XON' | 'QUEUE_DRAINED' }
  | { readonly kind: 'reached'; readonly command: QueueMarkCommand; readonly id: string | undefined };

/**
 * The playout queue of one call. {@link tick} is one 20 ms playout slot (the call's media clock,
 * running from ANSWER); everything else happens as the app's messages arrive.
 * @internal Driven by its `FakeCall` (call.ts); its state shows in GET_STATUS and in `call.queue`.
 * @example
 * const queue = new PlayoutQueue((notice) => send(notice));
 * queue.add(950); // MEDIA_XOFF at the 900th frame
 * for (let i = 0; i < 152; i++) queue.tick(); // MEDIA_XON in the slot that finds 799
 */
export class PlayoutQueue {
  readonly #notify: (notice: QueueNotice) => void;
  #depth = 0;
  /** Frames ever queued and ever played (or flushed): a mark's position is a count of frames queued. */
  #queued = 0;
  #played = 0;
  #full = false;
  #paused = false;
  #drainWanted = false;
  #marks: Array<{ readonly at: number; readonly command: QueueMarkCommand; readonly id: string | undefined }> = [];

  /** @param notify called with each notice, in order, as it happens. */
  constructor(notify: (notice: QueueNotice) => void) {
    this.#notify = notify;
  }

  /** Frames waiting to be played (GET_STATUS `queue_length`). */
  get depthFrames(): number {
    return this.#depth;
  }
  /** Between MEDIA_XOFF and MEDIA_XON (GET_STATUS `queue_full`). */
  get full(): boolean {
    return this.#full;
  }
  /** PAUSE_MEDIA in effect: the queue is not played, the caller hears silence. */
  get paused(): boolean {
    return this.#paused;
  }
  set paused(paused: boolean) {
    this.#paused = paused;
  }
  /** How many more frames the queue takes before it drops them. */
  get roomFrames(): number {
    return QUEUE_LENGTH_MAX - this.#depth;
  }

  /** `count` frames joined the queue (no more than {@link roomFrames}). */
  add(count: number): void {
    if (count <= 0) return;
    this.#depth += count;
    this.#queued += count;
    if (!this.#full && this.#depth >= QUEUE_LENGTH_XOFF_LEVEL) {
      this.#full = true;
      this.#notify({ kind: 'MEDIA_XOFF' });
    }
  }

  /** MARK_MEDIA or STOP_MEDIA_BUFFERING: reported once every frame queued so far has been played (at once if none waits). */
  mark(command: QueueMarkCommand, id: string | undefined): void {
    if (this.#depth === 0) return this.#notify({ kind: 'reached', command, id });
    this.#marks.push({ at: this.#queued, command, id });
  }

  /** REPORT_QUEUE_DRAINED: QUEUE_DRAINED once the queue is empty (at once if it is). */
  reportDrained(): void {
    if (this.#depth === 0) return this.#notify({ kind: 'QUEUE_DRAINED' });
    this.#drainWanted = true;
  }

  /**
   * FLUSH_MEDIA: the queued frames are thrown away, and the marks among them with no report.
   * MEDIA_XON waits for the next slot, as in chan_websocket.c (the command only empties the list).
   */
  flush(): void {
    this.#played = this.#queued;
    this.#depth = 0;
    this.#marks = [];
    if (this.#drainWanted) this.#drained();
  }

  /**
   * One playout slot: the head frame is played, unless paused or empty. As chan_websocket.c's
   * `dequeue_frame()`, MEDIA_XON is decided first, on the length before this slot's frame leaves:
   * it comes one slot after the queue fell under {@link QUEUE_LENGTH_XON_LEVEL}.
   */
  tick(): void {
    if (this.#paused) return;
    if (this.#full && this.#depth < QUEUE_LENGTH_XON_LEVEL) {
      this.#full = false;
      this.#notify({ kind: 'MEDIA_XON' });
    }
    if (this.#depth === 0) return;
    this.#depth--;
    this.#played++;
    while (this.#marks.length > 0 && this.#marks[0]!.at <= this.#played) {
      const { command, id } = this.#marks.shift()!;
      this.#notify({ kind: 'reached', command, id });
    }
    this.#drained();
  }

  /** After the depth fell: QUEUE_DRAINED when empty and asked for. */
  #drained(): void {
    if (this.#drainWanted && this.#depth === 0) {
      this.#drainWanted = false;
      this.#notify({ kind: 'QUEUE_DRAINED' });
    }
  }
}
