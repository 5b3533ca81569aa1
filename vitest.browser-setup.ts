/**
 * Global setup of the `browser` vitest project (runs in Node, before Chromium is launched): fail
 * with advice when no Chromium is found, instead of Playwright's advice to download its own.
 * Beside vite.config.ts, which finds Chromium the same way, because it serves two packages' tests.
 */
import { findChromium } from './e2e/scripts/chromium.mjs';

/** Vitest calls `setup` once before the project's tests. */
export function setup(): void {
  if (findChromium() === undefined) {
    throw new Error("No Chromium for the browser tests: run `node e2e/scripts/chromium.mjs` (installs Debian's chromium) or set GAG_CHROMIUM=/path/to/chrome");
  }
}
