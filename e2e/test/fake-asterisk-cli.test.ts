/**
 * `gag-fake-asterisk` as a person runs it (the built `e2e/dist/fake-asterisk/cli.js`, after
 * `npx tsc -b`), against a real gateway with an answering phone: a script that passes, one that
 * fails naming its step, one that is refused before it dials, and the `call` command's
 * `--wav`, `--dtmf` and `--record`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { analyseTone, dbfs, readWav, sineFloat, wavFile } from '../src/index.js';
import { PHONE_TONE, startGatewayWithPhone, type GatewayWithPhone } from './gateway-phone.js';

const CLI = fileURLToPath(new URL('../dist/fake-asterisk/cli.js', import.meta.url));
const PHONE_DBFS = 20 * Math.log10(PHONE_TONE.amplitude / Math.SQRT2);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI with `args`; resolves with its exit code and output (bounded: 30 s). */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let env: GatewayWithPhone;
let dir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first with npx tsc -b`);
});
beforeEach(async () => {
  env = await startGatewayWithPhone('2001');
  dir = mkdtempSync(join(tmpdir(), 'gag-cli-'));
  // A 44.1 kHz WAV of 440 Hz at amplitude 0.5, next to the scripts: their paths are relative to them.
  writeFileSync(join(dir, 'caller.wav'), wavFile(sineFloat(440, 44_100, 44_100, 0.5), 44_100));
});
afterEach(async () => {
  await env.stop();
});

/** Write `steps` as a script file; its path. */
function script(steps: unknown[]): string {
  const file = join(dir, 'script.json');
  writeFileSync(file, JSON.stringify(steps, null, 2));
  return file;
}

/** What the phone heard, from `fromS` on. */
function phoneHeard(fromS: number): ReturnType<typeof analyseTone> {
  const { samples, rateHz } = env.phone.heard();
  return analyseTone(samples.subarray(fromS * rateHz), rateHz);
}

describe('gag-fake-asterisk script', () => {
  it('runs every step against the gateway and exits 0: the phone answers, hears the WAV, gets the keys, and its tone and keys are recorded', async () => {
    env.phone.inBandKeys = '42#';
    const file = script([
      { call: '2001', from: '0312345678', as: 'a' },
      { play: 'a', wav: 'caller.wav' },
      { expectAnswer: 'a', timeoutMs: 5_000 },
      { expectAudio: 'a', hz: 1_000, dbfs: -9 },
      { dtmf: 'a', digits: '12#' },
      { expectDtmf: 'a', digits: '42#' },
      { record: 'a', file: 'phone.wav' },
      { hangup: 'a' },
    ]);
    const run = await cli('script', file, '--url', env.gateway.asteriskUrl);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^step 1 \(call 2001\): ringing 2001 \(channel WebSocket\/ws-ext-2001\//m);
    expect(run.stdout).toMatch(/^step 2 \(play a\): playing .*caller\.wav$/m);
    expect(run.stdout).toMatch(/^step 3 \(expectAnswer a\): answered after \d+ ms$/m);
    expect(run.stdout).toMatch(/^step 4 \(expectAudio a\): heard 1000 Hz at -9\.\d dBFS/m);
    expect(run.stdout).toMatch(/^step 5 \(dtmf a\): sent DTMF_END 1 2 #$/m);
    expect(run.stdout).toMatch(/^step 6 \(expectDtmf a\): detected 42#$/m);
    expect(run.stdout).toMatch(/^step 7 \(record a\): saved .*phone\.wav \(16000 Hz\): received \d+ frames/m);
    expect(run.stdout).toMatch(/^step 8 \(hangup a\): hung up \(close code 1000\)$/m);
    expect(run.stdout).toMatch(/^call a: received \d+ frames \(\d+\.\d s\): strongest 1000 Hz at -\d+\.\d dBFS; DTMF: 42#$/m);

    await expect.poll(() => env.phone.ended.map((e) => e.reason)).toEqual(['remote_hangup']);
    expect(env.phone.dtmf).toEqual(['1', '2', '#']);
    const heard = phoneHeard(0.2);
    expect(Math.abs(heard.hz - 440)).toBeLessThanOrEqual(3);
    expect(Math.abs(heard.levelDbfs - PHONE_DBFS)).toBeLessThanOrEqual(0.5);
    const recorded = readWav(readFileSync(join(dir, 'phone.wav')));
    expect(recorded.rateHz).toBe(16_000);
    const tone = analyseTone(recorded.samples.subarray(1_600, 16_000), recorded.rateHz); // before the keys
    expect(tone.hz).toBe(PHONE_TONE.hz);
    expect(Math.abs(tone.levelDbfs - PHONE_DBFS)).toBeLessThanOrEqual(0.5);
  });

  it('exits 1 naming the step that failed, and hangs up the calls it made', async () => {
    const file = script([
      { call: '2001', as: 'a' },
      { expectAnswer: 'a', timeoutMs: 5_000 },
      { expectAudio: 'a', hz: 2_000, timeoutMs: 1_000 },
      { dtmf: 'a', digits: '9' },
    ]);
    const run = await cli('script', file, '--url', env.gateway.asteriskUrl);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/script\.json: step 3 \(expectAudio a\) failed: expected 2000 Hz; the latest 500 ms received held 1000 Hz at -9\.\d dBFS/);
    expect(run.stdout).not.toMatch(/^step 4/m); // nothing after the failure
    await expect.poll(() => env.phone.ended.map((e) => e.reason)).toEqual(['remote_hangup']);
    expect(env.phone.dtmf).toEqual([]);
  });

  it('checks the gateway hangs up a call nobody can take, and plays the speech-like signal to a phone', async () => {
    const file = script([
      { call: '2999', as: 'nobody' },
      { expectHangup: 'nobody', timeoutMs: 5_000 },
      { call: '2001', as: 'a', format: 'json', codec: 'ulaw' },
      { play: 'a', speech: { seed: 3, levelDbfs: -26 } },
      { expectAnswer: 'a' },
      { expectAudio: 'a', hz: 1_000 },
      { wait: 1_500 },
      { hangup: 'a' },
    ]);
    const run = await cli('script', file, '--url', env.gateway.asteriskUrl);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^step 2 \(expectHangup nobody\): hung up by the gateway \(commands: HANGUP\)$/m);
    expect(run.stdout).toMatch(/^step 6 \(expectAudio a\): heard 1000 Hz at -9\.\d dBFS \(purity [01]\.\d+\) \(at 8000 Hz\)$/m);
    await expect.poll(() => env.phone.ended.length).toBe(1);
    expect(env.phone.format).toBe('ulaw');
    // Speech-like: loud syllables and silent pauses, not a tone.
    const { samples, rateHz } = env.phone.heard();
    const blocks = Array.from({ length: Math.floor(samples.length / (rateHz / 50)) }, (_, i) => dbfs(samples.subarray((i * rateHz) / 50, ((i + 1) * rateHz) / 50)));
    expect(Math.max(...blocks)).toBeGreaterThan(-26);
    expect(Math.min(...blocks)).toBeLessThan(-60);
    expect(analyseTone(samples, rateHz).purity).toBeLessThan(0.2);
  });

  it('exits 2 for an invalid script, naming the step and the key, before dialling', async () => {
    const file = script([{ call: '2001', as: 'a' }, { play: 'a', tone: 9_000 }]);
    const run = await cli('script', file, '--url', env.gateway.asteriskUrl);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/script\.json: step 2 \(play\): 'tone': must be under 8000 Hz/);
    const unknown = await cli('script', script([{ call: '2001' }, { expectAnswer: '2001', timeout: 5 }]), '--url', env.gateway.asteriskUrl);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/step 2 \(expectAnswer\): .*timeout/);
    const unnamed = await cli('script', script([{ call: '2001', as: 'a' }, { hangup: 'b' }]), '--url', env.gateway.asteriskUrl);
    expect(unnamed.stderr).toMatch(/step 2 \(hangup b\): no call named 'b'/);
    expect(env.phone.phone.messages.filter((m) => m.type === 'incoming')).toEqual([]); // nothing rang
  });
});

describe('gag-fake-asterisk call', () => {
  it('plays --wav, presses --dtmf once answered, and saves and analyses what the phone sent with --record', async () => {
    env.phone.inBandKeys = '42';
    const out = join(dir, 'out.wav');
    const run = await cli('call', '2001', '--url', env.gateway.asteriskUrl, '--from', '0312345678', '--wav', join(dir, 'caller.wav'), '--dtmf', '5*', '--record', out, '--seconds', '1.5');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^pressed 5\*$/m);
    expect(run.stdout).toMatch(/^ended by caller \(1000\); received \d+ frames \(1\.\d s\): strongest 1000 Hz at -\d+\.\d dBFS; DTMF: 42$/m);
    expect(run.stdout).toContain(`saved ${out}`);
    await expect.poll(() => env.phone.ended.map((e) => e.reason)).toEqual(['remote_hangup']);
    expect(env.phone.dtmf).toEqual(['5', '*']);
    expect(phoneHeard(0.2).hz).toBeCloseTo(440, -1);
    const recorded = readWav(readFileSync(out));
    expect(analyseTone(recorded.samples.subarray(1_600, 16_000), 16_000).hz).toBe(PHONE_TONE.hz); // before the keys
  });

  it('exits 2 with a message for a WAV it cannot play', async () => {
    writeFileSync(join(dir, 'text.wav'), 'not audio');
    const run = await cli('call', '2001', '--url', env.gateway.asteriskUrl, '--wav', join(dir, 'text.wav'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gag-fake-asterisk: .*text\.wav: not a WAV file/);
  });
});
