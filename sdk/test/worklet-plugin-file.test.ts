import { createHash } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { AUDIO_DIR, bundleEntry } from './worklet-entry.js';

/** An entry that re-exports the processors' `?worklet` import, as the drop-in bundle does. */
const PROCESSORS_ENTRY = `export { default, url } from ${JSON.stringify(`${AUDIO_DIR}processors.worklet.ts?worklet`)};`;

/** Build that entry with `{ emit: 'file' }`. */
const buildWithFileWorklet = () => bundleEntry(PROCESSORS_ENTRY, { emit: 'file' });

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
    const { chunk, assets } = await bundleEntry(PROCESSORS_ENTRY);
    expect(assets).toEqual([]);
    const module = await runWith(chunk.code, undefined);
    expect(module.default).toMatch(/registerProcessor\(["'`]gag-capture["'`]/);
    expect(module.url).toBeUndefined();
  });
});
