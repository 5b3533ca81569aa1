import { defineConfig } from '@playwright/test';

/**
 * The core call scenarios in Debian's Firefox ESR (e2e/firefox/): its own config because the
 * browser is launched by the fixtures over WebDriver BiDi (see e2e/firefox/fixtures.ts), not by
 * the runner. Needs `node e2e/scripts/firefox.mjs` (firefox-esr and pulseaudio) first.
 */
export default defineConfig({
  testDir: './firefox',
  outputDir: './.tmp/test-results-firefox',
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  // The runner's trace and screenshot hooks see only browsers it launched itself.
  use: { trace: 'off', screenshot: 'off', video: 'off' },
  projects: [{ name: 'firefox-esr' }],
});
