/**
 * A page with `<gag-phone>` as a test drives it: what it shows, the `gag-*` events it dispatches,
 * its buttons (by role and name, in English or Japanese), and what it plays.
 * @packageDocumentation
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { ToneAnalysis } from '../tones.js';
import { expectTone, type ToneExpectation } from './audio-expect.js';
import { readConnectionState, readEvents, readPlayback, sendDtmf, type PhoneEvent } from './page-probe.js';

/**
 * A caller's number as text on the phone, whichever way its `format-number` groups the digits
 * (`0312345678` shows as `03-1234-5678`): the same characters, a space or hyphen allowed between.
 */
const writtenNumber = (number: string): RegExp =>
  new RegExp(`^${[...number].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s-]?')}$`);

/** The phone's buttons by accessible name, in the component's two languages. */
const BUTTONS = {
  answer: /^(Answer|応答)/,
  reject: /^(Reject|拒否)/,
  hangup: /^(Hang up|切断)/,
  mute: /^(Mute|Unmute|ミュート|ミュート解除)$/,
  keypad: /^(Keypad|キーパッド)$/,
} as const;

/**
 * How a call ended, as `gag-ended` says (the SDK's `EndReason`).
 * @example await phone.expectEnded({ reason: 'remote_hangup' satisfies EndReason });
 */
export type EndReason = 'hangup' | 'remote_hangup' | 'caller_hangup' | 'rejected' | 'answered_elsewhere' | 'timeout' | 'connection_lost' | 'failed';

/**
 * Who the phone should show as calling.
 * @example await phone.expectRinging({ from: '0312345678', name: 'Tanaka' });
 */
export interface CallerExpectation {
  /** The caller's number, shown and in `gag-incoming`'s `callerNumber`. */
  readonly from?: string;
  /** The caller's name, shown and in `callerName`. */
  readonly name?: string;
}

/**
 * One phone: a page (a browser tab of its own device) with `<gag-phone>` logged in as
 * `extension`. Each `expect…` waits (bounded) for the next event of its kind, so a test reads in
 * the order things happen. A page that reloads or navigates starts afresh: the expectations
 * follow its new document.
 * @example
 * await phone.expectRinging({ from: '0312345678' });
 * await phone.answer();
 * await phone.expectAudio({ hz: 440 });
 * await phone.hangup();
 * await phone.expectEnded({ reason: 'hangup' });
 */
export class GagPhone {
  /** The page the phone is on. */
  readonly page: Page;
  /** The extension it is logged in as. */
  readonly extension: string;
  /** The `<gag-phone>` element (Playwright's locators pierce its shadow root). */
  readonly element: Locator;
  /** Events of each type an `expect…` already took, in the page's current document (`#document`). */
  readonly #taken = new Map<string, number>();
  #document = '';

  /** @internal Made by the `phone` fixture and `openPhone()`. */
  constructor(page: Page, extension: string, selector = 'gag-phone') {
    this.page = page;
    this.extension = extension;
    this.element = page.locator(selector);
  }

  /** Every event recorded so far since the page (re)loaded, in order: `gag-*` events and `call-dtmf` (a key the caller pressed). */
  async events(): Promise<PhoneEvent[]> {
    return this.#read();
  }

  /** The SDK client's state: `online`, `reconnecting`… */
  connectionState(): Promise<string | undefined> {
    return this.element.evaluate(readConnectionState);
  }

  /** Wait until the phone is logged in and idle. */
  async expectOnline(): Promise<void> {
    await expect.poll(() => this.connectionState(), { message: `phone ${this.extension} online` }).toBe('online');
  }

  /** Wait for the next call ringing here, showing `from` and `name` when given; returns `gag-incoming`'s detail. */
  async expectRinging(caller: CallerExpectation = {}): Promise<PhoneEvent['detail']> {
    const incoming = await this.#next('gag-incoming');
    if (caller.from !== undefined) expect(incoming.callerNumber, 'gag-incoming callerNumber').toBe(caller.from);
    if (caller.name !== undefined) expect(incoming.callerName, 'gag-incoming callerName').toBe(caller.name);
    // The number as the phone writes it (`format-number`: 03-1234-5678 for 0312345678).
    if (caller.from !== undefined) await expect(this.element.getByText(writtenNumber(caller.from))).toBeVisible();
    if (caller.name !== undefined) await expect(this.element.getByText(caller.name)).toBeVisible();
    await expect(this.button('answer')).toBeVisible();
    return incoming;
  }

  /** Click Answer. */
  async answer(): Promise<void> {
    await this.button('answer').click();
  }

  /** Click Reject. */
  async reject(): Promise<void> {
    await this.button('reject').click();
  }

  /** Click Hang up. */
  async hangup(): Promise<void> {
    await this.button('hangup').click();
  }

  /** Click Mute (again to unmute). */
  async toggleMute(): Promise<void> {
    await this.button('mute').click();
  }

  /** Wait for the next `gag-answered`: the call is up here, audio flows both ways. */
  async expectTalking(): Promise<void> {
    await this.#next('gag-answered');
    await expect(this.button('hangup')).toBeVisible();
  }

  /** Wait for the next `gag-ended` (with `reason`, when given); returns its detail. */
  async expectEnded(expected: { reason?: EndReason } = {}): Promise<PhoneEvent['detail']> {
    const ended = await this.#next('gag-ended');
    if (expected.reason !== undefined) expect(ended.reason, 'gag-ended reason').toBe(expected.reason);
    await expect(this.button('hangup')).toBeHidden();
    return ended;
  }

  /** No call rang here beyond those an `expectRinging()` already took (e.g. a busy extension's second call). */
  async expectNoRing(): Promise<void> {
    const rang = (await this.#read()).filter((e) => e.type === 'gag-incoming').length;
    expect(rang, `phone ${this.extension} rang`).toBe(this.#taken.get('gag-incoming') ?? 0);
  }

  /** Wait until the phone plays the tone (measured at the SDK's playback tap, after the jitter buffer). */
  expectAudio(expected: ToneExpectation): Promise<ToneAnalysis> {
    return expectTone(`phone ${this.extension} plays`, () => this.playback(), expected);
  }

  /** What the phone plays right now (one analyser window), or undefined outside a call. */
  async playback(): Promise<
    | {
        /** The analyser's window of what is played, −1…1. */
        samples: number[];
        /** The audio's sample rate, Hz (the device's). */
        rateHz: number;
      }
    | undefined
  > {
    return this.element.evaluate(readPlayback).catch(() => undefined);
  }

  /** Send keys in the call through the SDK (`activeCall.sendDtmf`): out of band when the gateway lists `dtmf`, else in-band tones. */
  async sendDtmf(digits: string): Promise<void> {
    await this.element.evaluate(sendDtmf, digits);
  }

  /** Press keys on the phone's keypad, one click a key, opening the keypad first if it is closed. */
  async pressKeys(digits: string): Promise<void> {
    const keypad = this.element.getByRole('group', { name: BUTTONS.keypad });
    if (!(await keypad.isVisible())) await this.button('keypad').click();
    for (const digit of digits) await keypad.getByRole('button', { name: digit, exact: true }).click();
  }

  /** Wait until the keys the caller pressed (Asterisk's DTMF_END) reached the page's call, in order. */
  async expectDtmf(digits: string): Promise<void> {
    await expect
      .poll(async () => (await this.events()).filter((e) => e.type === 'call-dtmf').map((e) => String(e.detail['digit'])).join(''), {
        message: `phone ${this.extension} got DTMF`,
      })
      .toBe(digits);
  }

  /** One of the phone's buttons. */
  button(name: keyof typeof BUTTONS): Locator {
    return this.element.getByRole('button', { name: BUTTONS[name] });
  }

  /** The events of the page's document; a new document (a reload) starts the count of taken events again. */
  async #read(): Promise<PhoneEvent[]> {
    const { document, events } = await this.page.evaluate(readEvents);
    if (document !== this.#document) {
      this.#document = document;
      this.#taken.clear();
    }
    return events;
  }

  /** The next event of `type` not yet taken by an `expect…`, waiting for it. */
  async #next(type: string): Promise<Readonly<Record<string, unknown>>> {
    let found: PhoneEvent | undefined;
    let index = 0;
    await expect
      .poll(
        async () => {
          const events = await this.#read();
          index = this.#taken.get(type) ?? 0;
          found = events.filter((e) => e.type === type)[index];
          return found !== undefined;
        },
        { message: `phone ${this.extension}: the next ${type} (${this.#taken.get(type) ?? 0} taken so far)` },
      )
      .toBe(true);
    this.#taken.set(type, index + 1);
    return found!.detail;
  }
}
