/** Closing the browser tab mid-call: the gateway sees the socket go and hangs the call up with Asterisk at once. */
import { expect, test } from './fixtures.js';

test('closing the tab mid-call sends Asterisk HANGUP within 1 s', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { from: '0312345678' });
  await phone.expectRinging();
  await phone.answer();
  await call.expectAnswered();
  await call.expectAudio({ hz: 1_000 });

  const closedAtMs = performance.now();
  await phone.page.close();
  const end = await call.ended;
  const afterMs = performance.now() - closedAtMs;
  test.info().annotations.push({ type: 'HANGUP after the tab closed', description: `${afterMs.toFixed(0)} ms` });
  expect(end).toMatchObject({ by: 'app-hangup', code: 1000 });
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  expect(afterMs).toBeLessThan(1_000); // the bound: a caller is never left talking to nobody
});
