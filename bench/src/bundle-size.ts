/**
 * Bundle sizes against the budgets of issue #5: the drop-in `gag-phone.js` (lit + SDK + component,
 * built by `npm run build -w @gag/web-components`; the call media and worklet files it loads next
 * to itself for a call are measured apart) and the SDK core (`sdk/src/index.ts`
 * with its dependencies, no lit), built here in memory with Vite's `build()`: minified, ES module,
 * once with the worklets inlined as the SDK ships them and once with each worklet replaced by an
 * empty string, so the worklets' share is known.
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { bundleInMemory } from '@gag/sdk/build/bundle-in-memory';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SDK_ENTRY = `${REPO}sdk/src/index.ts`;
const COMPONENT_DIST = `${REPO}web-components/dist/`;
const COMPONENT_BUNDLE = `${COMPONENT_DIST}gag-phone.js`;
const COMPONENT_BUILD_TIMEOUT_MS = 120_000;
const WORKLET_QUERY = '?worklet';
const VIRTUAL_PREFIX = '\0gag-bench-worklet:';

/** Bytes of one file or chunk, raw and gzipped (level 9, as `gzip -9`). */
export interface Size {
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface BundleResult {
  /** web-components/dist/gag-phone.js, freshly built: what a page's script tag loads. */
  readonly component: Size;
  /** The files it loads next to itself when a call rings (`call-media.<hash>.js`) and is answered (`processors.worklet.<hash>.js`). */
  readonly componentLater: Readonly<Record<string, Size>>;
  /** sdk/src/index.ts minified, worklets inlined (what an app bundles). */
  readonly sdkWithWorklets: Size;
  /** The same with each `?worklet` import replaced by an empty string. */
  readonly sdkWithoutWorklets: Size;
  /** Each worklet as bundled for inlining (its own minified ES module). */
  readonly worklets: Readonly<Record<string, Size>>;
  readonly buildMs: number;
}

const sizeOf = (code: string | Uint8Array): Size => {
  const buf = typeof code === 'string' ? Buffer.from(code, 'utf8') : Buffer.from(code);
  return { bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
};

/** Minified single-chunk ES build of `input` in memory, its exports kept as a library build keeps them. */
const bundle = async (input: string, plugins: Plugin[]): Promise<string> => (await bundleInMemory(input, plugins, true)).code;

/** `?worklet` imports as the SDK's worklet plugin serves them (bundled, as a string), or as ''. */
function workletStub(inline: boolean, seen: Map<string, Size>): Plugin {
  return {
    name: 'gag-bench-worklet',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith(WORKLET_QUERY)) return null;
      const resolved = await this.resolve(source.slice(0, -WORKLET_QUERY.length), importer, { ...options, skipSelf: true });
      if (resolved === null || resolved.external) this.error(`bundle-size: cannot find ${source}`);
      return VIRTUAL_PREFIX + resolved.id;
    },
    async load(id) {
      if (!id.startsWith(VIRTUAL_PREFIX)) return null;
      const file = id.slice(VIRTUAL_PREFIX.length);
      let code = '';
      if (inline) {
        code = await bundle(file, []);
        seen.set(file.slice(file.lastIndexOf('/') + 1), sizeOf(code));
      }
      return { code: `export default ${JSON.stringify(code)};\nexport const url = undefined;\n`, map: { mappings: '' } };
    },
  };
}

/** Build gag-phone.js with the workspace's own script (bounded), then measure everything. */
export async function measureBundles(): Promise<BundleResult> {
  const start = performance.now();
  await promisify(execFile)('npm', ['run', 'build', '--silent', '-w', '@gag/web-components'], {
    cwd: REPO,
    timeout: COMPONENT_BUILD_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const component = sizeOf(await readFile(COMPONENT_BUNDLE));
  const later = (await readdir(COMPONENT_DIST)).filter((f) => f.endsWith('.js') && f !== 'gag-phone.js').sort();
  const componentLater = Object.fromEntries(await Promise.all(later.map(async (f) => [f, sizeOf(await readFile(`${COMPONENT_DIST}${f}`))] as const)));
  const worklets = new Map<string, Size>();
  const sdkWithWorklets = sizeOf(await bundle(SDK_ENTRY, [workletStub(true, worklets)]));
  const sdkWithoutWorklets = sizeOf(await bundle(SDK_ENTRY, [workletStub(false, worklets)]));
  return { component, componentLater, sdkWithWorklets, sdkWithoutWorklets, worklets: Object.fromEntries(worklets), buildMs: performance.now() - start };
}
