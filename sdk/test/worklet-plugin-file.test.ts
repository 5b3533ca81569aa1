import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { afterEach, describe, expect, test } from 'vitest';
import { workletPlugin } from '../build/worklet-plugin.js';

const audioDir = fileURLToPath(new URL('../src/audio/', import.meta.url));
const ENTRY = '\0test-entry';

/** Build an entry that re-exports `processors.worklet.ts?worklet` with `{ emit: 'file' }`, as the drop-in bundle does. */
async function buildWithFileWorklet(): Promise<{ chunk: Rolldown.OutputChunk; assets: Rolldown.OutputAsset[] }> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [
      workletPlugin({ emit: 'file' }),
      {
        name: 'test-entry',
        resolveId: (id) => (id === ENTRY ? ENTRY : null),
        load: (id) => (id === ENTRY ? `export { default, url } from ${JSON.stringify(`${audioDir}processors.worklet.ts?worklet`)};` : null),
      },
    ],
    build: { write: false, rolldownOptions: { input: ENTRY, preserveEntrySignatures: 'strict', output: { format: 'es' } } },
  });
  const output = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const files = output.flatMap((o) => o.output);
  const chunk = files.find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry);
  if (chunk === undefined) throw new Error('no entry chunk');
  return { chunk, assets: files.filter((o): o is Rolldown.OutputAsset => o.type === 'asset') };
}

let runs = 0;
/** Run the built entry as a page's script would, with `document` as given; what it exports. */
async function runWith(code: string, document: unknown): Promise<{ default: unknown; url: unknown }> {
  (globalThis as { document?: unknown }).document = document;
  // A new URL each time: the same data: URL would be the module already run.
  return (await import(`data:text/javascript,${encodeURIComponent(`${code}\n// run ${++runs}`)}`)) as { default: unknown; url: unknown };
}

afterEach(() => {
  delete (globalThis as { document?: unknown }).document;
});

describe('the ?worklet plugin with emit: file', () => {
  test('writes the worklet as processors.worklet.<content hash>.js, keeps it out of the bundle, and exports its address next to the running script', async () => {
    const { chunk, assets } = await buildWithFileWorklet();
    expect(assets).toHaveLength(1);
    const [asset] = assets;
    const source = String(asset!.source);
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    expect(asset!.fileName).toBe(`processors.worklet.${hash}.js`);
    expect(source).toMatch(/registerProcessor\(["'`]gag-capture["'`]/);
    expect(source).toMatch(/registerProcessor\(["'`]gag-playback["'`]/);
    expect(chunk.code).not.toContain('registerProcessor');

    const script = { src: 'https://gw.example.com:8766/gag-phone.js' };
    const module = await runWith(chunk.code, { currentScript: script, querySelector: () => null, baseURI: 'https://crm.example.com/app/' });
    expect(module.default).toBe('');
    expect(module.url).toBe(`https://gw.example.com:8766/processors.worklet.${hash}.js`);
  });

  test('a bundle run without document.currentScript (loaded as a module, or late) finds its script tag by name', async () => {
    const { chunk, assets } = await buildWithFileWorklet();
    const selectors: string[] = [];
    const module = await runWith(chunk.code, {
      currentScript: null,
      querySelector: (selector: string) => {
        selectors.push(selector);
        return { src: 'https://gw.example.com/phone/gag-phone.js' };
      },
      baseURI: 'https://crm.example.com/',
    });
    expect(selectors).toEqual(['script[src*="gag-phone"]']);
    expect(module.url).toBe(`https://gw.example.com/phone/${assets[0]!.fileName}`);
  });

  test('the default (inline) build exports the source and no url', async () => {
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      plugins: [
        workletPlugin(),
        {
          name: 'test-entry',
          resolveId: (id) => (id === ENTRY ? ENTRY : null),
          load: (id) => (id === ENTRY ? `export { default, url } from ${JSON.stringify(`${audioDir}processors.worklet.ts?worklet`)};` : null),
        },
      ],
      build: { write: false, rolldownOptions: { input: ENTRY, preserveEntrySignatures: 'strict', output: { format: 'es' } } },
    });
    const files = ((Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]).flatMap((o) => o.output);
    expect(files.filter((o) => o.type === 'asset')).toEqual([]);
    const chunk = files.find((o): o is Rolldown.OutputChunk => o.type === 'chunk' && o.isEntry);
    const module = await runWith(chunk!.code, undefined);
    expect(module.default).toMatch(/registerProcessor\(["'`]gag-capture["'`]/);
    expect(module.url).toBeUndefined();
  });
});
