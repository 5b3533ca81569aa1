/**
 * The published fixtures (`@gag/e2e/playwright`: gateway, fake Asterisk, phone) with the browser
 * a stock Firefox ESR driven over WebDriver BiDi. Playwright's own Firefox protocol (Juggler)
 * exists only in Playwright's patched Firefox build, so the stock browser is reached through BiDi,
 * with the `playwright-core-bidi` library (playwright-core 1.64.1): from 1.65 on, every new
 * context sends `emulation.setMediaFeaturesOverride`, which Firefox ESR 153 answers with
 * "unknown command". The test runner stays @playwright/test; only `browser`, `context` and
 * `page` come from 1.64.1 (same API, another copy of the library).
 */
import type { Browser as RunnerBrowser, BrowserContext as RunnerContext, Page as RunnerPage } from '@playwright/test';
import { firefox } from 'playwright-core-bidi';
import { FIREFOX_PREFS, findFirefox, findPulseAudio } from '../scripts/firefox.mjs';
import { expect, test as base } from '../src/playwright/index.js';
import { startPulseAudio } from './pulse-audio.js';

/** Frequency of Firefox's fake microphone (`media.navigator.audio.fake_frequency`). */
export const FIREFOX_MIC_HZ = 1_000;
/** Firefox's fake microphone is a sine at amplitude 0.1 (fixed): RMS 0.0707, −23 dBFS. */
export const FIREFOX_MIC_DBFS = 20 * Math.log10(0.1 / Math.SQRT2);

/** The published `test` (`phone`, `asterisk`, `gag`, `openPhone`) with every page in Firefox ESR. */
export const test = base.extend<{ _firefoxLog: string[]; _firefoxReport: void }>({
  // One Firefox per worker, playing into a private PulseAudio null sink (see pulse-audio.ts).
  browser: [
    async ({}, use) => {
      const executablePath = findFirefox();
      const pulseaudio = findPulseAudio();
      if (executablePath === undefined || pulseaudio === undefined) {
        throw new Error('No firefox or pulseaudio: run `node e2e/scripts/firefox.mjs` or set GAG_FIREFOX');
      }
      const pulse = await startPulseAudio(pulseaudio);
      try {
        const browser = await firefox.launch({
          channel: 'moz-firefox', // WebDriver BiDi: the stock browser has no Juggler
          executablePath,
          headless: true,
          firefoxUserPrefs: { ...FIREFOX_PREFS, 'media.navigator.audio.fake_frequency': FIREFOX_MIC_HZ },
          env: { ...process.env, PULSE_SERVER: pulse.server },
        });
        await use(browser as unknown as RunnerBrowser);
        await browser.close();
      } finally {
        await pulse.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  context: async ({ browser }, use) => {
    const context: RunnerContext = await browser.newContext();
    await use(context);
    await context.close();
  },
  page: async ({ context, _firefoxLog }, use) => {
    const page: RunnerPage = await context.newPage();
    page.on('console', (m) => void _firefoxLog.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => void _firefoxLog.push(`pageerror: ${e.message}`));
    await use(page);
  },
  _firefoxLog: async ({}, use) => use([]),
  // What the page printed, threw and showed, attached when a test fails (the runner's trace and
  // screenshot hooks see only browsers it launched itself). Torn down first: before the calls are
  // hung up and `phone` closes the page.
  _firefoxReport: [
    async ({ phone, asterisk: _calls, _firefoxLog }, use, testInfo) => {
      await use();
      if (testInfo.status === testInfo.expectedStatus) return;
      await testInfo.attach('firefox console', { body: _firefoxLog.join('\n') || '(nothing)', contentType: 'text/plain' });
      const shown = await phone.page.locator('body').ariaSnapshot({ timeout: 2_000 }).catch((e: unknown) => String(e));
      await testInfo.attach('firefox page', { body: shown, contentType: 'text/plain' });
    },
    { auto: true },
  ],
});

export { expect };
