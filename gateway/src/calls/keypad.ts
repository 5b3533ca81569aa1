/**
 * The keys the phone talking in a call presses, on their way to Asterisk (`dtmf` messages, the
 * `dtmf` feature). One queue per call: digits go one at a time, each after Asterisk answered the
 * one before, so a fast typist's digits keep their order; the queue is bounded, and what is left
 * of it goes with the call. Digits are never logged: they can be a PIN or a card number.
 * @packageDocumentation
 */
import { MAX_DTMF_DIGITS } from '@gag/sdk/protocol';
import type { Logger } from '../log.js';
import type { DtmfSender } from '../originate/originator.js';

/**
 * What became of a digit (the `result` of `gag_dtmf_digits_total`): `sent` (Asterisk queued it),
 * `failed` (Asterisk refused it or could not be reached, or a digit before it in the same run
 * failed), `dropped` (too many waiting, or the call ended first).
 */
export const DTMF_DIGIT_RESULTS = ['sent', 'failed', 'dropped'] as const;
/** One of {@link DTMF_DIGIT_RESULTS}. */
export type DtmfDigitResult = (typeof DTMF_DIGIT_RESULTS)[number];

/** Digits one call keeps waiting for Asterisk; more are dropped. As many as one `dtmf` message carries. */
export const MAX_PENDING_DTMF_DIGITS = MAX_DTMF_DIGITS;

/** Where a call's keys go, and who hears of each digit's fate. */
export interface KeypadOptions {
  readonly sender: DtmfSender;
  /** The call's channel in Asterisk, MEDIA_START's `channel`. */
  readonly channel: string;
  /** The call's logger. */
  readonly log: Logger;
  /** Each digit's outcome, once (metrics). */
  readonly onDigit: (result: DtmfDigitResult) => void;
}

/**
 * One call's keys towards Asterisk.
 * @example
 * const keypad = new Keypad({ sender: originator.dtmf, channel: start.channel, log, onDigit });
 * keypad.press('12#'); // PlayDTMF 1, then 2, then #
 * keypad.close(); // the call ended: what still waits is dropped
 */
export class Keypad {
  readonly #options: KeypadOptions;
  #pending = '';
  #sending = false;
  #closed = false;
  /** A failing AMI fails every digit: the log hears of it once a call, the metrics of each. */
  #warned = false;

  constructor(options: KeypadOptions) {
    this.#options = options;
  }

  /** Queue `digits` (checked by the protocol) behind those still waiting. */
  press(digits: string): void {
    if (this.#closed) return this.#count('dropped', digits.length);
    const taken = digits.slice(0, Math.max(0, MAX_PENDING_DTMF_DIGITS - this.#pending.length));
    this.#pending += taken;
    if (taken.length < digits.length) {
      this.#count('dropped', digits.length - taken.length);
      this.#warnOnce({ dropped: digits.length - taken.length, waiting: this.#pending.length }, 'dtmf dropped: too many digits waiting for asterisk');
    }
    if (!this.#sending) this.#send().catch((err: unknown) => this.#options.log.error({ err }, 'dtmf sending crashed'));
  }

  /** The call ended: digits still waiting are dropped; one already with Asterisk completes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#count('dropped', this.#pending.length);
    this.#pending = '';
  }

  async #send(): Promise<void> {
    this.#sending = true;
    try {
      while (!this.#closed && this.#pending !== '') {
        const digit = this.#pending.charAt(0);
        this.#pending = this.#pending.slice(1);
        const outcome = await this.#options.sender.sendDtmf(this.#options.channel, digit);
        if (outcome.ok) {
          this.#options.onDigit('sent');
          continue;
        }
        // The digits typed with it would reach an IVR with a hole in the number: they go too.
        const failed = 1 + this.#pending.length;
        this.#pending = '';
        this.#count('failed', failed);
        this.#warnOnce({ detail: outcome.detail, failed }, 'dtmf not delivered to asterisk');
      }
    } finally {
      this.#sending = false;
    }
  }

  #count(result: DtmfDigitResult, digits: number): void {
    for (let i = 0; i < digits; i++) this.#options.onDigit(result);
  }

  #warnOnce(fields: Record<string, unknown>, msg: string): void {
    if (this.#warned) return;
    this.#warned = true;
    this.#options.log.warn(fields, msg);
  }
}
