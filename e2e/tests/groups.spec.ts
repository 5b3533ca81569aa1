/** gag_groups.json in real browsers: a ringall group rings two phones at once, a sequential one in turn. */
import type { GroupsInput } from '@gag/e2e/playwright';
import { expect, test } from './fixtures.js';

const GROUPS: GroupsInput = {
  sales: { strategy: 'ringall', members: ['2001', '2002'], timeout: 30 },
  support: { strategy: 'sequential', members: ['2001', '2002'], timeout: 1 },
};

test('a ringall group rings every member at once; the first to answer takes the call', async ({ phone, openPhone, asterisk, gag }) => {
  await gag.configure({ groups: GROUPS });
  const other = await openPhone({ extension: '2002' });
  const call = await asterisk.call('sales', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  await other.expectRinging({ from: '0312345678' });
  await expect(phone.element.getByText('sales')).toBeVisible(); // the phone says which group rings it

  await other.answer();
  await call.expectAnswered();
  await other.expectTalking();
  await phone.expectEnded({ reason: 'answered_elsewhere' });
  await call.expectAudio({ hz: 1_000 });
  await call.hangup();
  await other.expectEnded({ reason: 'remote_hangup' });
});

test('a sequential group rings its members one after another, each for its timeout', async ({ phone, openPhone, asterisk, gag }) => {
  await gag.configure({ groups: GROUPS });
  const other = await openPhone({ extension: '2002' });
  const call = await asterisk.call('support', { from: '0698765432' });
  await phone.expectRinging({ from: '0698765432' });
  // Only the first member for now (the gateway's word: the other page might just not have heard yet).
  expect(gag.gateway.router.calls.find((c) => c.group === 'support')?.ringing.map((p) => p.extension)).toEqual(['2001']);

  // After the member's 1 s, the ring moves on to the next one.
  await phone.expectEnded({ reason: 'timeout' });
  await other.expectRinging({ from: '0698765432' });
  await other.answer();
  await call.expectAnswered();
  await other.expectTalking();
  await other.hangup();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
});

test('groups written as in gag_groups.json, without a timeout, ring for its default 30 s', async ({ phone, asterisk, gag }) => {
  await gag.configure({ groups: { sales: { strategy: 'ringall', members: ['2001'] } } });
  const call = await asterisk.call('sales', { from: '0312345678' });
  await phone.expectRinging({ from: '0312345678' });
  expect(gag.gateway.groups.get('sales')).toEqual({ strategy: 'ringall', members: ['2001'], timeout: 30 });
  await phone.answer();
  await call.expectAnswered();
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});

test('a group the gateway would refuse is refused by gag.configure(), naming the key and the fix', async ({ gag }) => {
  const wrong = { sales: { strategy: 'round-robin', members: ['2001'] } } as unknown as GroupsInput;
  await expect(gag.configure({ groups: wrong })).rejects.toThrow('gag.configure({ groups }): sales.strategy: must be "ringall" or "sequential"');
});
