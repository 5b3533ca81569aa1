/**
 * The recorder as a sink: what the fake Asterisk received from the app, written as a WAV file at
 * the call's rate, reads back sample for sample (with the package's reader and with sox).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeSamples, fillSineS16, readWav } from '../src/index.js';
import { withFakeAsterisk, type AppPeer } from './fake-app.js';

const fake = withFakeAsterisk();
const run = promisify(execFile);
const SOX = '/usr/bin/sox';

/** Messages are handled in order: once STATUS comes back, everything sent before it was taken. */
async function settle(peer: AppPeer): Promise<void> {
  peer.send('GET_STATUS');
  expect(await peer.nextText()).toMatch(/^STATUS /);
}

/** Near full scale, where a float round trip (÷32768, ×32767) would change samples by one step. */
const AMPLITUDE = 0.9;

/** `frames` 20 ms frames of a `hz` sine at {@link AMPLITUDE}, in `codec`, sent as one message each. */
function sendTone(peer: AppPeer, codec: 'slin16' | 'ulaw', hz: number, frames: number): void {
  const samples = new Int16Array(codec === 'slin16' ? 320 : 160);
  for (let n = 0; n < frames; n++) {
    fillSineS16(samples, hz, codec === 'slin16' ? 16_000 : 8_000, AMPLITUDE, n * samples.length);
    peer.send(encodeSamples(codec, samples));
  }
}

describe('Recorder.toWav', () => {
  it.each([
    { codec: 'slin16', rateHz: 16_000 },
    { codec: 'ulaw', rateHz: 8_000 },
  ] as const)('writes what a $codec call received as a mono 16-bit WAV at $rateHz Hz that reads back the same', async ({ codec, rateHz }) => {
    const { call, peer } = await fake.answered({ codec });
    sendTone(peer, codec, 440, 25);
    await settle(peer);
    const wav = call.received.toWav();
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(rateHz);
    expect(wav.readUInt16LE(34)).toBe(16);
    const back = readWav(wav, 'received.wav');
    expect(back).toMatchObject({ rateHz, channels: 1 });
    expect(back.samples).toHaveLength(rateHz / 2); // 25 frames of 20 ms
    expect(back.samples).toEqual(call.received.samples());
    const part = readWav(call.received.toWav({ fromMs: 100, toMs: 300 })).samples;
    expect(part).toEqual(call.received.samples({ fromMs: 100, toMs: 300 }));
    expect(part).toHaveLength((rateHz * 200) / 1000);
  });

  it('saveWav writes the same bytes to a file', async () => {
    const { call, peer } = await fake.answered();
    sendTone(peer, 'slin16', 1_000, 10);
    await settle(peer);
    const file = join(mkdtempSync(join(tmpdir(), 'gag-rec-')), 'received.wav');
    await call.received.saveWav(file);
    expect(readFileSync(file)).toEqual(call.received.toWav());
  });

  it.skipIf(!existsSync(SOX))('is a file sox reads: its frequency and RMS are what was sent', async () => {
    const { call, peer } = await fake.answered();
    sendTone(peer, 'slin16', 1_000, 50);
    await settle(peer);
    const file = join(mkdtempSync(join(tmpdir(), 'gag-rec-')), 'received.wav');
    await call.received.saveWav(file);
    const { stderr } = await run(SOX, [file, '-n', 'stat'], { timeout: 10_000 });
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(stderr)?.[1]);
    expect(field('Length \\(seconds\\)')).toBeCloseTo(1, 3);
    expect(field('RMS\\s+amplitude')).toBeCloseTo(AMPLITUDE / Math.SQRT2, 2);
    expect(Math.abs(field('Rough\\s+frequency') - 1_000)).toBeLessThanOrEqual(20);
  });
});
