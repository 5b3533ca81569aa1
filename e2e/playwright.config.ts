import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { sineFloat } from './src/tones.js';
import { wavFile } from './src/wav.js';

/** The fake microphone: a 1 kHz sine at amplitude 0.5, 48 kHz, looped by Chromium (whole cycles: no click at the loop). */
export const MIC_TONE_HZ = 1_000;
const tmp = fileURLToPath(new URL('./.tmp/', import.meta.url));
mkdirSync(tmp, { recursive: true });
const micWav = `${tmp}mic-${MIC_TONE_HZ}hz.wav`;
writeFileSync(micWav, wavFile(sineFloat(MIC_TONE_HZ, 48_000, 48_000 * 2, 0.5), 48_000));

const executablePath = findChromium();
if (executablePath === undefined) throw new Error('No Chromium: run `node e2e/scripts/chromium.mjs` or set GAG_CHROMIUM');

export default defineConfig({
  testDir: './tests',
  outputDir: './.tmp/test-results',
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${micWav}`],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
