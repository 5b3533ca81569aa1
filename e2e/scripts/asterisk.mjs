#!/usr/bin/env node
// Finds or builds the real Asterisk the real-Asterisk test tier runs against.
//
// Order: $GAG_ASTERISK_PREFIX (any installed Asterisk >= 20.16 with chan_websocket), else the
// cache ($GAG_ASTERISK_CACHE, default ~/.cache/gag/asterisk-23.4.1) when a build finished there,
// else a build from the source tarball ($GAG_ASTERISK_TARBALL, default
// ../shared/asterisk/asterisk-23.4.1.tar.xz beside the repo) into the cache: about 6 minutes on
// 2 cores, once per machine. Debian's build packages are installed when allowed (root + apt-get).
//
// Run directly it prints `asterisk: <prefix>` or, when none can be had, one line saying why and
// exits 0 (so `npm test` still runs everything else); with CI=true a missing Asterisk is an error.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall, onPath } from './system-package.mjs';

const VERSION = '23.4.1';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILT_MARK = '.gag-built';

const BUILD_PACKAGES = [
  'build-essential', 'libedit-dev', 'libjansson-dev', 'libsqlite3-dev', 'uuid-dev',
  'libxml2-dev', 'libssl-dev', 'libcurl4-openssl-dev', 'pkg-config', 'xz-utils',
];

/** Where a cached build lives. */
export function asteriskCacheDir() {
  return process.env.GAG_ASTERISK_CACHE || join(homedir(), '.cache', 'gag', `asterisk-${VERSION}`);
}

/** The source tarball, or undefined when it is not on this machine. */
export function asteriskTarball() {
  const file = process.env.GAG_ASTERISK_TARBALL || resolve(REPO, '..', 'shared', 'asterisk', `asterisk-${VERSION}.tar.xz`);
  return existsSync(file) ? file : undefined;
}

/** The prefix of a usable Asterisk (its sbin/asterisk exists), or undefined. Builds nothing. */
export function findAsterisk() {
  const fromEnv = process.env.GAG_ASTERISK_PREFIX;
  if (fromEnv) return existsSync(join(fromEnv, 'sbin', 'asterisk')) ? fromEnv : undefined;
  const cache = asteriskCacheDir();
  return existsSync(join(cache, BUILT_MARK)) ? cache : undefined;
}

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Build Asterisk from `tarball` into `prefix` (removed first: a half-finished build is never reused). */
function build(tarball, prefix) {
  const jobs = String(Math.max(2, (globalThis.navigator?.hardwareConcurrency ?? 2) + 1));
  rmSync(prefix, { recursive: true, force: true });
  const src = mkdtempSync(join(tmpdir(), 'gag-asterisk-src-'));
  try {
    console.log(`Building Asterisk ${VERSION} into ${prefix} (once per machine, about 6 minutes on 2 cores)…`);
    run('tar', ['-xJf', tarball, '-C', src]);
    const dir = join(src, `asterisk-${VERSION}`);
    run('./configure', [
      `--prefix=${prefix}`, '--without-pjproject-bundled', '--without-pjproject',
      '--with-jansson', '--without-jansson-bundled', '--disable-xmldoc',
    ], dir);
    run('make', ['menuselect.makeopts'], dir);
    run('menuselect/menuselect', [
      '--disable-category', 'MENUSELECT_ADDONS', '--disable-category', 'MENUSELECT_CORE_SOUNDS',
      '--disable-category', 'MENUSELECT_MOH', '--disable-category', 'MENUSELECT_EXTRA_SOUNDS',
      '--disable', 'BUILD_NATIVE', 'menuselect.makeopts',
    ], dir);
    run('make', [`-j${jobs}`], dir);
    run('make', ['install'], dir);
    writeFileSync(join(prefix, BUILT_MARK), `${VERSION}\n`);
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

/** A usable Asterisk prefix, building one when possible; otherwise undefined and `why` says so. */
export function ensureAsterisk() {
  const found = findAsterisk();
  if (found) return { prefix: found };
  if (process.env.GAG_ASTERISK_PREFIX) {
    return { why: `GAG_ASTERISK_PREFIX=${process.env.GAG_ASTERISK_PREFIX} has no sbin/asterisk` };
  }
  const tarball = asteriskTarball();
  if (!tarball) {
    return { why: `no Asterisk: set GAG_ASTERISK_PREFIX to an installed Asterisk >= 20.16, or put asterisk-${VERSION}.tar.xz at ../shared/asterisk/ (or GAG_ASTERISK_TARBALL)` };
  }
  if (!onPath('cc') || !onPath('make') || !existsSync('/usr/include/jansson.h') || !existsSync('/usr/include/histedit.h')) {
    const help = `Building Asterisk needs: apt-get install -y ${BUILD_PACKAGES.join(' ')}`;
    if (!aptInstall(BUILD_PACKAGES, { what: 'building Asterisk for the real-Asterisk tests', help })) return { why: help };
  }
  build(tarball, asteriskCacheDir());
  return { prefix: asteriskCacheDir() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { prefix, why } = ensureAsterisk();
  if (prefix) {
    console.log(`asterisk: ${prefix}`);
  } else {
    console.log(`real-Asterisk tests skipped: ${why}`);
    if (process.env.CI === 'true') process.exit(1);
  }
}
