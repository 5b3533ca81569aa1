/**
 * Vite plugin for the drop-in bundle: parts of `<gag-phone>` that not every page needs at once
 * become files of their own next to `gag-phone.js`, each imported from the script's own address
 * by a loader module the plugin writes in place of the source one:
 * - `labels-<lang>.<hash>.js`: the words of one language (`src/labels/load.ts`); a page loads
 *   only its own language;
 * - `call-panels.<hash>.js`: the keypad and the audio panel (`src/call-panels-loader.ts`), loaded
 *   when a call rings, like the SDK's call media (build/lazy-call-media.ts).
 * A file that does not load says why, as the call media does (`sdk/src/code-file.ts`).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Plugin, Rollup } from 'vite';
import { bundleInMemory } from '../../sdk/build/bundle-in-memory.mjs';
import { WORKLET_HASH_CHARS } from '../../sdk/build/worklet-plugin.js';
import { tightTemplates } from './tight-templates.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const CODE_FILE = fileURLToPath(new URL('../../sdk/src/code-file.ts', import.meta.url));
const LANGS = ['en', 'ja'] as const;

/**
 * The loaders' one helper, a module of its own: `load(file)` imports the file from next to the
 * script (its address read while the script first runs), or says why it could not.
 */
const LOAD_ID = '\0gag-lazy-load';
const LOAD =
  `import { codeFileError } from ${JSON.stringify(CODE_FILE)};\n` +
  `const script = document.currentScript ?? document.querySelector('script[src*="gag-phone"]');\n` +
  `export const load = (file) => { const url = new URL(file, script?.src || document.baseURI).href; return import(url).catch(async (e) => { throw await codeFileError(url, e); }); };\n`;
const IMPORT_LOAD = `import { load } from ${JSON.stringify(LOAD_ID)};\n`;

/** `entry` and what it imports as one minified ES module, emitted as `<name>.<hash>.js`; its file name. */
async function emitBundle(ctx: Rollup.PluginContext, entry: string, name: string): Promise<string> {
  const { code, moduleIds } = await bundleInMemory(entry, [tightTemplates()], true);
  for (const moduleId of moduleIds) if (!moduleId.startsWith('\0')) ctx.addWatchFile(moduleId);
  const fileName = `${name}.${createHash('sha256').update(code).digest('hex').slice(0, WORKLET_HASH_CHARS)}.js`;
  ctx.emitFile({ type: 'asset', fileName, source: code });
  return fileName;
}

/**
 * @example
 * // web-components/vite.config.ts, the IIFE build
 * plugins: [lazyFiles()]
 */
export function lazyFiles(): Plugin {
  return {
    name: 'gag-lazy-files',
    enforce: 'pre',
    resolveId(id) {
      return id === LOAD_ID ? id : null;
    },
    async load(id) {
      if (id === LOAD_ID) return LOAD;
      if (id === `${SRC}labels/load.ts`) {
        const files: Record<string, string> = {};
        for (const lang of LANGS) files[lang] = await emitBundle(this, `${SRC}labels/${lang}.ts`, `labels-${lang}`);
        return `${IMPORT_LOAD}const files = ${JSON.stringify(files)};\nexport const loadLabels = (lang) => load(files[lang]).then((m) => m[lang]);\n`;
      }
      if (id === `${SRC}call-panels-loader.ts`) {
        const file = await emitBundle(this, `${SRC}call-panels.ts`, 'call-panels');
        return `${IMPORT_LOAD}export const loadCallPanels = () => load(${JSON.stringify(file)});\n`;
      }
      return null;
    },
  };
}
