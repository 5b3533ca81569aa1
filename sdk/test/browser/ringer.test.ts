import { afterEach, describe, expect, test } from 'vitest';
import { goertzelAmplitude, rms } from '@gag/e2e/tones';
import { RING_PATTERNS, Ringer } from '../../src/audio/ringer.js';

let ringer: Ringer | undefined;
afterEach(async () => {
  await ringer?.close();
  ringer = undefined;
});

/** What the ringer plays right now (~186 ms at 44.1 kHz). */
function heard(r: Ringer): { at400: number; at1000: number; rms: number; rateHz: number } {
  const tap = r.diagnostics;
  if (tap === undefined) throw new Error('the ringer has not rung');
  const samples = new Float32Array(tap.fftSize);
  tap.getFloatTimeDomainData(samples);
  const rateHz = tap.context.sampleRate;
  return { at400: goertzelAmplitude(samples, 400, rateHz), at1000: goertzelAmplitude(samples, 1_000, rateHz), rms: rms(samples), rateHz };
}

describe('the ringer in Chromium', () => {
  test('the ringtone plays a 400 Hz warble through its own AudioContext, and stop() silences it', async () => {
    ringer = new Ringer();
    // The test browser runs with --autoplay-policy=no-user-gesture-required: never blocked here.
    expect(await ringer.start('ringtone')).toBe('playing');
    expect(ringer.playing).toBe('ringtone');
    const r = ringer;
    let loudest = { at400: 0, at1000: 0, rms: 0, rateHz: 0 };
    // A burst fills the analyser's window within a cycle (3 s); the carrier is half the peak (full-depth AM).
    await expect
      .poll(() => {
        const now = heard(r);
        if (now.at400 > loudest.at400) loudest = now;
        return now.at400;
      }, { timeout: 4_000, interval: 50 })
      .toBeGreaterThan(0.8 * (RING_PATTERNS.ringtone.amplitude / 2));
    console.info(`ringtone at ${loudest.rateHz} Hz: 400 Hz amplitude ${loudest.at400.toFixed(3)}, 1 kHz ${loudest.at1000.toFixed(4)}, rms ${loudest.rms.toFixed(3)}`);
    expect(loudest.at1000).toBeLessThan(0.01 * loudest.at400);

    r.stop();
    expect(r.playing).toBeUndefined();
    // Quiet and resting: a suspended context renders nothing (and its analyser keeps its last window).
    await expect.poll(() => r.diagnostics?.context.state, { timeout: 2_000 }).toBe('suspended');
  });

  test('the ringback is 400 Hz too, and a ring replaces the one playing', async () => {
    ringer = new Ringer();
    await ringer.start('ringtone');
    expect(await ringer.start('ringback')).toBe('playing');
    expect(ringer.playing).toBe('ringback');
    const r = ringer;
    await expect.poll(() => heard(r).at400, { timeout: 4_000, interval: 50 }).toBeGreaterThan(0.8 * (RING_PATTERNS.ringback.amplitude / 2));
  });

  test('unlock() lets audio run without a ring, and rests the context again', async () => {
    ringer = new Ringer();
    expect(await ringer.unlock()).toBe(true);
    expect(ringer.playing).toBeUndefined();
    expect(ringer.diagnostics?.context.state).toBe('suspended');
    expect(await ringer.start('ringtone')).toBe('playing'); // a later ring resumes it
    expect(ringer.diagnostics?.context.state).toBe('running');
  });
});
