/**
 * One module and everything it imports, bundled into one minified ES module by Vite's own
 * `build()` in memory: no config file, nothing written. The build step the worklet plugin, the
 * component's lazy call media and the bench's bundle sizes share. Plain JavaScript (types in
 * `bundle-in-memory.d.mts`) so that the bench, which runs compiled from bench/dist, can import it.
 * @packageDocumentation
 */
import { build } from 'vite';

/**
 * Bundle `input` with `plugins` (only those given: no recursion into the caller's own plugin).
 * `keepExports` keeps the entry's exports as a library build does.
 * @throws Error naming `input` when the build produced no entry chunk.
 * @example const { code } = await bundleInMemory('/abs/processors.worklet.ts', [], false);
 */
export async function bundleInMemory(input, plugins, keepExports) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    publicDir: false,
    plugins,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      copyPublicDir: false,
      emptyOutDir: false,
      reportCompressedSize: false,
      modulePreload: false,
      // Not lib mode: Vite keeps whitespace in lib-mode ES output. One script, so no chunks either.
      rolldownOptions: { input, ...(keepExports ? { preserveEntrySignatures: 'strict' } : {}), output: { format: 'es', codeSplitting: false } },
    },
  });
  const files = (Array.isArray(result) ? result : [result]).flatMap((o) => o.output);
  const chunk = files.find((o) => o.type === 'chunk' && o.isEntry);
  if (chunk === undefined) throw new Error(`bundling ${input} produced no entry chunk`);
  return { code: chunk.code, moduleIds: chunk.moduleIds, assets: files.filter((o) => o.type === 'asset') };
}
