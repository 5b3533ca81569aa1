/**
 * A call's progress through its {@link RingPlan}: the step ringing now, and the phones that
 * rejected or dropped out, which a group going round never rings again. The call (`call.ts`)
 * decides when to move on; this decides who rings next.
 * @packageDocumentation
 */
import type { Phone } from '../browser/phone.js';
import type { RingPlan } from './ring-plan.js';

/**
 * Where a call is in its plan.
 * @example
 * const steps = new RingSteps(plan, available);
 * const phones = steps.next(); // the first step with a phone available, or undefined
 */
export class RingSteps {
  readonly #plan: RingPlan;
  readonly #available: (extensions: readonly string[]) => Phone[];
  /** Phones that rejected or dropped out. */
  readonly #declined = new Set<Phone>();
  /** Index of the plan's current step; −1 before the first. */
  #step = -1;

  /** `available`: the phones of these extensions that can ring now (online, not in a call). */
  constructor(plan: RingPlan, available: (extensions: readonly string[]) => Phone[]) {
    this.#plan = plan;
    this.#available = available;
  }

  /** The current step's index (for logs). */
  get index(): number {
    return this.#step;
  }

  /** How long the current step rings. */
  get durationMs(): number {
    return this.#plan.steps[this.#step]?.durationMs ?? 0;
  }

  /** `phone` rejected or dropped out: it never rings for this call again. */
  decline(phone: Phone): void {
    this.#declined.add(phone);
  }

  /**
   * Whether `phone`, logging in now, may join the current step: it includes the phone's
   * extension, the phone may take the call by the rules the step was rung with, and it has not
   * dropped out.
   */
  admits(phone: Phone): boolean {
    const step = this.#plan.steps[this.#step];
    return step !== undefined && !this.#declined.has(phone) && this.#available(step.extensions).includes(phone);
  }

  /**
   * Move to the next step of the plan that has a phone available (wrapping round for a looping
   * plan, trying each step at most once) and return its phones; undefined when none has.
   */
  next(): Phone[] | undefined {
    const { steps, loop } = this.#plan;
    for (let tried = 0; tried < steps.length; tried++) {
      const next = this.#step + 1;
      if (next >= steps.length && !loop) return undefined;
      this.#step = next % steps.length;
      const phones = this.#available(steps[this.#step]!.extensions).filter((p) => !this.#declined.has(p));
      if (phones.length > 0) return phones;
    }
    return undefined;
  }
}
