/** An incoming call from ring to hangup, through `<gag-phone>`: audio both ways, and hangup from either side. */
import { expectAudioBothWays } from './audio-both-ways.js';
import { expect, test } from './fixtures.js';

test('a call rings the page with the caller, carries audio both ways, and the page hangs up', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0312345678', name: 'Tanaka', play: 440 });
  await phone.expectRinging({ from: '0312345678', name: 'Tanaka' });
  expect(call.commands).toEqual([]);

  await phone.answer();
  await call.expectAnswered();
  await phone.expectTalking();

  await expectAudioBothWays(call, phone);

  await phone.hangup();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  expect(await phone.expectEnded({ reason: 'hangup' })).toMatchObject({ callId: expect.any(String), callerNumber: '0312345678', callerName: 'Tanaka', reason: 'hangup' });
  await phone.expectOnline();
});

test('a call hung up by Asterisk mid-call returns the page to idle with remote_hangup', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0399998888' });
  await phone.expectRinging({ from: '0399998888' });
  await phone.answer();
  await call.expectAnswered();
  await phone.expectTalking();
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
  expect((await phone.events()).map((e) => e.type).filter((t) => t !== 'gag-state')).toEqual(['gag-incoming', 'gag-answered', 'gag-ended']);
  expect(call.commands).toEqual(['ANSWER']);
});

test('a call to an extension nobody is logged in for gets HANGUP at once', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2999');
  await call.expectHangup();
  expect(call.commands).toEqual(['HANGUP']);
  await phone.expectNoRing();
});

test('a new token set during a call (a CRM refreshing its JWT) keeps the call up', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001');
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await phone.element.evaluate((el) => {
    (el as HTMLElement & { token: string }).token = 'a-refreshed-token-used-at-the-next-reconnect';
  });
  const frames = call.received.frames;
  await expect.poll(() => call.received.frames).toBeGreaterThan(frames + 25); // audio keeps flowing
  expect(call.state).toBe('up');
  await expect(phone.button('hangup')).toBeVisible();
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});
