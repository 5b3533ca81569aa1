/**
 * Waiting for a tone: the shared poll behind `phone.expectAudio()` (what the browser plays) and
 * `call.expectAudio()` (what Asterisk receives). A tone counts when its frequency is within 2 %
 * (house style: Goertzel tone detection both ways), it is clean (one tone carries most of the
 * power) and, when asked, its level is within 3 dB.
 * @packageDocumentation
 */
import { expect, test } from '@playwright/test';
import { analyseTone, isTone, type ToneAnalysis, type ToneCriteria } from '../tones.js';

export { isTone };

/**
 * What a tone must be, and how long to wait for it.
 * @example await call.expectAudio({ hz: 1000, dbfs: -9, timeoutMs: 10_000 });
 */
export interface ToneExpectation extends ToneCriteria {
  /** How long to wait for it (default 5 s). */
  readonly timeoutMs?: number;
}

/**
 * Poll `read` (bounded) until it carries the tone; the last analysis is returned, and noted on
 * the test as an annotation (`what`) so a report shows what was measured. Fails the test (an
 * `expect.poll` error) when the tone does not come within `timeoutMs`.
 * @example
 * await expectTone('my page plays', () => readMyPlayback(page), { hz: 440 });
 */
export async function expectTone(what: string, read: () => Promise<{ samples: ArrayLike<number>; rateHz: number } | undefined>, expected: ToneExpectation): Promise<ToneAnalysis> {
  let heard: ToneAnalysis | undefined;
  await expect
    .poll(
      async () => {
        const got = await read();
        if (got === undefined) return 'nothing yet';
        heard = analyseTone(got.samples, got.rateHz);
        return isTone(heard, expected) ? 'heard' : JSON.stringify(heard);
      },
      { timeout: expected.timeoutMs ?? 5_000, message: `${what}: ${expected.hz} Hz${expected.dbfs === undefined ? '' : ` at ${expected.dbfs.toFixed(1)} dBFS`}` },
    )
    .toBe('heard');
  test.info().annotations.push({ type: what, description: JSON.stringify(heard) });
  return heard!;
}
