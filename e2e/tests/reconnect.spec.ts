/**
 * The page's connection to the gateway breaks, and comes back by itself, without a reload: a
 * network cut (a TCP reset on the wire) and a gateway restart, idle and mid-call.
 */
import { expect, test, type GagPhone } from './fixtures.js';

/** The page's document: the same one before and after means no reload happened. */
const documentOf = (phone: GagPhone): Promise<number> => phone.page.evaluate(() => performance.timeOrigin);

/** The phone said it was reconnecting (gag-state), then came back online. */
async function expectReconnected(phone: GagPhone): Promise<void> {
  await phone.expectOnline();
  const states = (await phone.events()).filter((e) => e.type === 'gag-state').map((e) => e.detail['state']);
  expect(states).toContain('reconnecting');
}

test('after a gateway restart the page is back online by itself, without a reload, and takes calls', async ({ phone, asterisk, gag }) => {
  const before = await documentOf(phone);
  await gag.restart();
  // The gateway closed with 1001 (going away): the SDK reconnects with its back-off.
  await expectReconnected(phone);
  expect(await documentOf(phone)).toBe(before);

  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await phone.answer();
  await call.expectAnswered();
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});

test('a gateway restart mid-call hangs the call up with Asterisk, and the page comes back online', async ({ phone, asterisk, gag }) => {
  const call = await asterisk.call('2001');
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await gag.restart();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await phone.expectEnded({ reason: 'connection_lost' });
  await expectReconnected(phone);
});

test('a network cut mid-call hangs the call up with Asterisk; once the network is back the page takes the next call', async ({ phone, asterisk, gag }) => {
  const before = await documentOf(phone);
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: 1_000 });

  gag.network.cut();
  await call.expectHangup(); // the gateway saw the browser's socket reset
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await phone.expectEnded({ reason: 'connection_lost' });
  await expect.poll(() => phone.connectionState()).toBe('reconnecting');

  gag.network.restore();
  await expectReconnected(phone);
  expect(await documentOf(phone)).toBe(before);
  const next = await asterisk.call('2001', { from: '0698765432' });
  await phone.expectRinging({ from: '0698765432' });
  await phone.answer();
  await next.expectAnswered();
  await next.expectAudio({ hz: 1_000 });
  await next.hangup();
});
