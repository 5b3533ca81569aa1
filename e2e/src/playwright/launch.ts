/**
 * The browser's fake microphone. Chromium reads it from a WAV file named on its command line, so
 * it is chosen where the browser is launched: in `playwright.config.ts`, with
 * {@link gagLaunchOptions}. (Firefox has no such flag: its fake microphone is a 1 kHz tone set
 * by preferences.)
 * @packageDocumentation
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GagError } from '@gag/sdk/protocol';
import { sineFloat } from '../tones.js';
import { wavFile } from '../wav.js';

/**
 * A sine for the fake microphone.
 * @example gagLaunchOptions({ micTone: { hz: 700, amplitude: 0.25 } });
 */
export interface MicTone {
  /** The tone's frequency, Hz. */
  readonly hz: number;
  /** Peak, 0–1 of full scale (default 0.5: RMS 0.354, −9 dBFS). */
  readonly amplitude?: number;
}

/**
 * Options of {@link gagLaunchOptions}.
 * @example export default defineConfig({ use: { launchOptions: gagLaunchOptions({ micTone: { hz: 700 }, executablePath: '/usr/bin/chromium' }) } });
 */
export interface GagLaunchOptions {
  /** A WAV file (PCM 16-bit) the browser plays in a loop as its microphone. */
  readonly micWav?: string;
  /** Or a sine, written to a WAV file for you. Default, when neither is given: 1 kHz at 0.5. */
  readonly micTone?: MicTone;
  /** The Chromium to run (default: Playwright's own). */
  readonly executablePath?: string;
  /** More command-line flags. */
  readonly args?: readonly string[];
}

/**
 * The fake microphone when none is chosen: 1 kHz at amplitude 0.5.
 * @example await call.expectAudio({ hz: DEFAULT_MIC_TONE.hz }); // the browser's fake microphone reaches Asterisk
 */
export const DEFAULT_MIC_TONE: Required<MicTone> = { hz: 1_000, amplitude: 0.5 };
/** The rate of the WAV files written for a {@link MicTone}; two seconds of it, looped. */
const MIC_WAV_RATE_HZ = 48_000;
const MIC_WAV_SECONDS = 2;

/**
 * A WAV file of a sine, for a fake microphone: two seconds, so any whole-hertz tone loops without
 * a click. Written once per tone under the system's temporary folder; returns its path.
 * @throws GagError `GAG_OPTIONS_INVALID` for a frequency outside 0–24 kHz or an amplitude outside 0–1.
 * @example micToneWav({ hz: 440 }) // '/tmp/gag-e2e/mic-440hz-0.5.wav'
 */
export function micToneWav(tone: MicTone): string {
  const amplitude = tone.amplitude ?? DEFAULT_MIC_TONE.amplitude;
  if (!(tone.hz > 0 && tone.hz < MIC_WAV_RATE_HZ / 2)) {
    throw new GagError('GAG_OPTIONS_INVALID', `'micTone.hz' must be between 0 and ${MIC_WAV_RATE_HZ / 2}. Got '${tone.hz}'`);
  }
  if (!(amplitude > 0 && amplitude <= 1)) throw new GagError('GAG_OPTIONS_INVALID', `'micTone.amplitude' must be above 0 and at most 1. Got '${amplitude}'`);
  const dir = join(tmpdir(), 'gag-e2e');
  const file = join(dir, `mic-${tone.hz}hz-${amplitude}.wav`);
  mkdirSync(dir, { recursive: true });
  const samples = sineFloat(tone.hz, MIC_WAV_RATE_HZ, MIC_WAV_RATE_HZ * MIC_WAV_SECONDS, amplitude);
  // Written each time (a few hundred KB) under a private name, then renamed over the shared one:
  // a browser another process launched may be reading it, and a rename leaves its copy whole.
  writeFileSync(`${file}.${process.pid}`, wavFile(samples, MIC_WAV_RATE_HZ));
  renameSync(`${file}.${process.pid}`, file);
  return file;
}

/**
 * Chromium launch options for the fixtures: fake media devices without a permission prompt, the
 * microphone from `micWav` or `micTone`, and audio allowed to play without a click.
 * @throws GagError `GAG_OPTIONS_INVALID` when `micWav` does not exist, or both `micWav` and `micTone` are given.
 * @example
 * // playwright.config.ts
 * export default defineConfig({ use: { launchOptions: gagLaunchOptions({ micWav: 'test/hello.wav' }) } });
 */
export function gagLaunchOptions(options: GagLaunchOptions = {}): {
  /** `options.executablePath`, when given. */
  executablePath?: string;
  /** Chromium's command-line switches for the fake microphone and autoplay, after `options.args`. */
  args: string[];
} {
  if (options.micWav !== undefined && options.micTone !== undefined) {
    throw new GagError('GAG_OPTIONS_INVALID', "give 'micWav' or 'micTone', not both");
  }
  if (options.micWav !== undefined && !existsSync(options.micWav)) {
    throw new GagError('GAG_OPTIONS_INVALID', `'micWav' must be an existing WAV file. Got '${options.micWav}'`);
  }
  const wav = options.micWav ?? micToneWav(options.micTone ?? DEFAULT_MIC_TONE);
  const args = [
    ...new Set([
      ...(options.args ?? []),
      '--use-fake-ui-for-media-stream', // no permission prompt
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ]),
    `--use-file-for-fake-audio-capture=${wav}`,
  ];
  return options.executablePath === undefined ? { args } : { executablePath: options.executablePath, args };
}
