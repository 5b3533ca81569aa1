/** An extension whose only phone is in a call is busy: a second call is hung up at once, the first goes on. */
import { expect, test } from './fixtures.js';

test('a second call to a phone in a call gets HANGUP at once, and the first call goes on', async ({ phone, asterisk }) => {
  const first = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await phone.answer();
  await first.expectAnswered();

  const second = await asterisk.call('2001', { from: '0687654321' });
  await second.expectHangup();
  expect(second.commands).toEqual(['HANGUP']);
  await phone.expectNoRing();

  const frames = first.received.frames;
  await expect.poll(() => first.received.frames).toBeGreaterThan(frames + 10); // still talking
  expect(first.commands).toEqual(['ANSWER']);
  await phone.hangup();
  await first.expectHangup();
});
