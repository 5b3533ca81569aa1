import { describe, expect, test, vi } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { tone } from '@gag/e2e';
import { analyseTone, floatToS16le, s16leToFloat, sineFloat } from '@gag/e2e/tones';
import { gatewayPerTest } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';

const t = gatewayPerTest();

/** One second of a 1 kHz tone from the "browser", in whole frames. */
function sendTone(phone: TestPhone, hz: number, frames: number): void {
  const samples = sineFloat(hz, 16_000, frames * (FRAME_BYTES / 2), 0.5);
  const bytes = floatToS16le(samples);
  for (let i = 0; i < frames; i++) phone.ws.send(bytes.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
}

async function untilAudio(phone: TestPhone, frames: number): Promise<void> {
  await expect.poll(() => phone.audio.length, { timeout: 3_000 }).toBeGreaterThanOrEqual(frames);
}

describe('a call from Asterisk to a browser', () => {
  test('rings the phone with the caller number and name from v() parameters, then relays a tone both ways', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001', { params: { from: '0312345678', name: '田中' } });
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', callerNumber: '0312345678', callerName: '田中' });
    expect(call.commands).toEqual([]); // nothing is answered before a phone answers

    call.play(tone(440, { amplitude: 0.5 }));
    phone.send({ type: 'answer', callId: incoming.callId });
    await call.answered;
    await phone.next('answered');
    expect(call.commands).toEqual(['ANSWER']);

    sendTone(phone, 1000, 25);
    await expect.poll(() => call.received.frames, { timeout: 3_000 }).toBe(25);
    expect(call.received.oddSizedMessages).toBe(0);
    const up = analyseTone(call.received.samples(), 16_000);
    expect(up.hz).toBeGreaterThanOrEqual(998);
    expect(up.hz).toBeLessThanOrEqual(1002);
    expect(up.amplitude).toBeCloseTo(0.5, 1);

    await untilAudio(phone, 25);
    expect(phone.audio.every((f) => f.length === FRAME_BYTES)).toBe(true);
    const down = analyseTone(s16leToFloat(Buffer.concat(phone.audio)), 16_000);
    expect(Math.abs(down.hz - 440)).toBeLessThanOrEqual(2);
    expect(down.amplitude).toBeCloseTo(0.5, 1);
  });

  test('a hangup from the browser sends HANGUP and Asterisk closes with 1000', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    phone.send({ type: 'hangup', callId });
    const end = await call.ended;
    expect(end).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId, reason: 'hangup' });
  });

  test('a hangup from Asterisk mid-call ends the call in the browser with remote_hangup', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    await call.hangup();
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId, reason: 'remote_hangup' });
  });

  test('the caller hanging up while it rings ends it with caller_hangup', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    await call.hangup();
    expect(await phone.next('ended')).toEqual({ type: 'ended', callId, reason: 'caller_hangup' });
  });

  test('a reject sends HANGUP before answer, so the dialplan continues', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'reject', callId });
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['HANGUP']);
    expect(await phone.next('ended')).toMatchObject({ reason: 'rejected' });
  });

  test('nobody answering within the ring timeout ends the call with timeout and HANGUP', async () => {
    const phone = await t.phone('2001');
    // The default ring timeout (60 s) passes on a fake clock; a real wait would time the test out.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let call;
    try {
      call = await t.asterisk.call('ws-ext-2001');
      await phone.next('incoming');
      vi.advanceTimersByTime(59_999);
      expect(phone.messages).toEqual([]);
      vi.advanceTimersByTime(1);
    } finally {
      vi.useRealTimers();
    }
    expect(await phone.next('ended')).toMatchObject({ reason: 'timeout' });
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
  });

  test('a call to an extension nobody is logged in for gets HANGUP at once', async () => {
    await t.phone('2002');
    const call = await t.asterisk.call('ws-ext-2001');
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    expect(call.commands).toEqual(['HANGUP']);
    expect(t.logs.some((l) => l.msg === 'nobody online; hanging up' && l['exten'] === '2001')).toBe(true);
  });

  test('a connection id the pattern does not match gets HANGUP', async () => {
    const call = await t.asterisk.call('some-other-client');
    expect(await call.ended).toMatchObject({ by: 'app-hangup' });
  });

  test('the browser dropping mid-call hangs Asterisk up', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const { callId } = await phone.next('incoming');
    phone.send({ type: 'answer', callId });
    await call.answered;
    phone.close();
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  });
});

describe('bad input from a browser closes that one connection', () => {
  test('an odd-sized audio frame closes with 4001 while another call keeps its audio', async () => {
    const good = await t.phone('2001');
    const bad = await t.phone('2002');
    const goodCall = await t.asterisk.call('ws-ext-2001');
    const badCall = await t.asterisk.call('ws-ext-2002');
    for (const [phone, call] of [[good, goodCall], [bad, badCall]] as const) {
      phone.send({ type: 'answer', callId: (await phone.next('incoming')).callId });
      await call.answered;
    }
    bad.ws.send(Buffer.alloc(FRAME_BYTES - 1));
    expect(await bad.closed).toMatchObject({ code: 4001 });
    expect(await badCall.ended).toMatchObject({ by: 'app-hangup' });
    sendTone(good, 1000, 10);
    await expect.poll(() => goodCall.received.frames, { timeout: 3_000 }).toBe(10);
    expect(goodCall.state).toBe('up');
  });

  test('a message that is not JSON closes with 4000 and a reason', async () => {
    const phone = await t.phone('2001');
    phone.ws.send('ANSWER');
    expect(await phone.closed).toEqual({ code: 4000, reason: 'client message is not JSON' });
  });

  test('a bad token closes with 4100, an expired one with 4101', async () => {
    const { TestPhone } = await import('@gag/testkit/phone');
    for (const [token, code] of [
      ['nope', 4100],
      [await t.token('2001', -60), 4101],
    ] as const) {
      const phone = new TestPhone(t.gw.browserUrl);
      await new Promise((r) => phone.ws.once('open', r));
      phone.send({ type: 'hello', token });
      expect((await phone.closed).code).toBe(code);
    }
    expect(t.logs.filter((l) => l.msg === 'refused: token').map((l) => l['reason'])).toEqual(['malformed', 'expired']);
    expect(JSON.stringify(t.logs)).not.toContain('nope');
  });

  test('a wrong Origin is refused with 403 before the upgrade', async () => {
    const { TestPhone } = await import('@gag/testkit/phone');
    const phone = new TestPhone(t.gw.browserUrl, { origin: 'http://evil.test' });
    const status = await new Promise<number>((resolve) => phone.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });
});
