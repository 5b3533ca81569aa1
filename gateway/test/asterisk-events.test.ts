import { describe, expect, test } from 'vitest';
import { FRAME_BYTES } from '@gag/sdk/protocol';
import { gatewayPerTest } from '@gag/testkit/gateway';
import type { TestPhone } from '@gag/testkit/phone';

const t = gatewayPerTest();

async function answer(phone: TestPhone): Promise<string> {
  const { callId } = await phone.next('incoming');
  phone.send({ type: 'answer', callId });
  await phone.next('answered');
  return callId;
}

describe('what Asterisk tells the gateway', () => {
  test('the JSON format: extension from the channel variable, caller ID from GAG_CALLER_*, commands answered in JSON', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-endpoint', {
      format: 'json',
      channelVariables: { WS_EXTEN: '2001', GAG_CALLER_NUM: '0311112222', GAG_CALLER_NAME: 'Tanaka' },
    });
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', callerNumber: '0311112222', callerName: 'Tanaka' });
    const { callId } = incoming;
    phone.send({ type: 'answer', callId });
    await call.answered;
    phone.send({ type: 'hangup', callId });
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    // The fake Asterisk, like the real one, refuses plain-text commands on a JSON channel: these were JSON.
    expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  });

  test.each([
    ['URI parameter exten', 'some-client', { params: { exten: '2001' } }],
    ['channel variable WS_EXTEN (JSON)', 'some-client', { format: 'json' as const, channelVariables: { WS_EXTEN: '2001' } }],
    ['exten_search_pattern on the connection id', 'ws-ext-2001', {}],
  ])('the extension comes from the %s', async (_name, connectionId, options) => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call(connectionId, options);
    await answer(phone);
    await call.answered;
    expect(call.commands).toEqual(['ANSWER']);
    await call.hangup();
  });

  test('channel variables win over URI parameters (which may be an earlier call’s), which win over the pattern', async () => {
    const phone = await t.phone('2002');
    const call = await t.asterisk.call('ws-ext-endpoint', { format: 'json', params: { exten: '2003', from: '0399990000' }, channelVariables: { WS_EXTEN: '2002', GAG_CALLER_NUM: '1' } });
    expect(await phone.next('incoming')).toMatchObject({ extension: '2002', callerNumber: '1' });
    await call.hangup();
  });

  test('DTMF from the caller reaches the answering phone, one message per digit, in order', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    const callId = await answer(phone);
    call.sendDtmf('12#');
    const digits = [await phone.next('dtmf'), await phone.next('dtmf'), await phone.next('dtmf')];
    expect(digits).toEqual(['1', '2', '#'].map((digit) => ({ type: 'dtmf', callId, digit })));
    await call.hangup();
  });

  test('after MEDIA_XOFF the gateway sends Asterisk nothing until MEDIA_XON, dropping rather than queueing', async () => {
    const phone = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-2001');
    await answer(phone);
    await call.answered;
    const flow = (event: string) => expect.poll(() => t.logs.some((l) => l.msg === 'asterisk flow control' && l['event'] === event)).toBe(true);
    call.sendFlowControl('MEDIA_XOFF');
    await flow('MEDIA_XOFF');
    for (let i = 0; i < 10; i++) phone.ws.send(Buffer.alloc(FRAME_BYTES, 1));
    // The frames and XON travel on different sockets: XON only once the gateway has taken all ten.
    await expect.poll(() => t.gw.registry.sessionsFor('2001')[0]?.stats.framesIn).toBe(10);
    call.sendFlowControl('MEDIA_XON');
    await flow('MEDIA_XON');
    for (let i = 0; i < 5; i++) phone.ws.send(Buffer.alloc(FRAME_BYTES, 2));
    await expect.poll(() => call.received.frames).toBe(5);
    expect(call.received.samples().every((s) => s === 0x0202 / 32768)).toBe(true);
    await call.hangup();
    expect(t.logs.find((l) => l.msg === 'call ended')).toMatchObject({ framesOut: 5 });
  });
});
