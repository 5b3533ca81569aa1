import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { gagLaunchOptions } from './src/playwright/launch.js';

const executablePath = findChromium();
if (executablePath === undefined) throw new Error('No Chromium: run `node e2e/scripts/chromium.mjs` or set GAG_CHROMIUM');

export default defineConfig({
  outputDir: './.tmp/test-results',
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: {
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Debian's Chromium, its microphone a 1 kHz sine at amplitude 0.5 (48 kHz, looped: RMS 0.354, −9 dBFS).
    launchOptions: gagLaunchOptions({ executablePath, args: CHROMIUM_ARGS, micTone: { hz: 1_000, amplitude: 0.5 } }),
  },
  projects: [
    // Every call flow, in real Chromium.
    { name: 'chromium', testDir: './tests', use: { browserName: 'chromium' } },
    // An integrator's spec, using only the published fixtures (`@gag/e2e/playwright`).
    { name: 'examples', testDir: './examples', use: { browserName: 'chromium' } },
  ],
});
