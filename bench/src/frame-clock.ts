/**
 * ONE drift-free timer that paces every call of the load generator, instead of a timer per call
 * (the e2e FakeCall's Player) which at 1,000 calls would mean 50,000 timer callbacks a second.
 * Calls are spread over {@link SLOTS} phases of the 20 ms frame period, as real channels are (a
 * channel's timer starts when it answers), so the gateway does not see every call's frame at
 * the same instant. Slot k is due at t0 + k·SLOT_MS; a late wake-up processes every slot that is
 * due (lateness never accumulates), and how late each slot ran is recorded as the generator's
 * own lag: if the parent cannot keep up, the figures say so.
 * @packageDocumentation
 */
import { FRAME_MS } from '@gag/sdk/protocol';
import { Samples } from './samples.js';

/** Granularity of the shared timer. */
export const SLOT_MS = 1;
/** Phases per frame period. */
export const SLOTS = FRAME_MS / SLOT_MS;
/** A clock further behind than this skips the missed slots (and counts their frames) rather than burst. */
const MAX_CATCH_UP_MS = 200;

/** Something that sends one frame per period when its slot comes round. */
export interface FrameSender {
  sendFrame(nowMs: number): void;
}

export class FrameClock {
  readonly #slots: FrameSender[][] = Array.from({ length: SLOTS }, () => []);
  #t0Ms = 0;
  #nextSlot = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #lagMs: Samples;
  readonly #lagCapacity: number;
  /** Frames not sent because the clock was more than MAX_CATCH_UP_MS late. */
  framesSkippedLate = 0;

  /** @param runMs how long the clock will run, to size the lag samples (one per slot). */
  constructor(runMs: number) {
    this.#lagCapacity = (runMs / SLOT_MS) * 1.2 + 1_000;
    this.#lagMs = new Samples(this.#lagCapacity);
  }

  /** Add a sender at phase `index mod SLOTS`. */
  add(sender: FrameSender, index: number): void {
    this.#slots[index % SLOTS]!.push(sender);
  }

  /** How late each slot ran since the last reset, ms. */
  get lagMs(): Samples {
    return this.#lagMs;
  }

  /** Start a new lag record and skip count (the measurement window begins). */
  resetLag(): void {
    this.#lagMs = new Samples(this.#lagCapacity);
    this.framesSkippedLate = 0;
  }

  start(): void {
    this.#running = true;
    this.#t0Ms = performance.now();
    this.#nextSlot = 0;
    this.#tick();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    if (!this.#running) return;
    const nowMs = performance.now();
    const dueSlot = Math.floor((nowMs - this.#t0Ms) / SLOT_MS);
    const oldestAllowed = dueSlot - MAX_CATCH_UP_MS / SLOT_MS;
    for (; this.#nextSlot < oldestAllowed; this.#nextSlot++) this.framesSkippedLate += this.#slots[this.#nextSlot % SLOTS]!.length;
    for (; this.#nextSlot <= dueSlot; this.#nextSlot++) {
      const senders = this.#slots[this.#nextSlot % SLOTS]!;
      if (senders.length === 0) continue;
      const sendNowMs = performance.now();
      this.#lagMs.add(sendNowMs - (this.#t0Ms + this.#nextSlot * SLOT_MS));
      for (const sender of senders) sender.sendFrame(sendNowMs);
    }
    const waitMs = this.#t0Ms + this.#nextSlot * SLOT_MS - performance.now();
    this.#timer = setTimeout(this.#tick, Math.max(0, waitMs));
  };
}
