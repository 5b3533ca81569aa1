/** Click-to-call by callback: the dialer asks the gateway, the fake AMI originates, Asterisk rings the page back. */
import { tone } from '../src/index.js';
import { TONE_DBFS, expect, test } from './fixtures.js';

test('the dialer calls out by callback: Asterisk rings the page back, it answers by itself, and the far end is heard', async ({ phone, gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  await phone.element.getByRole('textbox', { name: 'Number to call' }).fill('03-1234-5678');
  await phone.element.getByRole('button', { name: 'Call', exact: true }).click();
  const originate = await gag.ami.nextOriginate();
  expect(originate).toMatchObject({ channel: 'Local/2001@inhouse', context: 'outgoing', exten: '0312345678' });
  const callBack = await originate.call;
  if (callBack === undefined) throw new Error('the fake AMI did not ring the extension back');
  callBack.play(tone(440, { amplitude: 0.5 })); // the far end, once the dialplan connected it

  // The call back is the user's own: it shows the number dialled and answers by itself, no Answer button.
  await phone.expectTalking();
  await expect(phone.element.getByText('03-1234-5678')).toBeVisible();
  await expect(phone.button('answer')).toHaveCount(0);
  await callBack.answered;
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });

  await phone.hangup();
  expect(await callBack.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  await phone.expectEnded({ reason: 'hangup' });
});

test('a number the gateway does not allow shows why, and nothing is originated', async ({ phone, gag }) => {
  const before = gag.ami.originates.length;
  await phone.element.getByRole('textbox', { name: 'Number to call' }).fill('+1 555 0100');
  await phone.element.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(phone.element.getByRole('alert')).toHaveText('This number cannot be called from here.');
  expect(gag.ami.originates.length).toBe(before);
});

test('a call back started through POST /api/calls rings the page and waits for a click: whoever holds the token cannot open the microphone', async ({ phone, gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  const api = gag.gateway.browserUrl.replace(/^ws/, 'http');
  const res = await fetch(`${api}/api/calls`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await gag.mintToken('2001')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ number: '0312345678' }),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(202);
  const originate = await gag.ami.nextOriginate();
  const callBack = await originate.call;
  if (callBack === undefined) throw new Error('the fake AMI did not ring the extension back');
  // It rings with Answer and Reject, like any call; nothing is answered and no microphone audio flows.
  expect(await phone.expectRinging()).toMatchObject({ outbound: true, dialedNumber: '0312345678' });
  await expect(phone.button('answer')).toBeVisible();
  expect(callBack.commands).toEqual([]);
  await phone.answer();
  await callBack.answered;
  await phone.expectTalking();
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
});

test('a call back started through POST /api/calls that names the page\'s session answers by itself there, as the page\'s own dial would', async ({ phone, gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);
  const [session] = gag.gateway.registry.phonesFor('2001');
  const res = await fetch(`${gag.gateway.browserUrl.replace(/^ws/, 'http')}/api/calls`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await gag.mintToken('2001')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ number: '0312345678', session: session!.id }),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(202);
  const callBack = await (await gag.ami.nextOriginate()).call;
  if (callBack === undefined) throw new Error('the fake AMI did not ring the extension back');
  await callBack.answered; // answered by the page itself, no click
  await phone.expectTalking();
  await expect(phone.button('answer')).toHaveCount(0);
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
});
