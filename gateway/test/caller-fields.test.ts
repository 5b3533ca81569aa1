/**
 * Issue 15, item 6: a caller's number and name come from whoever called, through Asterisk. Over
 * 256 characters they made the call unanswerable: the gateway forwarded them, the SDK refused the
 * `incoming` and closed the connection (several phones: a reconnect loop). Now the gateway bounds
 * them (by whole characters, control characters removed) and the SDK bounds the optional display
 * fields it receives instead of refusing the message.
 */
import { expect, test } from 'vitest';
import { MAX_TEXT_CHARS, ProtocolError, boundText, parseServerMessage } from '@gag/sdk/protocol';
import { gatewayPerTestOnDemand } from '@gag/testkit/gateway';

const t = gatewayPerTestOnDemand();

test('a 300-character caller name and a number with control characters reach the phone bounded, and the call is answered', async () => {
  await t.start();
  const phone = await t.phone('2001');
  const raw: string[] = [];
  phone.ws.on('message', (data, isBinary) => void (isBinary || raw.push(String(data))));
  const name = `${'山'.repeat(299)}😀\u0007`;
  const call = await t.asterisk.call('ws-ext-2001', { format: 'json', channelVariables: { GAG_CALLER_NAME: name, GAG_CALLER_NUM: '03\u0000-1234\u001b-5678' } });
  const incoming = await phone.next('incoming');
  const sent = JSON.parse(raw.find((m) => m.includes('"incoming"'))!) as { callerName: string; callerNumber: string };
  expect(sent.callerName).toBe('山'.repeat(MAX_TEXT_CHARS)); // cut by the gateway, before the emoji
  expect(sent.callerNumber).toBe('03-1234-5678');
  expect(incoming.callerName).toBe(sent.callerName);
  phone.send({ type: 'answer', callId: incoming.callId });
  await call.answered;
  call.hangup();
  await phone.next('ended');
});

test('the SDK bounds too-long optional display fields of incoming instead of refusing it; other fields stay strict', () => {
  const incoming = (fields: Record<string, unknown>): string => JSON.stringify({ type: 'incoming', callId: 'c1', extension: '2001', callerNumber: null, callerName: null, ...fields });
  const parsed = parseServerMessage(incoming({ callerName: 'x'.repeat(1_000), callerNumber: `0${'9'.repeat(400)}`, group: `g\u0000${'g'.repeat(300)}` }));
  expect(parsed).toMatchObject({ callerName: 'x'.repeat(256), callerNumber: `0${'9'.repeat(255)}`, group: 'g'.repeat(256) });
  expect(() => parseServerMessage(incoming({ extension: '2'.repeat(300) }))).toThrow(ProtocolError);
  expect(() => parseServerMessage(incoming({ callId: 'c'.repeat(65) }))).toThrow(ProtocolError);
});

test('boundText cuts at whole characters, never half a surrogate pair', () => {
  expect(boundText('ab😀', 3)).toBe('ab');
  expect(boundText('a\u0085b\u007f')).toBe('ab');
});
