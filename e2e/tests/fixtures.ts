/**
 * The repository's own Playwright fixtures: the published ones (`@gag/e2e/playwright`, taken from
 * source here), plus the older names multi-tab.spec.ts and screenshots.spec.ts still use
 * (`fakeAsterisk`, `playback`, `expectPlaysTone`). New specs use `phone`, `asterisk` and `openPhone`.
 */
import type { Page } from '@playwright/test';
import type { FakeAsterisk, ToneAnalysis } from '../src/index.js';
import { readPlayback } from '../src/playwright/page-probe.js';
import { TONE_DBFS, expect, expectTone, test as published, type PhoneEvent } from '../src/playwright/index.js';

export const test = published.extend<{ fakeAsterisk: FakeAsterisk }>({
  fakeAsterisk: async ({ asterisk }, use) => use(asterisk.fake),
});

/** A page with `<gag-phone>` and its events (the older shape of `GagPhone`). */
export interface PhonePage {
  readonly page: Page;
  readonly extension: string;
  events(): Promise<PhoneEvent[]>;
}

/** What the first `<gag-phone>` on the page plays out right now, from the SDK's diagnostics tap (`GagPhone.playback()` for a phone). */
export function playback(phone: PhonePage): Promise<{ samples: number[]; rateHz: number }> {
  return phone.page.locator('gag-phone').first().evaluate(readPlayback);
}

/** Wait (bounded) until what `read` returns carries `hz` at {@link TONE_DBFS} as a clean tone. */
export function expectPlaysTone(read: () => Promise<{ samples: number[]; rateHz: number }>, hz: number): Promise<ToneAnalysis> {
  return expectTone('downlink tone', read, { hz, dbfs: TONE_DBFS });
}

export { TONE_DBFS, expect, expectTone };
export type { GagEnv, GagPhone } from '../src/playwright/index.js';
