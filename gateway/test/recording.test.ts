/**
 * Call recording (issue 20): both legs into a stereo WAV (caller left, agent right, the call's
 * rate) with a JSON sidecar, by config rule or through the operations API (start, pause, resume,
 * stop, list, download, delete). Real sockets on loopback; the audio is checked by tone analysis.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readWav, tone } from '@gag/e2e';
import { analyseTone, dbfs } from '@gag/e2e/tones';
import { mintToken } from '@gag/gateway';
import { TEST_SECRET, gatewayPerTestOnDemand, testConfig } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { agentSpeaks, talkingCall } from './agent-voice.js';
import { SECRET, configError } from './config-error.js';

const t = gatewayPerTestOnDemand();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gag-rec-'));
  dirs.push(d);
  return d;
};
const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${t.gw.browserUrl.replace(/^ws/, 'http')}${path}`, init);

/** Left and right channels of a stereo WAV from our writer (44-byte header), as floats. */
function channels(bytes: Buffer): [Float32Array, Float32Array] {
  const data = bytes.subarray(44);
  const count = Math.floor(data.length / 4);
  const left = new Float32Array(count);
  const right = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    left[i] = data.readInt16LE(4 * i) / 32_768;
    right[i] = data.readInt16LE(4 * i + 2) / 32_768;
  }
  return [left, right];
}

/** The middle half of `s` (away from the padded edges of a call). */
const middle = (s: Float32Array): Float32Array => s.subarray(Math.floor(s.length / 4), Math.floor((3 * s.length) / 4));

interface Meta { id: string; status: string; callId: string; extension: string; rateHz: number; durationMs: number; reason: string; pauses: { fromMs: number; toMs: number | null }[] }

async function recordingsDone(): Promise<Meta[]> {
  let list: Meta[] = [];
  await expect.poll(async () => (list = ((await (await api('/api/recordings')).json()) as { recordings: Meta[] }).recordings).map((r) => r.status), { timeout: 5_000 }).toEqual(['complete']);
  return list;
}

describe.each([
  { format: 'slin16', rateHz: 16_000, packetMs: 20 },
  { format: 'ulaw', rateHz: 8_000, packetMs: 20 },
  { format: 'slin16', rateHz: 16_000, packetMs: 60 },
] as const)('a call in $format with $packetMs ms browser packets recorded by rule', ({ format, rateHz, packetMs }) => {
  test('has the caller’s 440 Hz on the left and the agent’s 1 kHz on the right at their levels, and a sidecar with the call', async () => {
    const dir = freshDir();
    await t.start({ recording_dir: dir, record_extensions: ['2001'], browser_packet_ms: packetMs });
    const { phone, call, callId } = await talkingCall(t, format);
    await expect.poll(() => call.received.frames, { timeout: 5_000 }).toBeGreaterThanOrEqual(75); // 1.5 s of the agent
    phone.send({ type: 'hangup', callId });
    await call.ended;

    const [meta] = await recordingsDone();
    expect(meta).toMatchObject({ callId, extension: '2001', callerNumber: '0311112222', callerName: 'Tanaka', direction: 'inbound', agentSession: phone.welcome?.sessionId, rateHz, reason: 'rule', channels: ['caller', 'agent'], failure: null });
    const wav = Buffer.from(await (await api(`/api/recordings/${meta!.id}/audio`)).arrayBuffer());
    expect(readWav(wav)).toMatchObject({ rateHz, channels: 2 });
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44); // sizes final after close
    const [left, right] = channels(wav).map(middle) as [Float32Array, Float32Array];
    expect(left.length / rateHz).toBeGreaterThan(0.5);
    const caller = analyseTone(left, rateHz);
    const agent = analyseTone(right, rateHz);
    expect(Math.abs(caller.hz - 440)).toBeLessThanOrEqual(440 * 0.02);
    expect(Math.abs(agent.hz - 1000)).toBeLessThanOrEqual(1000 * 0.02);
    expect(Math.abs(caller.levelDbfs - -9)).toBeLessThanOrEqual(3); // a 0.5 sine
    expect(Math.abs(agent.levelDbfs - -15)).toBeLessThanOrEqual(3); // a 0.25 sine
  });
});

test('a call no rule names is not recorded; the API records it from the answer on, pause leaves a silent span, stop ends the file and the call goes on', async () => {
  const dir = freshDir();
  await t.start({ recording_dir: dir, record_extensions: ['2002'] });
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  call.play(tone(440, { amplitude: 0.5 }));
  agentSpeaks(phone, 'slin16', 1000, 0.25);
  expect((await api(`/api/calls/${callId}/recording`, { method: 'POST' })).status).toBe(409); // ringing: not_talking
  phone.send({ type: 'answer', callId });
  await call.answered;
  await phone.next('answered');
  expect(readdirSync(dir)).toEqual([]);

  const heard = (): number => phone.audio.length;
  const waitFrames = async (n: number): Promise<void> => {
    const from = heard();
    await expect.poll(heard, { timeout: 5_000 }).toBeGreaterThanOrEqual(from + n);
  };
  const started = await api(`/api/calls/${callId}/recording`, { method: 'POST' });
  expect(started.status).toBe(201);
  const { recording } = (await started.json()) as { recording: Meta };
  expect(recording).toMatchObject({ callId, status: 'recording', reason: 'api' });
  expect((await api(`/api/calls/${callId}/recording`, { method: 'POST' })).status).toBe(409);
  await waitFrames(40);
  expect((await api(`/api/calls/${callId}/recording/pause`, { method: 'POST' })).status).toBe(200);
  expect((await api(`/api/calls/${callId}/recording/pause`, { method: 'POST' })).status).toBe(409);
  await waitFrames(40);
  expect((await api(`/api/calls/${callId}/recording/resume`, { method: 'POST' })).status).toBe(200);
  await waitFrames(40);
  const stopped = await api(`/api/calls/${callId}/recording`, { method: 'DELETE' });
  expect(stopped.status).toBe(200);
  const framesAtStop = call.received.frames;
  await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThan(framesAtStop + 10); // the call goes on

  const [meta] = await recordingsDone();
  expect(meta!.pauses).toHaveLength(1);
  const { fromMs, toMs } = meta!.pauses[0]!;
  expect(toMs! - fromMs).toBeGreaterThan(500);
  const wav = Buffer.from(await (await api(`/api/recordings/${meta!.id}/audio`)).arrayBuffer());
  const [left, right] = channels(wav);
  const span = (s: Float32Array, a: number, b: number): Float32Array => s.subarray(Math.round((a * 16_000) / 1000), Math.round((b * 16_000) / 1000));
  // Inside the pause (less 100 ms each side for the tracks' skew): silence on both channels.
  expect(dbfs(span(left, fromMs + 100, toMs! - 100))).toBeLessThan(-80);
  expect(dbfs(span(right, fromMs + 100, toMs! - 100))).toBeLessThan(-80);
  // Before it: both tones.
  expect(Math.abs(analyseTone(span(left, 100, fromMs - 100), 16_000).hz - 440)).toBeLessThanOrEqual(9);
  expect(Math.abs(analyseTone(span(right, 100, fromMs - 100), 16_000).hz - 1000)).toBeLessThanOrEqual(20);

  phone.send({ type: 'hangup', callId });
  await call.ended;
});

test('the folder’s recordings are listed, read and deleted behind the admin token; a live one cannot be deleted; ids cannot leave the folder', async () => {
  const dir = freshDir();
  const admin = 'admin-token-0123456789abcdef0123456789abcdef';
  await t.start({ recording_dir: dir, record_all_calls: true, admin_token: admin });
  const auth = { Authorization: `Bearer ${admin}` };
  expect((await api('/api/recordings')).status).toBe(401);
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  call.play(tone(440));
  phone.send({ type: 'answer', callId });
  await call.answered;
  let live: Meta[] = [];
  await expect.poll(async () => (live = ((await (await api('/api/recordings', { headers: auth })).json()) as { recordings: Meta[] }).recordings).length, { timeout: 3_000 }).toBe(1);
  expect((await api(`/api/recordings/${live[0]!.id}`, { method: 'DELETE', headers: auth })).status).toBe(409);
  phone.send({ type: 'hangup', callId });
  await call.ended;
  await expect.poll(async () => ((await (await api(`/api/recordings/${live[0]!.id}`, { headers: auth })).json()) as { recording: Meta }).recording.status, { timeout: 3_000 }).toBe('complete');
  const audio = await api(`/api/recordings/${live[0]!.id}/audio`, { headers: auth });
  expect(audio.headers.get('content-type')).toBe('audio/wav');
  expect(readWav(Buffer.from(await audio.arrayBuffer())).channels).toBe(2);
  expect((await api('/api/recordings/..%2Fetc%2Fpasswd', { headers: auth })).status).toBe(404);
  expect((await api(`/api/recordings/${live[0]!.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
  expect(readdirSync(dir)).toEqual([]);
  expect((await api(`/api/recordings/${live[0]!.id}`, { headers: auth })).status).toBe(404);
});

test('without recording_dir the API says recording is off, and a rule without it is a config error naming recording_dir', async () => {
  await t.start();
  const phone = await t.phone('2001');
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await call.answered;
  const refused = await api(`/api/calls/${callId}/recording`, { method: 'POST' });
  expect(refused.status).toBe(501);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_enabled');
  phone.send({ type: 'hangup', callId });
  await call.ended;
  expect(configError({ ...SECRET, record_all_calls: true })).toMatchObject({ key: 'recording_dir' });
  expect(configError({ ...SECRET, record_groups: ['sales'] }).message).toMatch(/recording_dir: is required to record calls/);
  expect(configError({ ...SECRET, record_extensions: ['20 01'] })).toMatchObject({ key: 'record_extensions.0' });
});

test('a recording_dir the gateway cannot create stops the start with a ConfigError naming it', async () => {
  const file = join(freshDir(), 'a-file');
  writeFileSync(file, '');
  await expect(t.start({ recording_dir: join(file, 'recordings') })).rejects.toMatchObject({ key: 'recording_dir', message: expect.stringMatching(/recording_dir: .*cannot be created or written \(ENOTDIR\) — create the folder/) });
});

test('a token with gag_record records its agent’s calls, and only those', async () => {
  const dir = freshDir();
  await t.start({ recording_dir: dir });
  const recorded = await TestPhone.login(t.gw.browserUrl, await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60, record: true }));
  const plain = await t.phone('2002');
  for (const [phone, exten] of [[recorded, '2001'], [plain, '2002']] as const) {
    const call = await t.asterisk.call(`ws-ext-${exten}`);
    const { callId } = await phone.next('incoming');
    call.play(tone(440));
    phone.send({ type: 'answer', callId });
    await call.answered;
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(10);
    phone.send({ type: 'hangup', callId });
    await call.ended;
  }
  recorded.close();
  const [meta] = await recordingsDone();
  expect(meta).toMatchObject({ extension: '2001', reason: 'claim', agentSession: recorded.welcome?.sessionId });
});

test('a reload with a new recording_dir creates it, and one that cannot be created is refused, keeping the old', async () => {
  const dir = freshDir();
  await t.start({ recording_dir: dir });
  const next = join(dir, 'nested', 'recordings');
  await t.gw.reload(testConfig({ recording_dir: next }), t.gw.groups);
  expect(readdirSync(join(dir, 'nested'))).toEqual(['recordings']);
  expect(t.gw.config.recording_dir).toBe(next);
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  await expect(t.gw.reload(testConfig({ recording_dir: join(file, 'x') }), t.gw.groups)).rejects.toMatchObject({ key: 'recording_dir' });
  expect(t.gw.config.recording_dir).toBe(next);
});
