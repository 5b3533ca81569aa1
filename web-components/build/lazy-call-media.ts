/**
 * Vite plugin for the drop-in bundle: the SDK's call media (`sdk/src/call-media.ts`: the audio
 * graph and the quality reports, needed only once a call rings) becomes a file of its own next to
 * `gag-phone.js`, `call-media.<hash>.js`, which the bundle imports when a call rings. An IIFE
 * cannot split chunks, so the plugin builds that module separately (self-contained ES module,
 * minified, its worklet a file of its own too) and replaces the SDK's loader
 * (`call-media-loader.ts`) with one that imports the file from the script's own address (and, when
 * that fails, says whether the file is gone or the network failed: `sdk/src/code-file.ts`).
 * The file carries its own copies of what it shares with the bundle (`GagError`, the wire units):
 * `Call` adopts the errors it throws.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { bundleInMemory, type InMemoryBundle } from '../../sdk/build/bundle-in-memory.mjs';
import { WORKLET_HASH_CHARS, scriptRelativeUrl, workletPlugin } from '../../sdk/build/worklet-plugin.js';

const SDK_SRC = fileURLToPath(new URL('../../sdk/src/', import.meta.url));
const LOADER = `${SDK_SRC}call-media-loader.ts`;
const MEDIA = `${SDK_SRC}call-media.ts`;
const CODE_FILE = `${SDK_SRC}code-file.ts`;

/** call-media.ts and everything it imports as one ES module, and the files it emits (its worklet). */
const bundleMedia = (): Promise<InMemoryBundle> => bundleInMemory(MEDIA, [workletPlugin({ emit: 'file' })], true);

/**
 * @example
 * // web-components/vite.config.ts, the IIFE build
 * plugins: [workletPlugin({ emit: 'file' }), lazyCallMedia()]
 */
export function lazyCallMedia(): Plugin {
  return {
    name: 'gag-lazy-call-media',
    enforce: 'pre',
    async load(id) {
      if (id !== LOADER) return null;
      const { code, assets, moduleIds } = await bundleMedia();
      for (const moduleId of moduleIds) if (!moduleId.startsWith('\0')) this.addWatchFile(moduleId);
      for (const asset of assets) this.emitFile({ type: 'asset', fileName: asset.fileName, source: asset.source });
      const fileName = `call-media.${createHash('sha256').update(code).digest('hex').slice(0, WORKLET_HASH_CHARS)}.js`;
      this.emitFile({ type: 'asset', fileName, source: code });
      // A file that does not load says why: gone after a gateway upgrade (reload), or the network.
      return (
        `import { codeFileError } from ${JSON.stringify(CODE_FILE)};\n${scriptRelativeUrl(fileName)}` +
        `export const loadCallMedia = () => import(url).catch(async (e) => { throw await codeFileError(url, e); });\n`
      );
    },
  };
}
