import { playwright } from '@vitest/browser-playwright';
import { configDefaults, defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, findChromium } from './e2e/scripts/chromium.mjs';
import { workletPlugin } from './sdk/build/worklet-plugin.js';

/** Tests that need a real browser (Web Audio, AudioWorklet): the `browser` project, never `node`. */
const BROWSER_TESTS = ['sdk/test/browser/**/*.test.ts', 'web-components/test/browser/**/*.test.ts'];

// Workspace packages export their TypeScript sources under the "source" condition, so tests
// run against src/ without a build; Node and tsc use the built dist/ files.
export default defineConfig({
  // `?worklet` imports become the bundled worklet source, as in the component build.
  plugins: [workletPlugin()],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['gateway/test/**/*.test.ts', 'sdk/test/**/*.test.ts', 'e2e/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...BROWSER_TESTS],
          testTimeout: 15_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER_TESTS,
          testTimeout: 15_000,
          // Says how to get Chromium when there is none, before Playwright would suggest downloading one.
          globalSetup: ['vitest.browser-setup.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false, // audio tests have nothing to see
            // Debian's Chromium (house style §10): never a browser downloaded by Playwright.
            provider: playwright({ launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
