/**
 * Live forks (issue 20): both legs of a call streamed to a service over WebSocket, in Twilio
 * Media Streams' JSON shape and in the binary mode, picked by config rule or started and stopped
 * through the operations API; a service that is slow, down or leaves never touches the call's own
 * audio. Real sockets on loopback, the fake fork receiver of @gag/e2e, tones checked.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { FakeForkReceiver, tone, type ForkStream, type ForkTrack } from '@gag/e2e';
import { mintToken } from '@gag/gateway';
import { analyseTone, floatToS16le, goertzelAmplitude, s16leToFloat, sineFloat } from '@gag/e2e/tones';
import { rateHzOf, type WireFormat } from '@gag/sdk/protocol';
import { TEST_SECRET, gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';
import { talkingCall as startTalkingCall, type TalkingCall } from './agent-voice.js';
import { SECRET, configError } from './config-error.js';
import { expectUnbrokenAudio, framesHeard, markAudio } from './unbroken-audio.js';

const t = gatewayPerTestOnDemand();
let receiver: FakeForkReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});
const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${t.gw.browserUrl.replace(/^ws/, 'http')}${path}`, init);
const metric = async (name: string): Promise<number> => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await api('/metrics')).text())?.[1] ?? NaN);

const talkingCall = (format: WireFormat = 'slin16'): Promise<TalkingCall> => startTalkingCall(t, format);

/** A track's tone, from its decoded samples. */
const toneOf = (stream: ForkStream, track: ForkTrack, format: WireFormat) => analyseTone(Float32Array.from(stream.samples(track), (s) => s / 32_768), rateHzOf(format));
const consecutive = (numbers: readonly number[]): boolean => numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);

describe.each([
  { mode: 'twilio', format: 'slin16' },
  { mode: 'binary', format: 'ulaw' },
] as const)('a call forked by rule in $mode mode ($format)', ({ mode, format }) => {
  test('delivers connected, start with the call’s metadata, both tracks with their tones in order, the caller’s keys, and stop', async () => {
    receiver = await FakeForkReceiver.listen();
    await t.start({ fork_url: receiver.url, fork_format: mode, fork_extensions: ['2001'], fork_parameters: { tenant: 'acme' } });
    const { phone, call, callId } = await talkingCall(format);
    const stream = await receiver.nextStream();
    await stream.started;
    await expect.poll(() => stream.audio.outbound.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(60);
    call.sendDtmf('7');
    await expect.poll(() => stream.digits, { timeout: 3_000 }).toBe('7');
    phone.send({ type: 'hangup', callId });
    await stream.stopped;

    expect(stream.events[0]).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(stream.events[1]!.event).toBe('start');
    expect(stream.events.at(-1)).toMatchObject({ event: 'stop', stop: { callSid: callId } });
    expect(stream.start).toMatchObject({
      callSid: callId,
      tracks: ['inbound', 'outbound'],
      customParameters: { tenant: 'acme' },
      mediaFormat: { sampleRate: rateHzOf(format), channels: 1, encoding: format === 'ulaw' ? 'audio/x-mulaw' : 'audio/x-l16;rate=16000' },
      gag: { mode, callId, extension: '2001', callerNumber: '0311112222', callerName: 'Tanaka', group: null, direction: 'inbound', agentSession: phone.welcome?.sessionId, format },
    });
    expect(consecutive(stream.sequenceNumbers)).toBe(true); // nothing dropped on a healthy link
    // Each track's clock: 20 ms a frame from its first frame (one sent before the socket opened is missing, not re-timed).
    for (const track of ['inbound', 'outbound'] as const) expect(stream.timestamps[track]).toEqual(stream.timestamps[track].map((_, i) => stream.timestamps[track][0]! + i * 20));
    if (mode === 'binary') expect(stream.binaryFrames).toBe(stream.audio.inbound.length + stream.audio.outbound.length);
    const caller = toneOf(stream, 'inbound', format);
    const agent = toneOf(stream, 'outbound', format);
    expect(Math.abs(caller.hz - 440)).toBeLessThanOrEqual(440 * 0.02);
    expect(Math.abs(agent.hz - 1000)).toBeLessThanOrEqual(1000 * 0.02);
    expect(Math.abs(caller.levelDbfs - -9)).toBeLessThanOrEqual(3);
    expect(Math.abs(agent.levelDbfs - -15)).toBeLessThanOrEqual(3);
    expect(await stream.closed).toBe(1000);
  });
});

test('the API forks a call no rule names and stops it, the monitor follows its state; the call goes on; without fork_url it says forking is off', async () => {
  receiver = await FakeForkReceiver.listen();
  await t.start({ fork_url: receiver.url });
  const monitor = new WebSocket(`${t.gw.browserUrl}/monitor`);
  const feed: { type: string; forks?: unknown[]; fork?: { callId: string; state: string } }[] = [];
  monitor.on('message', (data: Buffer) => feed.push(JSON.parse(data.toString('utf8')) as (typeof feed)[number]));
  await expect.poll(() => feed[0], { timeout: 3_000 }).toMatchObject({ type: 'snapshot', forks: [] });
  const { phone, call, callId } = await talkingCall();
  const started = await api(`/api/calls/${callId}/fork`, { method: 'POST' });
  expect(started.status).toBe(201);
  expect(((await started.json()) as { fork: { callId: string; format: string } }).fork).toMatchObject({ callId, format: 'twilio' });
  expect((await api(`/api/calls/${callId}/fork`, { method: 'POST' })).status).toBe(409);
  const stream = await receiver.nextStream();
  await expect.poll(() => stream.audio.inbound.length, { timeout: 3_000 }).toBeGreaterThan(10);
  await expect.poll(async () => ((await (await api('/api/forks')).json()) as { forks: { state: string }[] }).forks, { timeout: 3_000 }).toMatchObject([{ state: 'open' }]);
  expect((await api(`/api/calls/${callId}/fork`, { method: 'DELETE' })).status).toBe(200);
  await stream.stopped;
  await expect.poll(() => feed.filter((e) => e.type === 'fork').map((e) => e.fork!.state), { timeout: 3_000 }).toEqual(['connecting', 'open', 'closed']);
  expect(feed.find((e) => e.type === 'fork')?.fork?.callId).toBe(callId);
  monitor.close();
  const frames = call.received.frames;
  await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThan(frames + 10);
  phone.send({ type: 'hangup', callId });
  await call.ended;

  await t.start();
  const other = await talkingCall();
  expect((await api(`/api/calls/${other.callId}/fork`, { method: 'POST' })).status).toBe(501);
  other.phone.send({ type: 'hangup', callId: other.callId });
  await other.call.ended;
});

describe('a service that misbehaves never touches the call: every frame of the call arrives both ways, unchanged, with its tone', () => {
  test('one that stops reading: frames are dropped and counted while the call’s audio goes on untouched', async () => {
    receiver = await FakeForkReceiver.listen();
    await t.start({ fork_url: receiver.url, fork_all_calls: true, fork_buffer_ms: 100 });
    const { phone, call, callId } = await talkingCall();
    const stream = await receiver.nextStream();
    await stream.started;
    stream.stopReading();
    await expect.poll(() => metric('gag_fork_messages_dropped_total'), { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
    // The service has read nothing since, and the gateway's buffer for it has been full: the fault is on.
    const from = markAudio(phone, call);
    const read = stream.audio.inbound.length + stream.audio.outbound.length;
    await expectUnbrokenAudio(phone, call, from);
    expect(stream.audio.inbound.length + stream.audio.outbound.length).toBe(read);
    phone.send({ type: 'hangup', callId });
    await call.ended;
  }, 30_000);

  test('one that is down: the fork retries while the call’s audio goes on untouched, and reaches the service once it is up', async () => {
    const placeholder = await FakeForkReceiver.listen();
    const url = placeholder.url;
    await placeholder.close(); // the port is free: nobody listens
    await t.start({ fork_url: url, fork_all_calls: true });
    const { phone, call, callId } = await talkingCall();
    const forks = async (): Promise<{ state: string }[]> => ((await (await api('/api/forks')).json()) as { forks: { state: string }[] }).forks;
    await expect.poll(forks, { timeout: 3_000 }).toMatchObject([{ state: 'reconnecting' }]);
    const from = markAudio(phone, call);
    await expect.poll(() => framesHeard(phone) - from.atPhone, { timeout: 3_000 }).toBeGreaterThanOrEqual(50);
    expect(await forks()).toMatchObject([{ state: 'reconnecting' }]); // down for that whole second
    receiver = await FakeForkReceiver.listen(Number(new URL(url).port));
    const stream = await receiver.nextStream(10_000);
    await stream.started;
    await expect.poll(() => stream.audio.inbound.length, { timeout: 3_000 }).toBeGreaterThan(5);
    await expectUnbrokenAudio(phone, call, from);
    expect(await metric('gag_fork_reconnects_total')).toBe(1);
    phone.send({ type: 'hangup', callId });
    await stream.stopped;
  }, 30_000);

  test('one that closes mid-call: the fork connects again and its sequence numbers go on, while the call’s audio goes on untouched', async () => {
    receiver = await FakeForkReceiver.listen();
    await t.start({ fork_url: receiver.url, fork_all_calls: true });
    const { phone, call, callId } = await talkingCall();
    const first = await receiver.nextStream();
    await first.started;
    await expect.poll(() => first.audio.inbound.length, { timeout: 3_000 }).toBeGreaterThan(5);
    const from = markAudio(phone, call);
    first.close(1001);
    const second = await receiver.nextStream();
    await second.started;
    await expect.poll(() => second.audio.inbound.length, { timeout: 3_000 }).toBeGreaterThan(5);
    expect(second.events.slice(0, 2).map((e) => e.event)).toEqual(['connected', 'start']);
    expect(second.sequenceNumbers[0]!).toBeGreaterThan(first.sequenceNumbers.at(-1)!);
    expect(await metric('gag_fork_reconnects_total')).toBe(1);
    await expectUnbrokenAudio(phone, call, from);
    phone.send({ type: 'hangup', callId });
    await second.stopped;
  }, 30_000);
});

test('a token with gag_fork forks its agent’s calls without a rule', async () => {
  receiver = await FakeForkReceiver.listen();
  await t.start({ fork_url: receiver.url });
  const phone = await TestPhone.login(t.gw.browserUrl, await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60, fork: true }));
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  call.play(tone(440));
  phone.send({ type: 'answer', callId });
  const stream = await receiver.nextStream();
  expect((await stream.started)['start']).toMatchObject({ callSid: callId, gag: { agentSession: phone.welcome?.sessionId } });
  phone.send({ type: 'hangup', callId });
  await stream.stopped;
  phone.close();
});

describe('audio back from the service (fork_audio_back)', () => {
  /** 1.5 kHz at 0.25, as slin16. */
  const voice = (seconds: number): Buffer => floatToS16le(sineFloat(1500, 16_000, 16_000 * seconds, 0.25));
  const level = (frames: readonly Buffer[], hz: number): number => goertzelAmplitude(s16leToFloat(Buffer.concat(frames)), hz, 16_000);
  const markBack = (stream: ForkStream, name: string) => stream.events.find((e) => e.event === 'mark' && (e['mark'] as { name: string }).name === name);

  test('"agent": the agent hears the service over the caller, the caller does not, and the mark comes back once it has played', async () => {
    receiver = await FakeForkReceiver.listen();
    await t.start({ fork_url: receiver.url, fork_all_calls: true, fork_audio_back: 'agent' });
    const { phone, call, callId } = await talkingCall();
    const stream = await receiver.nextStream();
    await stream.started;
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThan(10);
    const from = phone.audio.length;
    const sentFrom = call.received.frames;
    stream.speak(voice(1), 'prompt-1');
    await expect.poll(() => markBack(stream, 'prompt-1'), { timeout: 5_000 }).toBeDefined();
    expect(phone.audio.length - from).toBeGreaterThanOrEqual(48); // the mark came back after the second had played
    const heard = phone.audio.slice(from + 10, from + 40);
    expect(level(heard, 1500)).toBeGreaterThan(0.2);
    expect(level(heard, 440)).toBeGreaterThan(0.4); // the caller is still there
    const atCaller = call.received.samples().subarray(sentFrom * 320);
    expect(goertzelAmplitude(atCaller, 1500, 16_000)).toBeLessThan(0.01);
    phone.send({ type: 'hangup', callId });
    await stream.stopped;
  });

  test('"call": the caller hears the service over the agent, the agent does not; clear stops it and returns its mark at once', async () => {
    receiver = await FakeForkReceiver.listen();
    await t.start({ fork_url: receiver.url, fork_all_calls: true, fork_audio_back: 'call' });
    const { phone, call, callId } = await talkingCall();
    const stream = await receiver.nextStream();
    await stream.started;
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThan(10);
    const from = call.received.frames;
    const heardFrom = phone.audio.length;
    stream.speak(voice(10), 'long');
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThanOrEqual(from + 40);
    const atCaller = call.received.samples().subarray((from + 10) * 320, (from + 40) * 320);
    expect(goertzelAmplitude(atCaller, 1500, 16_000)).toBeGreaterThan(0.2);
    expect(goertzelAmplitude(atCaller, 1000, 16_000)).toBeGreaterThan(0.2); // the agent is still there
    expect(level(phone.audio.slice(heardFrom), 1500)).toBeLessThan(0.01);
    expect(markBack(stream, 'long')).toBeUndefined(); // 10 s queued: not played yet
    stream.clear();
    await expect.poll(() => markBack(stream, 'long'), { timeout: 3_000 }).toBeDefined();
    const cleared = call.received.frames;
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBeGreaterThanOrEqual(cleared + 30);
    expect(goertzelAmplitude(call.received.samples().subarray((cleared + 5) * 320, (cleared + 30) * 320), 1500, 16_000)).toBeLessThan(0.01);
    phone.send({ type: 'hangup', callId });
    await stream.stopped;
  });
});

test('fork keys are checked with errors naming the key, and a secret in fork_url is never logged', async () => {
  expect(configError({ ...SECRET, fork_all_calls: true })).toMatchObject({ key: 'fork_url' });
  expect(configError({ ...SECRET, fork_url: 'https://stt.example.com/stream' }).message).toMatch(/fork_url: must be a ws:\/\/ or wss:\/\/ URL/);
  expect(configError({ ...SECRET, fork_audio_back: 'both' })).toMatchObject({ key: 'fork_audio_back' });
  expect(configError({ ...SECRET, fork_buffer_ms: 10 })).toMatchObject({ key: 'fork_buffer_ms' });

  receiver = await FakeForkReceiver.listen();
  const secretUrl = receiver.url.replace('ws://', 'ws://svc:pa55word@') + '?token=fork-secret-123';
  await t.start({ fork_url: secretUrl, fork_all_calls: true });
  const { phone, callId } = await talkingCall();
  const stream = await receiver.nextStream();
  await stream.started;
  phone.send({ type: 'hangup', callId });
  await stream.stopped;
  await expect.poll(() => t.logs.some((l) => l.msg === 'fork ended'), { timeout: 3_000 }).toBe(true);
  expect(t.logs.some((l) => l.msg === 'fork connected')).toBe(true);
  const text = JSON.stringify(t.logs);
  expect(text).not.toContain('fork-secret-123');
  expect(text).not.toContain('pa55word');
});
