import { defineConfig } from 'vite';
import { workletPlugin } from '../sdk/build/worklet-plugin.js';
import { lazyCallMedia } from './build/lazy-call-media.js';

/**
 * Two builds (`npm run build` runs both):
 * - default: the drop-in bundle, one IIFE file with lit and the SDK, served by the gateway at
 *   /gag-phone.js. What only a call needs is in files of their own next to it, loaded from the
 *   script's own address: the SDK's call media (`call-media.<hash>.js`, when a call rings) and the
 *   audio worklet (`processors.worklet.<hash>.js`, when it is answered). Together they would be
 *   a third of the script's gzipped bytes; an idle phone on a CRM page does not need them.
 * - `--mode esm`: `dist/esm/gag-phone.js` for bundlers, an ES module with lit left as an import
 *   (a dependency the app's bundler shares) and the SDK with its worklet inlined (no file to serve).
 */
export default defineConfig(({ mode }) =>
  mode === 'esm'
    ? {
        plugins: [workletPlugin()],
        build: {
          outDir: 'dist/esm',
          emptyOutDir: true,
          target: 'es2022',
          minify: true,
          lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'gag-phone.js' },
          rolldownOptions: { external: [/^lit(\/|$)/, /^@lit\//] },
        },
      }
    : {
        plugins: [workletPlugin({ emit: 'file' }), lazyCallMedia()],
        build: {
          outDir: 'dist',
          emptyOutDir: true,
          target: 'es2022',
          lib: { entry: 'src/iife.ts', formats: ['iife'], name: 'GagPhone', fileName: () => 'gag-phone.js' },
        },
      },
);
