import { defineConfig } from 'vite';
import { workletPlugin } from '../sdk/build/worklet-plugin.js';

// The drop-in bundle: one IIFE file with lit, the SDK and the worklets inlined, served by the
// gateway at /gag-phone.js.
export default defineConfig({
  plugins: [workletPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    lib: { entry: 'src/iife.ts', formats: ['iife'], name: 'GagPhone', fileName: () => 'gag-phone.js' },
  },
});
