/**
 * The fake Asterisk's WAV and speech-like sources: a WAV file at another rate, in stereo, played
 * into a call through a real gateway reaches the phone at the call's rate with its frequency and
 * level; unsupported files are refused naming the file and the fault; the speech-like signal is
 * reproducible, at its level, with syllables and pauses.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frameSamplesOf, rateHzOf } from '@gag/sdk/protocol';
import { FakeAsterisk, analyseTone, dbfs, dialExtension, rms, sineFloat, speechLike, speechLikeSignal, wavSource } from '../src/index.js';
import { startGatewayWithPhone, type GatewayWithPhone } from './gateway-phone.js';

/** The level of a sine at amplitude A: 20·log10(A/√2). */
const levelOf = (amplitude: number): number => 20 * Math.log10(amplitude / Math.SQRT2);

/**
 * A stereo PCM 16-bit WAV written here byte by byte (not by the package's writer, which is
 * mono): `left` and `right` interleaved, with a LIST chunk before `data` as editors write.
 */
function stereoWav(left: Float32Array, right: Float32Array, rateHz: number, bits = 16, formatTag = 1): Buffer {
  const data = Buffer.alloc(left.length * 4);
  for (let i = 0; i < left.length; i++) {
    data.writeInt16LE(Math.round((left[i] ?? 0) * 32_767), i * 4);
    data.writeInt16LE(Math.round((right[i] ?? 0) * 32_767), i * 4 + 2);
  }
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(formatTag, 8);
  fmt.writeUInt16LE(2, 10);
  fmt.writeUInt32LE(rateHz, 12);
  fmt.writeUInt32LE(rateHz * 4, 16);
  fmt.writeUInt16LE(4, 20);
  fmt.writeUInt16LE(bits, 22);
  const list = Buffer.concat([Buffer.from('LIST', 'ascii'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx', 'ascii'), Buffer.alloc(1)]); // odd size: padded
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'ascii');
  dataHeader.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'ascii'), fmt, list, dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('wavSource through a gateway', () => {
  let env: GatewayWithPhone | undefined;
  let asterisk: FakeAsterisk | undefined;
  afterEach(async () => {
    await asterisk?.close();
    await env?.stop();
    env = asterisk = undefined;
  });

  it.each(['slin16', 'ulaw'] as const)(
    'a 44.1 kHz stereo WAV of a 700 Hz tone (left only) reaches the phone as 700 Hz at the mixed-down level, in %s',
    async (codec) => {
      env = await startGatewayWithPhone();
      asterisk = new FakeAsterisk({ url: env.gateway.asteriskUrl });
      // One second of 700 Hz (700 whole periods) in the left channel at amplitude 0.5; the right is silent.
      const wav = stereoWav(sineFloat(700, 44_100, 44_100, 0.5), new Float32Array(44_100), 44_100);
      const call = await dialExtension(asterisk, '2001', { from: '0312345678', codec });
      call.play(wavSource(wav));
      await call.answered;
      const rateHz = rateHzOf(codec);
      // 1.6 s heard: the file has looped once, at 1 s.
      await expect.poll(() => env?.phone.heard().samples.length ?? 0, { timeout: 5_000 }).toBeGreaterThanOrEqual(1.6 * rateHz);
      const { samples, rateHz: heardRateHz } = env.phone.heard();
      expect(heardRateHz).toBe(rateHz);
      const heard = analyseTone(samples.subarray(0.5 * rateHz, 1.5 * rateHz), rateHz); // across the loop point
      expect(Math.abs(heard.hz - 700)).toBeLessThanOrEqual(3);
      expect(Math.abs(heard.levelDbfs - levelOf(0.25))).toBeLessThanOrEqual(0.5); // (0.5 + 0) / 2
      expect(heard.purity).toBeGreaterThan(codec === 'ulaw' ? 0.98 : 0.995); // no click where it loops
    },
  );
});

describe('wavSource on its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gag-wav-'));

  it('converts to the rate of each call it plays on, and loops without a gap', () => {
    const source = wavSource(stereoWav(sineFloat(1_000, 48_000, 24_000, 0.5), sineFloat(1_000, 48_000, 24_000, 0.5), 48_000));
    for (const rateHz of [8_000, 16_000]) {
      const frame = new Int16Array(frameSamplesOf(rateHz === 8_000 ? 'slin' : 'slin16'));
      const played = new Float32Array(frame.length * 50); // 1 s: the 0.5 s file twice
      for (let n = 0; n < 50; n++) {
        source.fill(frame, n, rateHz);
        played.set(Float32Array.from(frame, (s) => s / 32_768), n * frame.length);
      }
      const heard = analyseTone(played, rateHz);
      expect(heard.hz).toBe(1_000);
      expect(Math.abs(heard.levelDbfs - levelOf(0.5))).toBeLessThanOrEqual(0.1);
      expect(heard.purity).toBeGreaterThan(0.999);
    }
  });

  it('plays once and then silence with loop: false', () => {
    const source = wavSource(stereoWav(sineFloat(500, 16_000, 1_600, 0.5), sineFloat(500, 16_000, 1_600, 0.5), 16_000), { loop: false });
    const frame = new Int16Array(320);
    source.fill(frame, 4, 16_000); // 80–100 ms: inside the 100 ms file
    expect(rms(frame)).toBeGreaterThan(1_000);
    source.fill(frame, 5, 16_000); // 100–120 ms: after it
    expect(rms(frame)).toBe(0);
  });

  it.each([
    ['24-bit samples', stereoWav(new Float32Array(10), new Float32Array(10), 44_100, 24), /bad\.wav: 24-bit samples; only 16-bit PCM.*sox/],
    ['32-bit float', stereoWav(new Float32Array(10), new Float32Array(10), 44_100, 32, 3), /bad\.wav: format tag 3 is not PCM \(32-bit float\)/],
    ['a rate of 4 kHz', stereoWav(new Float32Array(10), new Float32Array(10), 4_000), /bad\.wav: sample rate 4000 Hz is outside/],
    ['not a WAV', Buffer.from('ID3\u0004 an mp3, really'), /bad\.wav: not a WAV file/],
    ['no data', stereoWav(new Float32Array(0), new Float32Array(0), 8_000), /bad\.wav: no audio/],
  ])('refuses a file with %s, naming the file and the fault', (_what, bytes, message) => {
    const file = join(dir, 'bad.wav');
    writeFileSync(file, bytes);
    expect(() => wavSource(file)).toThrow(expect.objectContaining({ code: 'GAG_OPTIONS_INVALID', message: expect.stringMatching(message) }));
  });

  it('refuses a file it cannot read, naming it', () => {
    expect(() => wavSource(join(dir, 'missing.wav'))).toThrow(/cannot read .*missing\.wav \(ENOENT\)/);
  });
});

describe('speechLike', () => {
  /** RMS levels (dBFS) of consecutive `blockMs` blocks. */
  const blockLevels = (samples: Float32Array, rateHz: number, blockMs: number): number[] => {
    const block = (rateHz * blockMs) / 1000;
    const levels: number[] = [];
    for (let at = 0; at + block <= samples.length; at += block) levels.push(dbfs(samples.subarray(at, at + block)));
    return levels;
  };

  it('is the same signal for the same seed, and another for another seed', () => {
    const a = speechLikeSignal(16_000, { seed: 7 });
    expect(speechLikeSignal(16_000, { seed: 7 })).toEqual(a);
    const b = speechLikeSignal(16_000, { seed: 8 });
    expect(rms(a.map((s, i) => s - (b[i] ?? 0)))).toBeGreaterThan(rms(a) / 2);
  });

  it('is what the source plays on a call, frame by frame, looped', () => {
    const signal = speechLikeSignal(8_000, { seed: 3, durationMs: 1_000 });
    const source = speechLike({ seed: 3, durationMs: 1_000 });
    const frame = new Int16Array(160);
    for (const n of [0, 20, 49, 50 + 20]) {
      source.fill(frame, n, 8_000);
      const at = (n % 50) * 160;
      const expected = Int16Array.from(signal.subarray(at, at + 160), (s) => Math.round(s * 32_767));
      expect(frame).toEqual(expected);
    }
  });

  it.each([-20, -30])('has an active speech level of %i dBFS, with pauses of digital silence', (levelDbfs) => {
    const rateHz = 16_000;
    const signal = speechLikeSignal(rateHz, { seed: 1, levelDbfs });
    const levels = blockLevels(signal, rateHz, 20);
    const talking = levels.filter((l) => l > -100);
    // Active level: the power of the blocks with sound in them (the edges of syllables included).
    const activeDbfs = 10 * Math.log10(talking.reduce((sum, l) => sum + 10 ** (l / 10), 0) / talking.length);
    expect(Math.abs(activeDbfs - levelDbfs)).toBeLessThanOrEqual(1);
    expect(dbfs(signal)).toBeLessThan(levelDbfs - 1); // the pauses pull the long-term level down
    expect(signal.reduce((peak, x) => Math.max(peak, Math.abs(x)), 0)).toBeLessThan(1); // never clipped
    const talkShare = talking.length / levels.length;
    expect(talkShare).toBeGreaterThan(0.4);
    expect(talkShare).toBeLessThan(0.8);
    let run = 0;
    let longestPauseMs = 0;
    for (const l of levels) {
      run = l > -100 ? 0 : run + 20;
      longestPauseMs = Math.max(longestPauseMs, run);
    }
    expect(longestPauseMs).toBeGreaterThanOrEqual(300);
  });

  it('comes in syllables, about 4 a second while talking, and is no tone', () => {
    const rateHz = 8_000;
    const signal = speechLikeSignal(rateHz, { seed: 2, durationMs: 20_000 });
    const levels = blockLevels(signal, rateHz, 5);
    // A syllable starts where the level rises through −40 dBFS, 20 dB under the active level.
    const onsets = levels.filter((l, i) => l > -40 && (levels[i - 1] ?? -200) <= -40).length;
    // Talking: all but the pauses (silences of 100 ms or more; the dips between syllables are shorter).
    let pausesMs = 0;
    let runMs = 0;
    for (const l of [...levels, 0]) {
      if (l <= -100) runMs += 5;
      else [pausesMs, runMs] = [pausesMs + (runMs >= 100 ? runMs : 0), 0];
    }
    const perSecond = onsets / ((20_000 - pausesMs) / 1000);
    expect(perSecond).toBeGreaterThan(3);
    expect(perSecond).toBeLessThan(6);
    const spectrum = analyseTone(signal, rateHz);
    expect(spectrum.purity).toBeLessThan(0.05);
    expect(spectrum.hz).toBeGreaterThan(80);
    expect(spectrum.hz).toBeLessThan(1_000); // the strongest component is a low harmonic, as in a voice
  });

  it('is never clipped, even at its loudest level with a low voice', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const signal = speechLikeSignal(16_000, { seed, levelDbfs: -16, pitchHz: 60 });
      expect(signal.reduce((peak, x) => Math.max(peak, Math.abs(x)), 0)).toBeLessThan(1);
    }
  });

  it('is the same level at 8 and 16 kHz: nothing above 3.8 kHz', () => {
    expect(Math.abs(dbfs(speechLikeSignal(8_000)) - dbfs(speechLikeSignal(16_000)))).toBeLessThan(0.2);
  });

  it('refuses options out of range, naming them', () => {
    expect(() => speechLike({ levelDbfs: 3 })).toThrow(expect.objectContaining({ code: 'GAG_OPTIONS_INVALID', message: expect.stringContaining("'levelDbfs'") }));
    expect(() => speechLike({ levelDbfs: -10 })).toThrow(/'levelDbfs' must be from −60 to -16 \(louder would clip its peaks\)/);
    expect(() => speechLike({ seed: -1 })).toThrow(/'seed'/);
  });
});
