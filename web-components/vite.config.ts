import { createRequire } from 'node:module';
import { defaultClientConditions, defineConfig } from 'vite';
import { workletPlugin } from '../sdk/build/worklet-plugin.js';
import { lazyCallMedia } from './build/lazy-call-media.js';
import { lazyFiles } from './build/lazy-files.js';
import { tightTemplates } from './build/tight-templates.js';

/**
 * Two builds (`npm run build` runs both):
 * - default: the drop-in bundle, one IIFE file with lit and the SDK, served by the gateway at
 *   /gag-phone.js. What only a call needs is in files of their own next to it, loaded from the
 *   script's own address: the SDK's call media (`call-media.<hash>.js`, when a call rings) and the
 *   audio worklet (`processors.worklet.<hash>.js`, when it is answered). Together they would be
 *   a third of the script's gzipped bytes; an idle phone on a CRM page does not need them. So are
 *   the keypad and audio panel (`call-panels.<hash>.js`, when a call rings), and the words of each
 *   language (`labels-<lang>.<hash>.js`, at start: a page downloads only its own language):
 *   build/lazy-files.ts.
 * - `--mode esm`: `dist/esm/gag-phone.js` for bundlers, an ES module with lit left as an import
 *   (a dependency the app's bundler shares) and the SDK with its worklet inlined (no file to serve).
 * - `--mode board`: `dist/gag-board.js`, the supervisor's board (`<gag-board>`, issue 21) for a script
 *   tag, built like the drop-in bundle but on its own, so gag-phone.js does not grow: lit and the
 *   SDK again, and the same files next to it (the call media, the worklet and the phone's words:
 *   the same content, the same hashed names). The ES module build has it as a second entry,
 *   `dist/esm/gag-board.js` (`@gag/web-components/board`), sharing chunks with gag-phone.js.
 * Each minifies the element's style sheet (src/gag-phone.css) as written: `light-dark()` stays, as in
 * every browser the phone supports, rather than becoming lightningcss's custom-property stand-in.
 */
const CSS_TARGET = ['chrome123', 'edge123', 'firefox120', 'safari17.5'];

/**
 * eventemitter3 is CommonJS behind a one-line ES wrapper (`index.mjs`) that imports its default
 * export; a bundled default import of CommonJS costs the interop helpers (`__toESM`, ~230 B
 * gzipped). Its CommonJS file itself also carries `EventEmitter` as a named export, which is what
 * the SDK imports: taking that file directly needs no helper.
 */
const alias = [{ find: /^eventemitter3$/, replacement: createRequire(import.meta.url).resolve('eventemitter3') }];

/**
 * `@gag/sdk` from its TypeScript sources (its `source` export condition), not its library build:
 * lazyCallMedia() replaces the SDK's source loader, and the worklets are bundled here.
 */
const resolve = { alias, conditions: ['source', ...defaultClientConditions] };

/** The drop-in builds' plugins: the call media and the phone's words as files next to the script. */
const dropInPlugins = () => [workletPlugin({ emit: 'file' }), lazyCallMedia(), lazyFiles(), tightTemplates()];

export default defineConfig(({ mode }) =>
  mode === 'board'
    ? {
        plugins: dropInPlugins(),
        resolve,
        build: {
          outDir: 'dist',
          emptyOutDir: false, // after the phone's build, next to it
          target: 'es2022',
          cssTarget: CSS_TARGET,
          lib: { entry: 'src/board/iife.ts', formats: ['iife'], name: 'GagBoard', fileName: () => 'gag-board.js' },
        },
      }
    : mode === 'esm'
    ? {
        plugins: [workletPlugin(), tightTemplates()],
        resolve,
        build: {
          outDir: 'dist/esm',
          emptyOutDir: true,
          target: 'es2022',
          cssTarget: CSS_TARGET,
          minify: true,
          lib: { entry: { 'gag-phone': 'src/index.ts', 'gag-board': 'src/board/index.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
          rolldownOptions: { external: [/^lit(\/|$)/, /^@lit\//] },
        },
      }
    : {
        plugins: dropInPlugins(),
        resolve,
        build: {
          outDir: 'dist',
          emptyOutDir: true,
          target: 'es2022',
          cssTarget: CSS_TARGET,
          lib: { entry: 'src/iife.ts', formats: ['iife'], name: 'GagPhone', fileName: () => 'gag-phone.js' },
        },
      },
);
