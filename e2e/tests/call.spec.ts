import { FRAME_MS } from '@gag/sdk/protocol';
import { analyseTone, rms, tone } from '../src/index.js';
import { TONE_DBFS, expect, expectPlaysTone, playback, test } from './fixtures.js';

const WIRE_RATE_HZ = 16_000;
const SAMPLES_PER_FRAME = (WIRE_RATE_HZ * FRAME_MS) / 1000;

test('a call rings the page with the caller, carries audio both ways, and the page hangs up', async ({ phonePage, fakeAsterisk }) => {
  const { page } = phonePage;
  const phone = page.locator('gag-phone');
  await expect(phone.getByText('Ready')).toBeVisible();

  const call = await fakeAsterisk.call('ws-ext-2001', { params: { from: '0312345678', name: 'Tanaka' } });
  await expect(phone.getByText('0312345678')).toBeVisible();
  await expect(phone.getByText('Tanaka')).toBeVisible();
  expect(call.commands).toEqual([]);

  call.play(tone(440, { amplitude: 0.5 }));
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.answered;
  await expect(phone.getByText('In call')).toBeVisible();

  // Browser → Asterisk: the fake microphone's 1 kHz tone, in whole frames, without gaps.
  await expect.poll(() => call.received.frames, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);
  expect(call.received.oddSizedMessages).toBe(0);
  const up = call.received.samples({ fromMs: 1_000, toMs: 2_000 });
  const upTone = analyseTone(up, WIRE_RATE_HZ);
  expect(Math.abs(upTone.hz - 1_000)).toBeLessThanOrEqual(20);
  expect(Math.abs(upTone.levelDbfs - TONE_DBFS)).toBeLessThanOrEqual(3);
  test.info().annotations.push({ type: 'uplink tone', description: JSON.stringify(upTone) });
  for (let i = 0; i + SAMPLES_PER_FRAME <= up.length; i += SAMPLES_PER_FRAME) {
    expect(rms(up.subarray(i, i + SAMPLES_PER_FRAME)), `frame at ${i / WIRE_RATE_HZ} s is silent`).toBeGreaterThan(0.05);
  }

  // Asterisk → browser: the 440 Hz tone at its level, measured at the playback tap once playout is steady.
  await expectPlaysTone(() => playback(phonePage), 440);

  await phone.getByRole('button', { name: 'Hang up' }).click();
  expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await expect(phone.getByText('Ready')).toBeVisible();
  const ended = (await phonePage.events()).filter((e) => e.type === 'gag-ended');
  expect(ended).toEqual([{ type: 'gag-ended', detail: { callId: expect.any(String), callerNumber: '0312345678', callerName: 'Tanaka', reason: 'hangup' } }]);
});

test('a call hung up by Asterisk returns the page to idle with gag-ended', async ({ phonePage, fakeAsterisk }) => {
  const phone = phonePage.page.locator('gag-phone');
  await expect(phone.getByText('Ready')).toBeVisible();
  const call = await fakeAsterisk.call('ws-ext-2001', { params: { from: '0399998888' } });
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.answered;
  await expect(phone.getByText('In call')).toBeVisible();
  await call.hangup();
  await expect(phone.getByText('Ready')).toBeVisible();
  await expect(phone.getByText('The other party hung up')).toBeVisible();
  const types = (await phonePage.events()).map((e) => e.type).filter((t) => t !== 'gag-state');
  expect(types).toEqual(['gag-incoming', 'gag-answered', 'gag-ended']);
  expect((await phonePage.events()).find((e) => e.type === 'gag-ended')?.detail).toMatchObject({ reason: 'remote_hangup' });
});

test('a call to an extension nobody is logged in for gets HANGUP at once', async ({ phonePage, fakeAsterisk }) => {
  await expect(phonePage.page.locator('gag-phone').getByText('Ready')).toBeVisible();
  const call = await fakeAsterisk.call('ws-ext-2999');
  expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  expect(call.commands).toEqual(['HANGUP']);
  expect((await phonePage.events()).some((e) => e.type === 'gag-incoming')).toBe(false);
});

test('a new token set during a call (a CRM refreshing its JWT) keeps the call up', async ({ phonePage, fakeAsterisk }) => {
  const phone = phonePage.page.locator('gag-phone');
  await expect(phone.getByText('Ready')).toBeVisible();
  const call = await fakeAsterisk.call('ws-ext-2001');
  await phone.getByRole('button', { name: 'Answer' }).click();
  await call.answered;
  await phonePage.page.evaluate(() => {
    document.querySelector('gag-phone')!.token = 'a-refreshed-token-used-at-the-next-reconnect';
  });
  const frames = call.received.frames;
  await expect.poll(() => call.received.frames).toBeGreaterThan(frames + 25); // audio keeps flowing
  expect(call.state).toBe('up');
  await expect(phone.getByText('In call')).toBeVisible();
  await call.hangup();
});
