/** Click-to-call as the real-Asterisk specs drive it: the page's dialer, and the far end in the test dialplan's `[outgoing]`. */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import type { GagPhone } from '../src/playwright/phone.js';
import type { TestAmi } from '../src/real-asterisk/ami.js';
import type { RealAsterisk } from '../src/real-asterisk/process.js';
import { PLAYTONES_DBFS, expect, expectRecordedTone } from './fixtures.js';

/** Type `number` into the page's dialer and press Call. */
export async function dial(phone: GagPhone, number: string): Promise<void> {
  await phone.element.getByRole('textbox', { name: 'Number to call' }).fill(number);
  await phone.element.getByRole('button', { name: 'Call', exact: true }).click();
}

/** The far end answered `number` (its `UserEvent(GagFarEnd)`). */
export async function expectFarEnd(ami: TestAmi, number: string): Promise<void> {
  const far = await ami.waitFor((e) => e['Event'] === 'UserEvent' && e['UserEvent'] === 'GagFarEnd', 'the far end answered');
  expect(far['Number']).toBe(number);
}

/**
 * Dial `typed` from the page and check the whole call back: it is the agent's own (it answers by
 * itself, no Answer button), Asterisk then calls `number`, and audio flows both ways with the far
 * end (its tone at the page, the page's microphone in the far end's recording); the page hangs up.
 */
export async function callOutAndTalk(phone: GagPhone, ami: TestAmi, asterisk: RealAsterisk, typed: string, number: string): Promise<void> {
  await dial(phone, typed);
  await phone.expectTalking();
  await expect(phone.button('answer')).toHaveCount(0);
  await expectFarEnd(ami, number);
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  await expectRecordedTone(asterisk.recording(`far-${number}-rx.wav16`), { hz: 1_000, dbfs: TONE_DBFS });
  await phone.hangup();
  await phone.expectEnded({ reason: 'hangup' });
}
