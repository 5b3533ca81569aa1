/**
 * The agent is told when its call is recorded (issue 20): a `recording` notice at each change
 * (started by rule, claim or API, paused, resumed, stopped), to the answering phone only, and only
 * when it listed `call_notices` in `hello.features`. Real sockets on loopback.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { mintToken } from '@gag/gateway';
import { CLIENT_FEATURES, type ServerMessage } from '@gag/sdk/protocol';
import { TEST_SECRET, gatewayPerTestOnDemand } from '@gag/testkit/gateway';
import { TestPhone } from '@gag/testkit/phone';

const t = gatewayPerTestOnDemand();
const dirs: string[] = [];
const phones: TestPhone[] = [];
afterEach(() => {
  for (const p of phones.splice(0)) p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gag-rec-notice-'));
  dirs.push(d);
  return d;
};
const api = (path: string, method: 'POST' | 'DELETE' = 'POST'): Promise<number> => fetch(`${t.gw.browserUrl.replace(/^ws/, 'http')}${path}`, { method }).then((r) => r.status);

/** A phone for 2001 that lists `features` in its hello (the SDK lists call_notices), its token with `record` when asked. */
async function phoneWith(features: readonly string[], record = false): Promise<TestPhone> {
  const phone = new TestPhone(t.gw.browserUrl);
  phones.push(phone);
  await once(phone.ws, 'open', { signal: AbortSignal.timeout(2_000) });
  phone.send({ type: 'hello', token: await mintToken({ secret: TEST_SECRET, extension: '2001', ttlSeconds: 60, record }), features: [...features] });
  phone.welcome = await phone.next('welcome');
  return phone;
}

/** Ring 2001 and answer on `phone`: the call's id and the fake Asterisk's call. */
async function answered(phone: TestPhone) {
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await call.answered;
  await phone.next('answered');
  return { call, callId };
}

/** The recording notices `phone` got, in order, as `state`s (they stay in `messages` until taken). */
const notices = (phone: TestPhone): string[] => phone.messages.filter((m): m is Extract<ServerMessage, { type: 'recording' }> => m.type === 'recording').map((m) => m.state);

test('a phone that lists call_notices hears its call’s recording go on (rule), paused, on, and off (API stop), and nothing once the call ends', async () => {
  await t.start({ recording_dir: freshDir(), record_extensions: ['2001'] });
  const phone = await phoneWith([CLIENT_FEATURES.CALL_NOTICES]);
  const { call, callId } = await answered(phone);
  expect(await phone.next('recording')).toEqual({ type: 'recording', callId, state: 'on' });
  expect(await api(`/api/calls/${callId}/recording/pause`)).toBe(200);
  expect(await api(`/api/calls/${callId}/recording/resume`)).toBe(200);
  expect(await api(`/api/calls/${callId}/recording`, 'DELETE')).toBe(200);
  await expect.poll(() => notices(phone)).toEqual(['paused', 'on', 'off']);
  expect(phone.messages.filter((m) => m.type === 'recording').every((m) => 'callId' in m && m.callId === callId)).toBe(true);

  // Started again through the API mid-call, then the call ends: `on`, and no `off` after it (`ended` says it).
  expect(await api(`/api/calls/${callId}/recording`)).toBe(201);
  await expect.poll(() => notices(phone)).toEqual(['paused', 'on', 'off', 'on']);
  await call.hangup();
  await phone.next('ended');
  expect(notices(phone)).toEqual(['paused', 'on', 'off', 'on']);
});

test('a token with gag_record turns the recording on from the answer, and its phone is told', async () => {
  await t.start({ recording_dir: freshDir() });
  const phone = await phoneWith([CLIENT_FEATURES.CALL_NOTICES], true);
  const { call, callId } = await answered(phone);
  expect(await phone.next('recording')).toEqual({ type: 'recording', callId, state: 'on' });
  await call.hangup();
  await phone.next('ended');
});

test('a phone that does not list call_notices is never sent a recording notice, whatever the recording does', async () => {
  await t.start({ recording_dir: freshDir(), record_extensions: ['2001'] });
  const phone = await phoneWith([]);
  const { call, callId } = await answered(phone);
  // The rule's recording is live once it can be paused; each API answer comes after its notice would have gone out.
  await expect.poll(() => api(`/api/calls/${callId}/recording/pause`)).toBe(200);
  expect(await api(`/api/calls/${callId}/recording/resume`)).toBe(200);
  expect(await api(`/api/calls/${callId}/recording`, 'DELETE')).toBe(200);
  expect(await api(`/api/calls/${callId}/recording`)).toBe(201);
  await call.hangup();
  await phone.next('ended'); // sent after every notice that would have been sent
  expect(phone.messages.map((m) => m.type)).not.toContain('recording');
});
