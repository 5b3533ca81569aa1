import { afterEach, describe, expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { tone } from '@gag/e2e';
import { analyseTone, floatToS16le, s16leToFloat, sineFloat } from '@gag/e2e/tones';
import type { TestPhone } from '@gag/testkit/phone';
import { AMI_SECRET, startClickToCall, type ClickToCall } from './click-fixture.js';

let t: ClickToCall;
afterEach(async () => {
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
  expect(t.gw.dialer.pending).toHaveLength(0);
});

function sendTone(phone: TestPhone, hz: number, frames: number): void {
  const bytes = floatToS16le(sineFloat(hz, 16_000, frames * (FRAME_BYTES / 2), 0.5));
  for (let i = 0; i < frames; i++) phone.ws.send(bytes.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
}

const readyz = async (): Promise<number> => (await t.http('/readyz')).status;

describe('click-to-call through AMI', () => {
  test('a dial rings the asker back marked outbound, the originate is exactly the configured one, and audio flows both ways', async () => {
    t = await startClickToCall({ backend: 'ami', config: { originate_caller_id: '"Web {ext}" <{ext}>' } });
    const phone = await t.phone('2001');
    expect(phone.welcome.features).toEqual(['ping', 'token_refresh', 'dial', 'dtmf']); // dtmf: keys go out of band through the same AMI

    phone.send({ type: 'dial', requestId: 'r1', number: '03-1234-5678' });
    const originate = await t.ami!.nextOriginate();
    const dialing = await phone.next('dialing');
    expect(dialing).toEqual({ type: 'dialing', requestId: 'r1', dialId: expect.any(String), number: '0312345678' });
    expect(originate).toMatchObject({
      channel: 'Local/2001@inhouse',
      context: 'outgoing',
      exten: '0312345678',
      priority: '1',
      callerId: '"Web 2001" <2001>',
      timeoutMs: 60_000,
      async: true,
      actionId: `gag-dial-${dialing.dialId}`,
      variables: { __GAG_DIAL_ID: dialing.dialId },
    });
    expect(t.ami!.actions.map((a) => a.get('Action'))).toEqual(['Login', 'Originate']);

    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', outbound: true, dialedNumber: '0312345678', dialId: dialing.dialId });
    const call = (await originate.call)!;
    call.play(tone(440, { amplitude: 0.5 }));
    phone.send({ type: 'answer', callId: incoming.callId });
    await call.answered;
    await phone.next('answered');

    sendTone(phone, 1000, 25);
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(25);
    expect(Math.abs(analyseTone(call.received.samples(), 16_000).hz - 1000)).toBeLessThanOrEqual(20);
    await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(25);
    expect(Math.abs(analyseTone(s16leToFloat(Buffer.concat(phone.audio)), 16_000).hz - 440)).toBeLessThanOrEqual(9);

    phone.send({ type: 'hangup', callId: incoming.callId });
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId: incoming.callId, reason: 'hangup' });
    expect(JSON.stringify(t.logs)).not.toContain(AMI_SECRET);
  });

  test('with the JSON format the dial id arrives as the inherited channel variable GAG_DIAL_ID', async () => {
    t = await startClickToCall({ backend: 'ami', dialIdVia: 'variable' });
    const phone = await t.phone('2001');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const { dialId } = await phone.next('dialing');
    expect(await phone.next('incoming')).toMatchObject({ outbound: true, dialedNumber: '0312345678', dialId });
  });

  test('the call back rings only the tab that asked, not the extension’s other tabs', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const asker = await t.phone('2001');
    const other = await t.phone('2001');
    asker.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const incoming = await asker.next('incoming');
    asker.send({ type: 'reject', callId: incoming.callId });
    expect(await asker.next('ended')).toMatchObject({ reason: 'rejected' });
    expect(other.messages).toEqual([]);
  });

  test('a dial cannot name another extension, channel or context: only the token’s extension is rung', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    const victim = await t.phone('2002');
    phone.ws.send(JSON.stringify({ type: 'dial', requestId: 'r1', number: '0312345678', extension: '2002', channel: 'SIP/trunk/0900', context: 'international' }));
    const originate = await t.ami!.nextOriginate();
    expect(originate).toMatchObject({ channel: 'Local/2001@inhouse', context: 'outgoing', exten: '0312345678' });
    const incoming = await phone.next('incoming');
    phone.send({ type: 'hangup', callId: incoming.callId });
    await (await originate.call)!.ended;
    expect(victim.messages).toEqual([]);
  });

  test('a call back carrying a dial id issued for another extension rings as an ordinary call', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const asker = await t.phone('2001');
    const other = await t.phone('2002');
    t.ami!.holdNextCallback(); // Asterisk queues the originate; the test dials the "call back" itself
    asker.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const { dialId } = await asker.next('dialing');
    await t.asterisk.call('ws-ext-2002', { params: { dial: dialId } });
    const incoming = await other.next('incoming');
    expect(incoming.outbound).toBeUndefined();
    expect(incoming.dialedNumber).toBeUndefined();
    expect(t.logs.some((l) => l.msg === 'call back with an unknown dial id rings as an ordinary call')).toBe(true);
  });

  test('a number outside dial_number_pattern is refused with number_not_allowed and nothing is originated', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    for (const [requestId, number] of [['r1', '+441234567890'], ['r2', '0120-DIAL-ME'], ['r3', '0312345678;Action: Originate']] as const) {
      phone.send({ type: 'dial', requestId, number });
      expect(await phone.next('dial_failed')).toEqual({ type: 'dial_failed', requestId, code: 'number_not_allowed', message: 'this number may not be called from here' });
    }
    expect(t.ami!.actions.map((a) => a.get('Action'))).toEqual(['Login']);
  });

  test('past dial_rate_limit_per_min the dial is refused with rate_limited', async () => {
    t = await startClickToCall({ backend: 'ami', config: { dial_rate_limit_per_min: 2 } });
    const phone = await t.phone('2001');
    for (const requestId of ['r1', 'r2']) {
      phone.send({ type: 'dial', requestId, number: '0312345678' });
      expect(await phone.next('dialing')).toMatchObject({ requestId });
    }
    phone.send({ type: 'dial', requestId: 'r3', number: '0312345678' });
    const refused = await phone.next('dial_failed');
    expect(refused).toMatchObject({ requestId: 'r3', code: 'rate_limited' });
    expect(refused.message).toMatch(/^too many calls: try again in \d+ s$/);
    expect(t.ami!.originates).toHaveLength(2);
  });

  test('Asterisk refusing the originate is reported as originate_failed with its message', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    t.ami!.refuseNextOriginate('Extension does not exist.');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toEqual({
      type: 'dial_failed',
      requestId: 'r1',
      code: 'originate_failed',
      message: 'Asterisk refused the originate: Extension does not exist.',
    });
  });

  test('a call back that fails after being queued reaches the asker as dial_failed (OriginateResponse matched by ActionID)', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    t.ami!.asterisk = undefined; // the Local channel cannot ring anything: OriginateResponse Failure
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    // `dialing` comes first when the failure is read after the originate's answer; when both
    // arrive in one read, only `dial_failed` is sent. Never `dial_failed` and then `dialing`.
    expect(await phone.next('dial_failed')).toEqual({
      type: 'dial_failed',
      requestId: 'r1',
      code: 'originate_failed',
      message: 'the call back failed: the channel could not be created',
    });
  });

  test('a refused AMI login fails dials with asterisk_login_failed, keeps /readyz at 503 and never logs the secret', async () => {
    t = await startClickToCall({ backend: 'ami', amiAcceptsSecret: 'another-secret', waitReady: false });
    await expect.poll(() => t.logs.some((l) => l.msg === 'ami login refused: check ami_username and ami_secret against manager.conf'), { timeout: 2_000 }).toBe(true);
    const phone = await t.phone('2001');
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toMatchObject({ requestId: 'r1', code: 'asterisk_login_failed' });
    expect(await readyz()).toBe(503);
    expect((await t.http('/readyz')).json).toEqual({ ready: false, checks: { asteriskListener: true, browserListener: true, originate: 'not_ready', cluster: 'off', draining: false } });
    expect(t.ami!.actions.find((a) => a.get('Action') === 'Login')?.get('Secret')).toBe(AMI_SECRET);
    expect(JSON.stringify(t.logs)).not.toContain(AMI_SECRET);
  });

  test('while the AMI connection is lost dials fail with asterisk_unreachable; once it is back they work again', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    expect(await readyz()).toBe(200);
    t.ami!.down();
    await expect.poll(readyz, { timeout: 2_000 }).toBe(503);
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    expect(await phone.next('dial_failed')).toMatchObject({ requestId: 'r1', code: 'asterisk_unreachable' });
    expect(t.logs.some((l) => l.msg === 'ami connection lost; reconnecting')).toBe(true);

    t.ami!.up();
    await expect.poll(readyz, { timeout: 2_000 }).toBe(200);
    phone.send({ type: 'dial', requestId: 'r2', number: '0312345678' });
    expect(await phone.next('dialing')).toMatchObject({ requestId: 'r2' });
    expect(await phone.next('incoming')).toMatchObject({ outbound: true });
    expect(t.ami!.actions.filter((a) => a.get('Action') === 'Login').length).toBeGreaterThanOrEqual(2);
  });
});
