/**
 * Keys pressed on a phone reach Asterisk out of band (issue 13, finding 3): chan_websocket has no
 * DTMF command and no in-band detector, so the gateway presses them on the call's WebSocket channel
 * with AMI `PlayDTMF` and `Receive: true`, which Asterisk hands to the other side as DTMF it
 * received. Only a gateway with AMI can, and only it lists the `dtmf` feature.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FEATURES } from '@gag/sdk/protocol';
import type { FakeCall } from '@gag/e2e';
import { startClickToCall, type ClickToCall, type LoggedInPhone } from './click-fixture.js';

let t: ClickToCall;
afterEach(async () => {
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
});

/** A call to 2001 that `phone` answered: the fake Asterisk's side, and the call id the phone knows. */
async function talking(phone: LoggedInPhone): Promise<{ call: FakeCall; callId: string }> {
  const call = await t.asterisk.call('ws-ext-2001');
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await call.answered;
  await phone.next('answered');
  return { call, callId };
}

const playDtmf = (): Array<[string | undefined, string | undefined, string | undefined, string | undefined]> =>
  t.ami!.actions.filter((a) => a.get('Action') === 'PlayDTMF').map((a) => [a.get('Channel'), a.get('Digit'), a.get('Duration'), a.get('Receive')]);

async function dtmfCounter(result: string): Promise<number> {
  const text = (await t.admin('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`gag_dtmf_digits_total{result="${result}"}`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

describe('keys pressed on a phone reach Asterisk out of band', () => {
  test("with AMI the gateway lists dtmf, and the talking phone's digits reach the call's channel as PlayDTMF with Receive: true, one a digit, in order", async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    expect(phone.welcome.features).toEqual([FEATURES.PING, FEATURES.TOKEN_REFRESH, FEATURES.DIAL, FEATURES.DTMF]);
    const { call, callId } = await talking(phone);

    // A fast typist: the second message arrives while the first digits are still with Asterisk.
    phone.send({ type: 'dtmf', callId, digits: '12' });
    phone.send({ type: 'dtmf', callId, digits: '3#' });
    phone.send({ type: 'dtmf', callId, digits: '0' });
    await expect.poll(() => call.dtmfReceived, { timeout: 2_000 }).toBe('123#0');
    expect(playDtmf()).toEqual([...'123#0'].map((digit) => [call.channel, digit, '100', 'true']));
    expect(await dtmfCounter('sent')).toBe(5);
    expect(call.commands).toEqual(['ANSWER']); // nothing towards the app: the digits went the other way
    expect(phone.messages.filter((m) => m.type === 'dtmf')).toEqual([]); // and nothing echoed back to the phone
    expect(JSON.stringify(t.logs)).not.toContain('123#0'); // keys can be a PIN: never logged
  });

  test('digits from a phone that only rings, or lost the call to another phone, are ignored and both stay connected', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const winner = await t.phone('2001');
    const other = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await winner.next('incoming');
    await other.next('incoming');

    winner.send({ type: 'dtmf', callId, digits: '9' }); // still ringing
    winner.send({ type: 'answer', callId });
    await call.answered;
    expect(await other.next('ended')).toMatchObject({ reason: 'answered_elsewhere' });
    other.send({ type: 'dtmf', callId, digits: '8' }); // lost the call
    winner.send({ type: 'dtmf', callId, digits: '7' });
    await expect.poll(() => call.dtmfReceived, { timeout: 2_000 }).toBe('7');

    for (const phone of [winner, other]) {
      phone.send({ type: 'ping', id: 1 });
      expect(await phone.next('pong')).toEqual({ type: 'pong', id: 1 });
    }
    expect(playDtmf().map(([, digit]) => digit)).toEqual(['7']);
    expect(t.logs.filter((l) => l.msg === 'dtmf from a phone not talking in the call ignored')).toHaveLength(1);
    expect(t.logs.filter((l) => l.msg === 'message for no call of this session')).toHaveLength(1);
  });

  test('while the AMI is down the digits fail: counted, one warn line for the call, and the call goes on', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    const { call, callId } = await talking(phone);
    t.ami!.down();
    await expect.poll(async () => (await t.http('/readyz')).status, { timeout: 2_000 }).toBe(503);

    phone.send({ type: 'dtmf', callId, digits: '12' });
    phone.send({ type: 'dtmf', callId, digits: '3' });
    await expect.poll(() => dtmfCounter('failed'), { timeout: 2_000 }).toBe(3);
    const warns = t.logs.filter((l) => l.msg === 'dtmf not delivered to asterisk');
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ level: 40, callId: expect.any(String), detail: expect.stringContaining('AMI') });
    expect(call.state).toBe('up');
    expect(call.dtmfReceived).toBe('');
  });

  test('with ARI the gateway does not list dtmf: ARI cannot reach a channel outside a Stasis application', async () => {
    t = await startClickToCall({ backend: 'ari' });
    const phone = await t.phone('2001');
    expect(phone.welcome.features).toEqual([FEATURES.PING, FEATURES.TOKEN_REFRESH, FEATURES.DIAL]);
    // A client that sends it anyway is not cut off: the keys have nowhere to go.
    const { call, callId } = await talking(phone);
    phone.send({ type: 'dtmf', callId, digits: '5' });
    phone.send({ type: 'ping', id: 2 });
    expect(await phone.next('pong')).toEqual({ type: 'pong', id: 2 });
    expect(call.state).toBe('up');
    expect(t.logs.some((l) => l.msg === 'dtmf ignored: this gateway cannot press keys on asterisk (needs originate "ami")')).toBe(true);
  });
});
