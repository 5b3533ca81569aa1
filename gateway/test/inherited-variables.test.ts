/**
 * Channel variables as a real Asterisk 23 sends them (issue 13): a variable the dialplan set with
 * `__` (inherit forever) keeps both underscores in MEDIA_START's `channel_variables`; one set
 * with `_` arrives without it. The fake Asterisk's `dialplanVariables` does the same.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall;
afterEach(async () => {
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
});

describe('variables the dialplan set with __ (inherited forever)', () => {
  test('a JSON call with __WS_EXTEN, __GAG_CALLER_* and __GAG_DIAL_ID rings that extension with that caller ID as the user’s call back', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    t.ami!.holdNextCallback(); // Asterisk queues the originate; the test dials the call back itself
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const { dialId } = await phone.next('dialing');
    const call = await t.asterisk.call('ws-ext-endpoint', {
      format: 'json',
      dialplanVariables: { __WS_EXTEN: '2001', __GAG_CALLER_NUM: '0399990000', __GAG_CALLER_NAME: 'Tanaka', __GAG_DIAL_ID: dialId },
    });
    expect(await phone.next('incoming')).toMatchObject({
      extension: '2001',
      callerNumber: '0399990000',
      callerName: 'Tanaka',
      outbound: true,
      dialedNumber: '0312345678',
      dialId,
    });
    expect(t.gw.dialer.pending).toHaveLength(0); // claimed
    await call.hangup();
  });

  test('an ordinary JSON call with __WS_EXTEN and __GAG_CALLER_NUM rings that extension with that caller ID', async () => {
    t = await startClickToCall({ backend: 'none' });
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-endpoint', { format: 'json', dialplanVariables: { __WS_EXTEN: '2001', __GAG_CALLER_NUM: '0311112222' } });
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', callerNumber: '0311112222' });
    expect(incoming.outbound).toBeUndefined();
    await call.hangup();
  });

  test('when both WS_EXTEN and a later __WS_EXTEN arrive, the plain one wins', async () => {
    t = await startClickToCall({ backend: 'none' });
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-endpoint', { format: 'json', channelVariables: { WS_EXTEN: '2001', __WS_EXTEN: '2002' } });
    expect(await phone.next('incoming')).toMatchObject({ extension: '2001' });
    await call.hangup();
  });
});
