import { defineConfig } from 'vite';
import { workletPlugin } from './build/worklet-plugin.js';

/**
 * The SDK's library build (`npm run build -w @gag/sdk`): ES modules for apps' bundlers in dist/,
 * beside what `tsc -b` writes there for Node (`./protocol`, `./g711`, `./resampler`).
 * - `index.js` (`@gag/sdk`), `call-media-loader.js` (`@gag/sdk/call-media`) and `supervisor.js`
 *   (`@gag/sdk/supervisor`: the board and listen / whisper / barge; what it shares with the core,
 *   such as `GagError`, comes from a shared chunk so `instanceof` holds across both); the call's audio
 *   and quality code, which the SDK imports only when a call rings, stays a chunk of its own
 *   (dist/chunks/) so an app's bundler can split it off as well.
 * - The audio worklets are inlined as strings (`?worklet`, loaded from a Blob URL), as in the
 *   component's ES module: an app has no worklet file to serve and needs no plugin of ours.
 * - The dependencies (eventemitter3, valibot) stay imports, for the app to resolve and share.
 * - Not minified: the app's bundler minifies, and readable code is easier to debug.
 * Declarations come next from `tsc -p tsconfig.lib.json`.
 */
export default defineConfig({
  plugins: [workletPlugin()],
  build: {
    outDir: 'dist',
    // dist/ also holds tsc's output for the Node entry points: keep it.
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    lib: {
      entry: { index: 'src/index.ts', 'call-media-loader': 'src/call-media-loader.ts', supervisor: 'src/supervisor.ts' },
      formats: ['es'],
      fileName: (_format, entryName) => `${entryName}.js`,
    },
    rolldownOptions: {
      external: [/^eventemitter3(\/|$)/, /^valibot(\/|$)/],
      // No hash: a rebuild overwrites its chunks instead of leaving old ones in dist/.
      output: { chunkFileNames: 'chunks/[name].js' },
    },
  },
});
