#!/usr/bin/env node
// Finds what the Firefox browser tests need: a stock Firefox ($GAG_FIREFOX, else Debian's
// `firefox-esr` or a `firefox` on PATH) and `pulseaudio`, which the tests start privately with a
// null sink (without a sound server Firefox's AudioContext never runs). Run directly, it installs
// Debian's packages when missing and allowed (root + apt-get), or stops with a message saying how
// to provide them. Playwright's own (patched) Firefox is never downloaded.
import { fileURLToPath } from 'node:url';
import { aptInstall, findProgram, onPath } from './system-package.mjs';

const FIREFOX_NAMES = ['firefox-esr', 'firefox'];

/** The Firefox executable, or undefined. */
export function findFirefox() {
  return findProgram('GAG_FIREFOX', FIREFOX_NAMES);
}

/** The `pulseaudio` executable, or undefined. */
export function findPulseAudio() {
  return onPath('pulseaudio');
}

/**
 * Preferences every test launch uses: the fake microphone (a 1 kHz sine at amplitude 0.1; the
 * frequency is `media.navigator.audio.fake_frequency`, the amplitude is fixed), no permission
 * prompt, and audio allowed to start without a user gesture. (Playwright adds its own automation
 * prefs: no updates, no telemetry, no first-run pages.)
 */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
};

function ensure() {
  const missing = [];
  if (findFirefox() === undefined) missing.push('firefox-esr');
  if (findPulseAudio() === undefined) missing.push('pulseaudio');
  if (missing.length === 0) return true;
  const help =
    `Missing for the Firefox browser tests: ${missing.join(', ')}.\n` +
    `  Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}\n` +
    '  or point GAG_FIREFOX at a Firefox executable (pulseaudio is still needed): GAG_FIREFOX=/path/to/firefox npm test';
  if (!aptInstall(missing, { what: 'the Firefox browser tests', help })) return false;
  return findFirefox() !== undefined && findPulseAudio() !== undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!ensure()) process.exit(1);
  console.log(`firefox: ${findFirefox()}\npulseaudio: ${findPulseAudio()}`);
}
