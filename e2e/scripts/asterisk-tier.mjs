#!/usr/bin/env node
// Runs the real-Asterisk tier (e2e/asterisk/) when an Asterisk can be had: found, or built once
// from ../shared/asterisk into the cache (see asterisk.mjs). Without one it says so in one line
// and exits 0, so `npm test` still runs everything else on a laptop; with CI=true it fails.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAsterisk } from './asterisk.mjs';

const { prefix, why } = ensureAsterisk();
if (prefix === undefined) {
  console.log(`real-Asterisk tests skipped: ${why}`);
  process.exit(process.env.CI === 'true' ? 1 : 0);
}
console.log(`real-Asterisk tests with ${prefix}`);
const e2e = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync('npx', ['playwright', 'test', '-c', resolve(e2e, 'playwright.asterisk.config.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, GAG_ASTERISK_PREFIX: prefix },
});
process.exit(r.status ?? 1);
