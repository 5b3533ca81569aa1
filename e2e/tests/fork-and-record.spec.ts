/**
 * Issue 20 in real Chromium: `<gag-phone>` answers (its microphone the fixtures' 1 kHz tone at
 * 0.5), the fake Asterisk's caller plays 440 Hz at 0.5, and the gateway forks or records the call.
 * - Forks by rule, in Twilio's JSON shape and in the binary mode: `connected`, `start` with the
 *   call's metadata, both tracks with their tones in order (sequence numbers and timestamps without
 *   a gap), the caller's key, `stop`.
 * - Audio back: in `agent` mode the page plays the service's 1.5 kHz and Asterisk never gets it;
 *   in `call` mode Asterisk gets it and the page never plays it.
 * - A recording by rule: a stereo WAV with the caller's 440 Hz on the left and the agent's 1 kHz
 *   on the right at the levels sent; a pause leaves a silent span of the paused length.
 * - A gateway killed with SIGKILL mid-call (a process of its own) leaves a readable WAV.
 * The fixtures' `forkReceiver` and `recordingDir` point the gateway at the receiver and a fresh
 * folder; each recording is kept in the test's output folder (recording.wav) to look at with sox.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '@gag/gateway';
import { FRAME_MS } from '@gag/sdk/protocol';
import { phonePageHtml } from '../src/phone-page.js';
import { analyseTone, dbfs, floatToS16le, goertzelAmplitude, isTone, sineFloat } from '../src/tones.js';
import { readWav } from '../src/wav.js';
import { GagAsterisk, TONE_DBFS, expect, test, type ForkStream, type ForkTrack, type GagEnv } from './fixtures.js';
import { startGatewayProcess } from './gateway-process.js';

/** The call's rate (the fixtures' calls are slin16). */
const RATE_HZ = 16_000;
/** What the service says back: 1.5 kHz at 0.25, apart from both tones of the call. */
const VOICE_HZ = 1_500;
const voice = (seconds: number): Buffer => floatToS16le(sineFloat(VOICE_HZ, RATE_HZ, RATE_HZ * seconds, 0.25));

/** The gateway's operations API (no admin token in the fixtures: loopback may call it). */
const api = (gag: GagEnv, path: string, method = 'GET'): Promise<Response> => fetch(`${gag.gateway.browserUrl.replace(/^ws/, 'http')}${path}`, { method });

/** A track of a fork as floats, without its first `skipMs` (the browser's microphone starting). */
const trackSamples = (stream: ForkStream, track: ForkTrack, skipMs = 0): Float32Array => Float32Array.from(stream.samples(track).subarray((skipMs * RATE_HZ) / 1000), (s) => s / 32_768);
const consecutive = (numbers: readonly number[]): boolean => numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);

/** The expectations of a clean tone: frequency within 2 %, level within 3 dB, one tone carrying the power. */
function expectTone(samples: Float32Array, hz: number, what: string): void {
  const heard = analyseTone(samples, RATE_HZ);
  test.info().annotations.push({ type: what, description: JSON.stringify(heard) });
  expect(isTone(heard, { hz, dbfs: TONE_DBFS }), `${what}: ${JSON.stringify(heard)}`).toBe(true);
}

for (const mode of ['twilio', 'binary'] as const) {
  test(`a call forked by rule in ${mode} mode: the receiver gets start with the call's metadata, both tracks with their tones in order, the caller's key, and stop`, async ({ gag, asterisk, phone, forkReceiver: receiver }) => {
    await gag.configure({ config: { fork_format: mode, fork_extensions: ['2001'], fork_parameters: { tenant: 'acme' } } });
    const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka', play: 440 });
    const { callId } = await phone.expectRinging({ from: '0312345678' });
    await phone.answer();
    await call.expectAnswered();
    await phone.expectTalking();
    const agentSession = gag.gateway.registry.sessionsFor('2001')[0]?.id;
    const stream = await receiver.nextStream();
    await stream.started;
    // 2 s of both tracks, then a key.
    await expect.poll(() => Math.min(stream.audio.inbound.length, stream.audio.outbound.length), { timeout: 10_000 }).toBeGreaterThanOrEqual(100);
    call.sendDtmf('7');
    await expect.poll(() => stream.digits).toBe('7');
    await phone.hangup();
    await phone.expectEnded({ reason: 'hangup' });
    await stream.stopped;

    expect(stream.events[0]).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(stream.events[1]!.event).toBe('start');
    expect(stream.events.at(-1)).toMatchObject({ event: 'stop', stop: { callSid: callId } });
    expect(stream.start).toMatchObject({
      callSid: callId,
      tracks: ['inbound', 'outbound'],
      customParameters: { tenant: 'acme' },
      mediaFormat: { encoding: 'audio/x-l16;rate=16000', sampleRate: RATE_HZ, channels: 1 },
      gag: { mode, callId, extension: '2001', callerNumber: '0312345678', callerName: 'Tanaka', group: null, direction: 'inbound', agentSession, format: 'slin16' },
    });
    // In order: every message numbered one after the other, each track's frames 20 ms apart.
    expect(consecutive(stream.sequenceNumbers)).toBe(true);
    for (const track of ['inbound', 'outbound'] as const) {
      const stamps = stream.timestamps[track];
      expect(stamps, `${track} timestamps`).toEqual(stamps.map((_, i) => stamps[0]! + i * FRAME_MS));
    }
    if (mode === 'binary') expect(stream.binaryFrames).toBe(stream.audio.inbound.length + stream.audio.outbound.length);
    else expect(stream.events.filter((e) => e.event === 'media')).toHaveLength(stream.audio.inbound.length + stream.audio.outbound.length);
    // The caller's 440 Hz and the page's microphone (1 kHz), each at the level sent.
    expectTone(trackSamples(stream, 'inbound', 200), 440, 'fork inbound (the caller)');
    expectTone(trackSamples(stream, 'outbound', 500), 1_000, 'fork outbound (the agent, Chromium)');
    expect(await stream.closed).toBe(1000);
  });
}

test('audio back in agent mode: the page plays the service over the caller, Asterisk never gets it, and the mark comes back once played', async ({ gag, asterisk, phone, forkReceiver: receiver }) => {
  await gag.configure({ config: { fork_extensions: ['2001'], fork_audio_back: 'agent' } });
  const call = await asterisk.call('2001', { play: 440 });
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  const stream = await receiver.nextStream();
  await stream.started;
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS }); // playout steady before the service speaks
  const from = call.received.frames;
  stream.speak(voice(3), 'prompt-1');

  // The page plays 1.5 kHz (at 0.25) over the caller's 440 Hz (at 0.5).
  let played = { voice: 0, caller: 0 };
  await expect
    .poll(async () => {
      const p = await phone.playback();
      played = p === undefined ? played : { voice: goertzelAmplitude(p.samples, VOICE_HZ, p.rateHz), caller: goertzelAmplitude(p.samples, 440, p.rateHz) };
      return played.voice;
    }, { message: 'the page plays the service', timeout: 5_000 })
    .toBeGreaterThan(0.15);
  expect(played.caller).toBeGreaterThan(0.3);
  await expect.poll(() => stream.events.some((e) => e.event === 'mark' && (e['mark'] as { name: string }).name === 'prompt-1'), { timeout: 8_000 }).toBe(true);
  // All 3 s have played to the agent: Asterisk got the page's 1 kHz over that time, and none of the service.
  const atAsterisk = call.received.samples({ fromMs: from * FRAME_MS });
  expect(atAsterisk.length / RATE_HZ).toBeGreaterThan(2.5);
  expect(goertzelAmplitude(atAsterisk, VOICE_HZ, RATE_HZ)).toBeLessThan(0.005);
  expect(goertzelAmplitude(atAsterisk, 1_000, RATE_HZ)).toBeGreaterThan(0.3);
  await phone.hangup();
  await stream.stopped;
});

test('audio back in call mode: Asterisk gets the service over the page\'s microphone, and the page never plays it', async ({ gag, asterisk, phone, forkReceiver: receiver }) => {
  await gag.configure({ config: { fork_format: 'binary', fork_extensions: ['2001'], fork_audio_back: 'call' } });
  const call = await asterisk.call('2001', { play: 440 });
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  const stream = await receiver.nextStream();
  await stream.started;
  await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
  stream.speak(voice(4), 'prompt-1');

  // Asterisk gets 1.5 kHz (at 0.25) over the page's 1 kHz (at 0.5), in its latest half second.
  const latest = (): Float32Array => call.received.samples({ fromMs: call.received.frames * FRAME_MS - 500 });
  await expect.poll(() => goertzelAmplitude(latest(), VOICE_HZ, RATE_HZ), { message: 'Asterisk gets the service', timeout: 5_000 }).toBeGreaterThan(0.15);
  expect(goertzelAmplitude(latest(), 1_000, RATE_HZ)).toBeGreaterThan(0.3);
  // For the next second of the service at Asterisk, every window the page plays has the caller and not the service.
  const until = call.received.frames + 1_000 / FRAME_MS;
  const windows: { voice: number; caller: number }[] = [];
  while (call.received.frames < until) {
    const p = await phone.playback();
    if (p !== undefined) windows.push({ voice: goertzelAmplitude(p.samples, VOICE_HZ, p.rateHz), caller: goertzelAmplitude(p.samples, 440, p.rateHz) });
  }
  expect(goertzelAmplitude(latest(), VOICE_HZ, RATE_HZ)).toBeGreaterThan(0.15); // the service was still speaking throughout
  expect(windows.length).toBeGreaterThanOrEqual(3);
  expect(Math.max(...windows.map((w) => w.voice))).toBeLessThan(0.01);
  expect(Math.min(...windows.map((w) => w.caller))).toBeGreaterThan(0.3);
  await phone.hangup();
  await stream.stopped;
});

interface Meta { id: string; status: string; durationMs: number; reason: string; rateHz: number; channels: string[]; pauses: { fromMs: number; toMs: number | null }[] }

/** The one recording of the folder, as the API lists it. */
async function theRecording(gag: GagEnv): Promise<Meta | undefined> {
  const { recordings } = (await (await api(gag, '/api/recordings')).json()) as { recordings: Meta[] };
  return recordings[0];
}

/** Wait until the live recording holds at least `ms` of audio. */
const recordedPast = async (gag: GagEnv, ms: number): Promise<void> => {
  await expect.poll(async () => (await theRecording(gag))?.durationMs ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(ms);
};

/** 20 ms blocks where both channels are silent (< −60 dBFS): the longest run, ms, and where it starts. */
function longestSilence(left: Float32Array, right: Float32Array): { fromMs: number; ms: number } {
  const block = (RATE_HZ * FRAME_MS) / 1000;
  let best = { fromMs: 0, ms: 0 };
  let runFrom = -1;
  for (let i = 0; i + block <= left.length; i += block) {
    const silent = dbfs(left.subarray(i, i + block)) < -60 && dbfs(right.subarray(i, i + block)) < -60;
    if (silent && runFrom < 0) runFrom = i;
    if (!silent) runFrom = -1;
    if (silent && ((i + block - runFrom) * 1000) / RATE_HZ > best.ms) best = { fromMs: (runFrom * 1000) / RATE_HZ, ms: ((i + block - runFrom) * 1000) / RATE_HZ };
  }
  return best;
}

test('a call recorded by rule: a stereo WAV, the caller\'s 440 Hz left and the page\'s 1 kHz right at the levels sent; a pause through the API leaves a silent span of its length', async ({ gag, asterisk, phone, recordingDir }) => {
  await gag.configure({ config: { record_extensions: ['2001'] } }); // recording_dir: the recordingDir fixture's
  const call = await asterisk.call('2001', { play: 440 });
  const { callId } = await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
  await recordedPast(gag, 2_000);

  const pausedAt = Date.now();
  expect((await api(gag, `/api/calls/${callId}/recording/pause`, 'POST')).status).toBe(200);
  const pausedFrom = (await theRecording(gag))!.durationMs;
  await recordedPast(gag, pausedFrom + 1_500);
  expect((await api(gag, `/api/calls/${callId}/recording/resume`, 'POST')).status).toBe(200);
  const pausedMs = Date.now() - pausedAt;
  await recordedPast(gag, (await theRecording(gag))!.durationMs + 1_500);
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });

  await expect.poll(async () => (await theRecording(gag))?.status, { timeout: 5_000 }).toBe('complete');
  const meta = (await theRecording(gag))!;
  expect(meta).toMatchObject({ reason: 'rule', rateHz: RATE_HZ, channels: ['caller', 'agent'] });
  expect(readdirSync(recordingDir).sort()).toEqual([`${meta.id}.json`, `${meta.id}.wav`]);
  const bytes = Buffer.from(await (await api(gag, `/api/recordings/${meta.id}/audio`)).arrayBuffer());
  writeFileSync(test.info().outputPath('recording.wav'), bytes);
  const wav = readWav(bytes, 'the recording');
  expect(wav).toMatchObject({ rateHz: RATE_HZ, channels: 2 });
  const [left, right] = wav.channelSamples as [Float32Array, Float32Array];
  const span = (s: Float32Array, fromMs: number, toMs: number): Float32Array => s.subarray(Math.round((fromMs * RATE_HZ) / 1000), Math.round((toMs * RATE_HZ) / 1000));

  // The pause: one span in the sidecar, as long as the API kept it paused, silent on both channels.
  expect(meta.pauses).toHaveLength(1);
  const { fromMs, toMs } = meta.pauses[0] as { fromMs: number; toMs: number };
  expect(Math.abs(toMs - fromMs - pausedMs)).toBeLessThanOrEqual(500); // the API's two round trips on a busy machine
  const silence = longestSilence(left, right);
  test.info().annotations.push({ type: 'silent span', description: `${JSON.stringify(silence)}; sidecar ${fromMs}–${toMs} ms, API ${pausedMs} ms` });
  expect(Math.abs(silence.ms - (toMs - fromMs))).toBeLessThanOrEqual(200); // the tracks' skew, 200 ms at most
  expect(Math.abs(silence.fromMs - fromMs)).toBeLessThanOrEqual(200);
  // Before and after it: the caller left, the agent right, each at the level sent.
  for (const [name, a, b] of [['before the pause', 300, fromMs - 300], ['after the pause', toMs + 300, meta.durationMs - 300]] as const) {
    expectTone(span(left, a, b), 440, `recording left (the caller) ${name}`);
    expectTone(span(right, a, b), 1_000, `recording right (the agent, Chromium) ${name}`);
  }
});

test('a gateway killed with SIGKILL mid-call leaves a readable WAV with both tones', async ({ page, gag }) => {
  const recordingDir = mkdtempSync(join(tmpdir(), 'gag-e2e-killed-'));
  const gw = await startGatewayProcess({ allowed_origins: [gag.pageOrigin], recording_dir: recordingDir, record_all_calls: true });
  const asterisk = new GagAsterisk(gw.asteriskUrl);
  try {
    const path = `/killed-${Math.random().toString(36).slice(2)}.html`;
    gag.serve(path, 'text/html; charset=utf-8', phonePageHtml({ gatewayUrl: gw.browserUrl, token: await mintToken({ secret: gw.secret, extension: '2001', ttlSeconds: 600 }) }));
    await page.goto(`${gag.pageOrigin}${path}`);
    const phone = page.locator('gag-phone');
    await expect(phone.getByRole('status')).toHaveText('Ready');
    const call = await asterisk.call('2001', { play: 440 });
    await phone.getByRole('button', { name: 'Answer' }).click();
    await call.expectAnswered();
    await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
    // 3 s in the file (its header is rewritten every second), then the kill.
    await expect.poll(() => readdirSync(recordingDir).find((n) => n.endsWith('.wav')), { timeout: 5_000 }).toBeDefined();
    const file = join(recordingDir, readdirSync(recordingDir).find((n) => n.endsWith('.wav'))!);
    await expect.poll(() => statSync(file).size, { timeout: 10_000 }).toBeGreaterThan(44 + 3 * RATE_HZ * 4);
    await gw.kill('SIGKILL');

    const bytes = readFileSync(file);
    writeFileSync(test.info().outputPath('recording.wav'), bytes);
    const wav = readWav(bytes, 'the killed gateway’s recording'); // the header as last written
    expect(wav).toMatchObject({ rateHz: RATE_HZ, channels: 2 });
    expect(bytes.readUInt32LE(4)).toBe(bytes.readUInt32LE(40) + 36);
    const [left, right] = wav.channelSamples as [Float32Array, Float32Array];
    expect(left.length / RATE_HZ).toBeGreaterThanOrEqual(1.5); // at most a second (and a write) behind the file
    const lastSecond = (s: Float32Array): Float32Array => s.subarray(s.length - RATE_HZ);
    expectTone(lastSecond(left), 440, 'killed recording left (the caller)');
    expectTone(lastSecond(right), 1_000, 'killed recording right (the agent, Chromium)');
    await expect(phone.getByRole('status')).not.toHaveText('In call');
  } finally {
    await asterisk.close();
    await gw.kill('SIGKILL');
    rmSync(recordingDir, { recursive: true, force: true });
  }
});
