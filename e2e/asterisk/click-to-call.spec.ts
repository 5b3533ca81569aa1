/**
 * Click-to-call through a real Asterisk's AMI: the page dials, the gateway originates, Asterisk
 * rings the page back through the cookbook's dialplan and then calls the number (a far end that
 * plays a tone, records the agent, or reads keys like an IVR).
 */
import { callOutAndTalk, dial, expectFarEnd } from './call-out.js';
import { expect, test } from './fixtures.js';

test.beforeEach(async ({ gag }) => {
  await expect.poll(() => gag.gateway.dialer.isReady(), { message: 'the gateway logged in to AMI' }).toBe(true);
});

test("the dialer calls out through AMI: the call back is the agent's own, the far end is heard and hears the agent", async ({ phone, ami, realAsterisk }) => {
  await callOutAndTalk(phone, ami, realAsterisk, '03-1111-0001', '0311110001');
});

test("keys the agent presses reach an IVR's Read() on the far end (AMI PlayDTMF)", async ({ phone, ami }) => {
  await dial(phone, '09-1111-0002');
  await phone.expectTalking();
  await expectFarEnd(ami, '0911110002');
  await phone.pressKeys('42#');
  const read = await ami.waitFor((e) => e['Event'] === 'UserEvent' && e['UserEvent'] === 'GagDigits', 'the IVR read the keys');
  expect(read['Digits']).toBe('42');
});

test("with the JSON dialplan the call back is still the agent's own: __GAG_DIAL_ID arrives as a channel variable", async ({ phone, gag, ami, realAsterisk }) => {
  await gag.configure({ config: { originate_channel_template: 'Local/{ext}@inhouse-json' } });
  await callOutAndTalk(phone, ami, realAsterisk, '03-1111-0003', '0311110003');
});
