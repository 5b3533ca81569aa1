/**
 * Vite plugin for `import source from './x.worklet.ts?worklet'`: the default export is the
 * worklet and everything it imports, bundled into one self-contained, minified ES module, as a
 * string. `audioWorklet.addModule()` needs a whole script (its scope has no module loader from our
 * bundle), and a string lets the SDK load it from a Blob URL without a separate file to serve.
 * @packageDocumentation
 */
import { build, type Plugin, type Rolldown } from 'vite';

const QUERY = '?worklet';
/** Rollup's convention for virtual ids: the \0 keeps other plugins (TS transform, loaders) away. */
const VIRTUAL_PREFIX = '\0gag-worklet:';

/**
 * Bundle `file` and its imports into one ES module with Vite's own `build()`: no config file, no
 * plugins (so no recursion into `?worklet`), nothing written.
 */
async function bundleWorklet(file: string): Promise<{ code: string; moduleIds: readonly string[] }> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    publicDir: false,
    plugins: [],
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      copyPublicDir: false,
      emptyOutDir: false,
      reportCompressedSize: false,
      modulePreload: false,
      // Not lib mode: Vite keeps whitespace in lib-mode ES output. A worklet is one script, so
      // no chunks either.
      rolldownOptions: { input: file, output: { format: 'es', codeSplitting: false } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry);
  if (chunk === undefined) throw new Error(`worklet-plugin: bundling ${file} produced no entry chunk`);
  return { code: chunk.code, moduleIds: chunk.moduleIds };
}

/**
 * Serves `*?worklet` imports as `export default "<bundled worklet source>"`. Works in `vite build`
 * and in vitest (add it to `plugins`).
 * @example
 * // vite.config.ts
 * export default defineConfig({ plugins: [workletPlugin()] });
 * // sdk/src/audio/call-audio.ts
 * import captureSource from './capture.worklet.ts?worklet';
 * const url = URL.createObjectURL(new Blob([captureSource], { type: 'text/javascript' }));
 */
export function workletPlugin(): Plugin {
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
      return { code: `export default ${JSON.stringify(code)};\n`, map: { mappings: '' } };
    },
  };
}
