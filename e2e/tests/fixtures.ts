/**
 * The repository's own Playwright fixtures: the published ones (`@gag/e2e/playwright`, taken from
 * source here), plus the older names e2e/firefox still uses (`fakeAsterisk`, `phonePage`,
 * `playback`, `expectPlaysTone`). New specs use `phone`, `asterisk` and `openPhone`.
 */
import type { Page } from '@playwright/test';
import type { FakeAsterisk, ToneAnalysis } from '../src/index.js';
import { TONE_DBFS, expect, expectTone, test as published, type PhoneEvent } from '../src/playwright/index.js';

/** The phone page of one extension, with the `gag-*` events it dispatched (older name of `phone`). */
export interface PhonePage {
  readonly page: Page;
  readonly extension: string;
  /** `gag-*` events seen so far, in order. */
  events(): Promise<PhoneEvent[]>;
}

export const test = published.extend<{ fakeAsterisk: FakeAsterisk; phonePage: PhonePage }>({
  fakeAsterisk: async ({ asterisk }, use) => use(asterisk.fake),
  phonePage: async ({ phone }, use) => use({ page: phone.page, extension: phone.extension, events: () => phone.events() }),
});

/** What the page's `<gag-phone>` is playing out right now, from the SDK's diagnostics tap. */
export async function playback(phone: PhonePage): Promise<{ samples: number[]; rateHz: number }> {
  return phone.page.evaluate(() => {
    const audio = document.querySelector('gag-phone')?.activeCall?.audio;
    if (audio === undefined) throw new Error('no call audio');
    const analyser = audio.diagnostics.playback;
    const buf = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(buf);
    return { samples: Array.from(buf), rateHz: audio.sampleRateHz };
  });
}

/** Wait (bounded) until what `read` returns carries `hz` at {@link TONE_DBFS} as a clean tone. */
export function expectPlaysTone(read: () => Promise<{ samples: number[]; rateHz: number }>, hz: number): Promise<ToneAnalysis> {
  return expectTone('downlink tone', read, { hz, dbfs: TONE_DBFS });
}

export { TONE_DBFS, expect, expectTone };
export type { GagEnv, GagPhone } from '../src/playwright/index.js';
