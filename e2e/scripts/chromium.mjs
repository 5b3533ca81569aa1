#!/usr/bin/env node
// Finds the Chromium the browser tests use: $GAG_CHROMIUM, else Debian's `chromium` on PATH.
// Run directly, it installs Debian's package when missing and allowed (root + apt-get), or stops
// with a message saying how to provide one. Playwright's own browser download is never used.
import { fileURLToPath } from 'node:url';
import { aptInstall, findProgram } from './system-package.mjs';

const NAMES = ['chromium', 'chromium-browser'];

/** The Chromium executable, or undefined. */
export function findChromium() {
  return findProgram('GAG_CHROMIUM', NAMES);
}

/** Flags every test launch uses (no downloads, no sandbox as root, fake media devices). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

function ensure() {
  const found = findChromium();
  if (found) return found;
  const help =
    'No Chromium found for the browser tests.\n' +
    '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
    '  or point GAG_CHROMIUM at a Chromium or Chrome executable: GAG_CHROMIUM=/path/to/chrome npm test';
  if (!aptInstall(['chromium'], { what: 'the browser tests', help })) process.exit(1);
  return findChromium();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = ensure();
  if (!path) process.exit(1);
  console.log(`chromium: ${path}`);
}
