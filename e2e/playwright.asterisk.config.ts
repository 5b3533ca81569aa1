import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config.js';

/**
 * The real-Asterisk tier (e2e/asterisk/): the same Chromium and fake microphone as the main
 * suite, calls through a real Asterisk 23 built by `node e2e/scripts/asterisk.mjs`.
 */
export default defineConfig({
  ...baseConfig,
  outputDir: './.tmp/test-results-asterisk',
  timeout: 60_000,
  projects: [{ name: 'real-asterisk', testDir: './asterisk', use: { browserName: 'chromium' } }],
});
