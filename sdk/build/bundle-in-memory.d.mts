import type { Plugin, Rolldown } from 'vite';

/** What {@link bundleInMemory} made: the entry chunk and the files its plugins emitted. */
export interface InMemoryBundle {
  readonly code: string;
  /** Every module in the chunk (to watch them). */
  readonly moduleIds: readonly string[];
  readonly assets: readonly Rolldown.OutputAsset[];
}

/**
 * Bundle `input` with `plugins` into one minified ES module in memory; `keepExports` keeps the
 * entry's exports as a library build does.
 * @throws Error naming `input` when the build produced no entry chunk.
 */
export function bundleInMemory(input: string, plugins: Plugin[], keepExports: boolean): Promise<InMemoryBundle>;
