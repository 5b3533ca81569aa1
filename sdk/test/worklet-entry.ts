/**
 * A one-line entry bundled in memory through the `?worklet` plugin, as `vite build` bundles the
 * drop-in: what the plugin's tests build, inline or with `emit: 'file'`.
 */
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { workletPlugin, type WorkletPluginOptions } from '../build/worklet-plugin.js';

/** The SDK's audio folder, where the worklet sources are. */
export const AUDIO_DIR = fileURLToPath(new URL('../src/audio/', import.meta.url));

const ENTRY = '\0test-entry';

/** Bundle an entry whose whole source is `entrySource`: its entry chunk, and the files emitted beside it. */
export async function bundleEntry(entrySource: string, options: WorkletPluginOptions = {}): Promise<{ chunk: Rolldown.OutputChunk; assets: Rolldown.OutputAsset[] }> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [workletPlugin(options), { name: 'test-entry', resolveId: (id) => (id === ENTRY ? ENTRY : null), load: (id) => (id === ENTRY ? entrySource : null) }],
    build: { write: false, rolldownOptions: { input: ENTRY, preserveEntrySignatures: 'strict', output: { format: 'es' } } },
  });
  const files = ((Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]).flatMap((o) => o.output);
  const chunk = files.find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry);
  if (chunk === undefined) throw new Error('no entry chunk');
  return { chunk, assets: files.filter((o): o is Rolldown.OutputAsset => o.type === 'asset') };
}
