/**
 * Vite plugin for `import source, { url } from './x.worklet.ts?worklet'`: the worklet and
 * everything it imports, bundled into one self-contained, minified ES module.
 * `audioWorklet.addModule()` needs a whole script (its scope has no module loader from our
 * bundle). Two ways to ship it:
 * - `inline` (default): the default export is the module's source, as a string, and `url` is
 *   undefined. The SDK loads it from a Blob URL: no separate file to serve (apps and tests).
 * - `file`: the module is written next to the bundle as `<name>.<hash>.js` (the hash of its
 *   content, so it can be cached for ever), the default export is `''`, and `url` is its address,
 *   resolved when the bundle's script runs against that script's own `src`. For the single-file
 *   `<script>` bundle, whose bytes count against a budget: the worklet costs nothing until a call.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Plugin } from 'vite';
import { bundleInMemory, type InMemoryBundle } from '@gag/sdk/build/bundle-in-memory';

const QUERY = '?worklet';
/** Rollup's convention for virtual ids: the \0 keeps other plugins (TS transform, loaders) away. */
const VIRTUAL_PREFIX = '\0gag-worklet:';

/** Bundle `file` and its imports: no plugins, so no recursion into `?worklet`. */
const bundleWorklet = (file: string): Promise<InMemoryBundle> => bundleInMemory(file, [], false);

/** Options of {@link workletPlugin}. */
export interface WorkletPluginOptions {
  /** `inline` (default): the source in the bundle. `file`: a file of its own next to a classic-script bundle. */
  readonly emit?: 'inline' | 'file';
}

/** Hex characters of the content hash in a `file` worklet's name. */
export const WORKLET_HASH_CHARS = 16;

/** The name a `file` worklet is written under: `processors.worklet.ts` → `processors.worklet.<hash>.js`. */
export function workletFileName(file: string, code: string): string {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, WORKLET_HASH_CHARS);
  return `${basename(file).replace(/\.[cm]?[jt]s$/, '')}.${hash}.js`;
}

/**
 * Module code that sets `url` to the address of `fileName` next to the script that runs the
 * bundle. `document.currentScript` is only set while a classic script runs its top level, which
 * is when this runs (module top level, never inside a function); in a bundle loaded otherwise (a
 * module, or a file the script loaded) the script is found by its name.
 * @example scriptRelativeUrl('call-media.0123456789abcdef.js') // 'const script = …; export const url = …;'
 */
export const scriptRelativeUrl = (fileName: string): string =>
  `const script = document.currentScript ?? document.querySelector('script[src*="gag-phone"]');\n` +
  `export const url = new URL(${JSON.stringify(fileName)}, script?.src || document.baseURI).href;\n`;

/** The `file` module's code: the worklet's address, and no source. */
const fileModule = (fileName: string): string => `${scriptRelativeUrl(fileName)}export default '';\n`;

/**
 * Serves `*?worklet` imports: `export default "<bundled worklet source>"` (and `url` undefined),
 * or with `{ emit: 'file' }` the worklet as a file of its own and its `url`. Works in `vite build`
 * and, inline, in vitest (add it to `plugins`).
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [workletPlugin()] });
 * // sdk/src/audio/call-audio.ts
 * import source, { url } from './processors.worklet.ts?worklet';
 * await context.audioWorklet.addModule(url ?? URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
 */
export function workletPlugin(options: WorkletPluginOptions = {}): Plugin {
  const emit = options.emit ?? 'inline';
  return {
    name: 'gag-worklet',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith(QUERY)) return null;
      // Let Vite resolve the file itself (relative paths, .js → .ts, aliases), then mark it virtual.
      const resolved = await this.resolve(source.slice(0, -QUERY.length), importer, { ...options, skipSelf: true });
      if (resolved === null || resolved.external) {
        this.error(`worklet-plugin: cannot find ${source} imported by ${importer ?? 'the entry'}`);
      }
      return VIRTUAL_PREFIX + resolved.id;
    },
    async load(id) {
      if (!id.startsWith(VIRTUAL_PREFIX)) return null;
      const file = id.slice(VIRTUAL_PREFIX.length);
      this.addWatchFile(file);
      const { code, moduleIds } = await bundleWorklet(file);
      // Rebuild when anything the worklet imports changes, not only its entry.
      for (const moduleId of moduleIds) if (!moduleId.startsWith('\0')) this.addWatchFile(moduleId);
      if (emit === 'inline') return { code: `export default ${JSON.stringify(code)};\nexport const url = undefined;\n`, map: { mappings: '' } };
      const fileName = workletFileName(file, code);
      this.emitFile({ type: 'asset', fileName, source: code });
      return { code: fileModule(fileName), map: { mappings: '' } };
    },
  };
}
