/** How a ringing call ends without a conversation: rejected, given up by the caller, or rung out. */
import { expect, test } from './fixtures.js';

test('Reject while ringing sends Asterisk HANGUP and never answers', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0355556666' });
  await phone.expectRinging({ from: '0355556666' });
  await phone.reject();
  await call.expectHangup();
  expect(call.commands).toEqual(['HANGUP']);
  expect(call.received.frames).toBe(0);
  await phone.expectEnded({ reason: 'rejected' });
  await phone.expectOnline();
});

test('a caller who hangs up while it rings stops the ringing with caller_hangup', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0311112222' });
  await phone.expectRinging({ from: '0311112222' });
  await call.hangup();
  await phone.expectEnded({ reason: 'caller_hangup' });
  expect(call.commands).toEqual([]);
  await expect(phone.button('answer')).toBeHidden();
  await phone.expectOnline();
});

test('a call nobody answers rings out after ring_timeout_ms: Asterisk gets HANGUP, the page shows a missed call', async ({ phone, asterisk, gag }) => {
  await gag.configure({ config: { ring_timeout_ms: 1_000 } });
  const call = await asterisk.call('2001', { from: '0322223333' });
  await phone.expectRinging({ from: '0322223333' });
  await call.expectHangup();
  expect(call.commands).toEqual(['HANGUP']);
  await phone.expectEnded({ reason: 'timeout' });
});
