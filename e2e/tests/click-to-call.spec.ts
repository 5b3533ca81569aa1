import { tone } from '../src/index.js';
import { expect, expectPlaysTone, playback, test } from './fixtures.js';

test('the dialer calls out by callback: Asterisk rings the page back, it answers by itself, and the far end is heard', async ({ phonePage, gag }) => {
  const phone = phonePage.page.locator('gag-phone');
  await expect(phone.getByText('Ready')).toBeVisible();
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to the fake AMI' }).toBe(true);

  await phone.getByRole('textbox', { name: 'Number to call' }).fill('03-1234-5678');
  await phone.getByRole('button', { name: 'Call' }).click();
  const originate = await gag.ami.nextOriginate();
  expect(originate).toMatchObject({ channel: 'Local/2001@inhouse', context: 'outgoing', exten: '0312345678' });
  const callBack = await originate.call;
  if (callBack === undefined) throw new Error('the fake AMI did not ring the extension back');
  callBack.play(tone(440, { amplitude: 0.5 })); // the far end, once the dialplan connected it

  // The call back is the user's own: no ringing, no Answer button, answered by itself.
  await expect(phone.getByText('Calling 0312345678')).toBeVisible();
  await callBack.answered;
  await expect(phone.getByText('In call')).toBeVisible();
  await expectPlaysTone(() => playback(phonePage), 440);

  await phone.getByRole('button', { name: 'Hang up' }).click();
  expect(await callBack.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  await expect(phone.getByText('Ready')).toBeVisible();
});

test('a number the gateway does not allow shows why, and nothing is originated', async ({ phonePage, gag }) => {
  const phone = phonePage.page.locator('gag-phone');
  await expect(phone.getByText('Ready')).toBeVisible();
  const before = gag.ami.originates.length;
  await phone.getByRole('textbox', { name: 'Number to call' }).fill('+1 555 0100');
  await phone.getByRole('button', { name: 'Call' }).click();
  await expect(phone.getByRole('alert')).toHaveText('This number cannot be called from here.');
  expect(gag.ami.originates.length).toBe(before);
});
