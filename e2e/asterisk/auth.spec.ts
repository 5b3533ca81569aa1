/** Basic auth between a real Asterisk and the gateway: the cookbook's credentials pass, a wrong or missing password does not. */
import { expect, test } from './fixtures.js';

// Every other spec of this tier already calls with the right credentials (the [gag] template carries them).
for (const [section, exten] of [['a wrong password', 'wrong'], ['no credentials', 'none']] as const) {
  test(`a section with ${section} is refused: Dial() ends with CHANUNAVAIL and no phone rings`, async ({ phone, realAsterisk, ami }) => {
    await realAsterisk.cli(`channel originate Local/${exten}@auth-test/n extension tone@gag-test`);
    const status = await ami.waitFor((e) => e['Event'] === 'UserEvent' && e['UserEvent'] === 'GagDialStatus', 'DIALSTATUS of the refused Dial()');
    expect(status['Status']).toBe('CHANUNAVAIL');
    await phone.expectNoRing();
  });
}
