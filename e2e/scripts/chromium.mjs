#!/usr/bin/env node
// Finds the Chromium the browser tests use: $GAG_CHROMIUM, else Debian's `chromium` on PATH.
// Run directly, it installs Debian's package when missing and allowed (root + apt-get), or stops
// with a message saying how to provide one. Playwright's own browser download is never used.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAMES = ['chromium', 'chromium-browser'];

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The Chromium executable, or undefined. */
export function findChromium() {
  const fromEnv = process.env.GAG_CHROMIUM;
  if (fromEnv) return fromEnv;
  for (const name of NAMES) {
    const found = onPath(name);
    if (found) return found;
  }
  return undefined;
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
  const canApt = process.getuid?.() === 0 && onPath('apt-get');
  if (!canApt) {
    console.error(
      'No Chromium found for the browser tests.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
        '  or point GAG_CHROMIUM at a Chromium or Chrome executable: GAG_CHROMIUM=/path/to/chrome npm test',
    );
    process.exit(1);
  }
  console.log('Installing Debian chromium for the browser tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  return findChromium();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = ensure();
  if (!path) process.exit(1);
  console.log(`chromium: ${path}`);
}
