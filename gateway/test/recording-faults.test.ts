/**
 * Recordings under faults (issue 20), with the gateway in a child process of its own: killed with
 * SIGKILL mid-call, the WAV is still a valid file whose header is at most a second behind its
 * data (and the documented repair gives every byte back); under a file size limit (`ulimit -f`, a
 * disk filling up: EFBIG as ENOSPC would be) the recording stops with a log line and a metric and
 * every frame of the call's audio arrives both ways, unchanged (unbroken-audio.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { FakeAsterisk, readWav } from '@gag/e2e';
import { mintToken } from '@gag/gateway';
import { analyseTone } from '@gag/e2e/tones';
import { TEST_SECRET } from '@gag/testkit/gateway';
import { startGatewayChild, type GatewayChild } from '@gag/testkit/gateway-process';
import { TEST_ORIGIN, TestPhone } from '@gag/testkit/phone';
import { talkingCall as startTalkingCall, type TalkingCall } from './agent-voice.js';
import { expectUnbrokenAudio, markAudio } from './unbroken-audio.js';

/** One second of stereo slin16 in the file. */
const BYTES_PER_S = 16_000 * 4;

let child: GatewayChild | undefined;
let asterisk: FakeAsterisk | undefined;
let phone: TestPhone | undefined;
let dir: string | undefined;
afterEach(async () => {
  phone?.close();
  await asterisk?.close();
  await child?.stop('SIGTERM');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  child = asterisk = phone = dir = undefined;
});

/** The gateway in a child (`shell` runs first, e.g. a ulimit), recording every call into a fresh folder; its JSON log lines. */
async function childGateway(shell: string): Promise<{ browserUrl: string; lines: Record<string, unknown>[]; talkingCall: () => Promise<TalkingCall> }> {
  dir = mkdtempSync(join(tmpdir(), 'gag-rec-child-'));
  const config = { allowed_origins: [TEST_ORIGIN], jwt_secret: TEST_SECRET, log_level: 'info', recording_dir: dir, record_all_calls: true };
  const lines: Record<string, unknown>[] = [];
  // The launcher prints the URLs after the gateway's own first lines (log_level info): every line but them is a log line.
  const gw = await startGatewayChild({ config, shell, onLine: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  child = gw;
  const fake = new FakeAsterisk({ url: gw.asteriskUrl });
  asterisk = fake;
  const login = async (extension: string): Promise<TestPhone> => (phone = await TestPhone.login(gw.browserUrl, await mintToken({ secret: TEST_SECRET, extension, ttlSeconds: 60 })));
  // agent-voice.ts's call: the caller plays 440 Hz at 0.5, the agent answers every frame it hears with 1 kHz at 0.25.
  return { browserUrl: gw.browserUrl, lines, talkingCall: () => startTalkingCall({ asterisk: fake, phone: login }) };
}

const wavIn = (d: string): string => join(d, readdirSync(d).find((n) => n.endsWith('.wav'))!);

test('a gateway killed with SIGKILL mid-call leaves a valid WAV, at most a second stale, that the documented repair makes whole', async () => {
  await (await childGateway('')).talkingCall();
  // Wait until the header has caught up with the data at least once, then well past it.
  await expect.poll(() => readdirSync(dir!).some((n) => n.endsWith('.wav')), { timeout: 5_000 }).toBe(true);
  const file = wavIn(dir!);
  await expect.poll(() => statSync(file).size, { timeout: 10_000 }).toBeGreaterThan(44 + 2.5 * BYTES_PER_S);
  await child!.stop('SIGKILL');

  const bytes = readFileSync(file);
  const dataBytes = bytes.readUInt32LE(40);
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.readUInt32LE(4)).toBe(dataBytes + 36);
  expect(dataBytes).toBeGreaterThan(0);
  expect(bytes.length - 44 - dataBytes).toBeLessThanOrEqual(1.5 * BYTES_PER_S); // a second between header updates, plus one write
  expect(readWav(bytes)).toMatchObject({ rateHz: 16_000, channels: 2 });
  // The repair of docs/fork-and-record.md#recovering-a-recording: sizes from the file's length (whole sample pairs).
  const whole = bytes.subarray(0, 44 + Math.floor((bytes.length - 44) / 4) * 4);
  whole.writeUInt32LE(whole.length - 8, 4);
  whole.writeUInt32LE(whole.length - 44, 40);
  const left = new Float32Array((whole.length - 44) / 4);
  const right = new Float32Array(left.length);
  for (let i = 0; i < left.length; i++) {
    left[i] = whole.readInt16LE(44 + 4 * i) / 32_768;
    right[i] = whole.readInt16LE(46 + 4 * i) / 32_768;
  }
  const tail = (s: Float32Array): Float32Array => s.subarray(s.length - 16_000); // the last second, past the stale header
  expect(Math.abs(analyseTone(tail(left), 16_000).hz - 440)).toBeLessThanOrEqual(9);
  expect(Math.abs(analyseTone(tail(right), 16_000).hz - 1000)).toBeLessThanOrEqual(20);
  const sidecar = JSON.parse(readFileSync(file.replace(/\.wav$/, '.json'), 'utf8')) as { status: string; extension: string };
  expect(sidecar).toMatchObject({ status: 'recording', extension: '2001' });
}, 30_000);

test('a file size limit reached mid-call stops the recording with an error line and a metric, and every frame of the call arrives both ways, unchanged, with its tone', async () => {
  const gw = await childGateway('ulimit -f 64 &&'); // 64 KiB: about one second of stereo slin16
  const { phone: agent, call } = await gw.talkingCall(); // the file fills up about a second into the call
  await expect.poll(() => gw.lines.find((l) => l['msg'] === 'recording stopped: the file could not be written; the call goes on'), { timeout: 10_000 }).toMatchObject({ failure: 'disk_full', code: 'EFBIG', level: 50 });
  const metrics = await (await fetch(`${gw.browserUrl.replace(/^ws/, 'http')}/metrics`)).text();
  expect(metrics).toMatch(/^gag_recording_failures_total\{failure="disk_full"\} 1$/m);
  // The whole call, the failure included, then a second at least after it: every frame both ways, unchanged, with its tone.
  await expectUnbrokenAudio(agent, call, markAudio(agent, call));
}, 30_000);
