import { defineConfig } from 'vitest/config';
import { workletPlugin } from './sdk/build/worklet-plugin.js';

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
          include: ['gateway/test/**/*.test.ts', 'sdk/test/**/*.test.ts', 'e2e/test/**/*.test.ts'],
          testTimeout: 15_000,
        },
      },
    ],
  },
});
