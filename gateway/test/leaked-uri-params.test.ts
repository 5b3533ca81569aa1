/**
 * Asterisk's v() leak (issue 13): `ast_websocket_client_add_uri_params()` keeps a call's `v()`
 * string on the shared websocket_client object, so a later call on the same section without
 * `v()` goes out with the earlier call's `?exten=…&from=…&dial=…`. The fake Asterisk reproduces
 * it with `leakUriParams`. A URI parameter must not pick the wrong agent, caller ID or call back.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { FakeAsterisk } from '@gag/e2e';
import { startClickToCall, type ClickToCall } from './click-fixture.js';

const LEAK_WARNING = 'v() URI parameters leaked from an earlier call on the same websocket_client section — an Asterisk bug; use one section per extension, or channel variables';

let t: ClickToCall;
let leaky: FakeAsterisk | undefined;
afterEach(async () => {
  await leaky?.close();
  leaky = undefined;
  await t.stop();
  expect(t.gw.router.calls).toHaveLength(0);
});

/** A fake Asterisk with the v() leak, dialling the test gateway. */
function leakyAsterisk(): FakeAsterisk {
  leaky = new FakeAsterisk({ url: t.gw.asteriskUrl, leakUriParams: true });
  return leaky;
}

const warnings = (): Array<Record<string, unknown>> => t.logs.filter((l) => l.msg === LEAK_WARNING);

describe('a leaked v() on a shared section', () => {
  test('loses to the JSON call’s own WS_EXTEN and GAG_CALLER_NUM, with one warning naming the bug', async () => {
    t = await startClickToCall({ backend: 'none' });
    const agent = await t.phone('2001');
    const other = await t.phone('2002');
    const asterisk = leakyAsterisk();
    const earlier = await asterisk.call('ws-ext-endpoint', { params: { exten: '2002', from: '0311111111' } });
    const first = await other.next('incoming');
    other.send({ type: 'reject', callId: first.callId });
    await earlier.ended;
    await other.next('ended');

    const call = await asterisk.call('ws-ext-endpoint', { format: 'json', dialplanVariables: { _WS_EXTEN: '2001', _GAG_CALLER_NUM: '0322222222' } });
    expect(await agent.next('incoming')).toMatchObject({ extension: '2001', callerNumber: '0322222222' });
    expect(other.messages).toEqual([]);
    expect(warnings()).toEqual([expect.objectContaining({ connectionId: 'ws-ext-endpoint', exten: '2001', param: 'exten', uriValue: '2002' })]);
    await call.hangup();
  });

  test('a leaked caller ID loses to GAG_CALLER_NUM even when the extensions agree', async () => {
    t = await startClickToCall({ backend: 'none' });
    const agent = await t.phone('2001');
    const call = await t.asterisk.call('ws-ext-endpoint', { format: 'json', params: { exten: '2001', from: '0311111111' }, dialplanVariables: { _WS_EXTEN: '2001', _GAG_CALLER_NUM: '0322222222' } });
    expect(await agent.next('incoming')).toMatchObject({ extension: '2001', callerNumber: '0322222222' });
    await call.hangup();
  });

  test('v(exten=…) on a shared section still names the extension, without a warning', async () => {
    t = await startClickToCall({ backend: 'none' });
    const agent = await t.phone('2003');
    const call = await t.asterisk.call('ws-ext-endpoint', { params: { exten: '2003', from: '0311111111' } });
    expect(await agent.next('incoming')).toMatchObject({ extension: '2003', callerNumber: '0311111111' });
    expect(warnings()).toEqual([]);
    await call.hangup();
  });
});

describe('a per-extension section', () => {
  test('receiving v(exten=…) for another extension rings its own, ignores that query string and warns', async () => {
    t = await startClickToCall({ backend: 'none' });
    const own = await t.phone('2001');
    const other = await t.phone('2002');
    const call = await t.asterisk.call('ws-ext-2001', { params: { exten: '2002', from: '0311111111' } });
    const incoming = await own.next('incoming');
    expect(incoming).toMatchObject({ extension: '2001', callerNumber: null });
    expect(other.messages).toEqual([]);
    expect(warnings()).toEqual([expect.objectContaining({ connectionId: 'ws-ext-2001', exten: '2001', param: 'exten', uriValue: '2002' })]);
    await call.hangup();
  });
});

describe('a dial id in a leaked v()', () => {
  test('that an earlier call back already used rings as an ordinary call, with the warning naming the bug', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    const asterisk = leakyAsterisk();
    t.ami!.asterisk = asterisk; // the call back goes out with v(dial=<dialId>)
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    const { dialId } = await phone.next('dialing');
    const back = await phone.next('incoming');
    expect(back).toMatchObject({ outbound: true, dialId });
    phone.send({ type: 'hangup', callId: back.callId });
    await phone.next('ended');

    const call = await asterisk.call('ws-ext-2001'); // the same section, no v(): ?dial=<dialId> again
    const incoming = await phone.next('incoming');
    expect(incoming.outbound).toBeUndefined();
    expect(warnings()).toEqual([expect.objectContaining({ param: 'dial', uriValue: dialId })]);
    await call.hangup();
  });

  test('loses to the JSON call back’s own __GAG_DIAL_ID, which is recognised', async () => {
    t = await startClickToCall({ backend: 'ami' });
    const phone = await t.phone('2001');
    const asterisk = leakyAsterisk();
    t.ami!.asterisk = asterisk;
    phone.send({ type: 'dial', requestId: 'r1', number: '0312345678' });
    await phone.next('dialing');
    const first = await phone.next('incoming');
    phone.send({ type: 'hangup', callId: first.callId });
    await phone.next('ended');

    t.ami!.holdNextCallback(); // the JSON context's call back, dialled by the test: no v(), the leaked ?dial=… goes out
    phone.send({ type: 'dial', requestId: 'r2', number: '0398765432' });
    const { dialId } = await phone.next('dialing');
    const call = await asterisk.call('ws-ext-2001', { format: 'json', dialplanVariables: { __GAG_DIAL_ID: dialId } });
    expect(await phone.next('incoming')).toMatchObject({ outbound: true, dialId, dialedNumber: '0398765432' });
    expect(warnings()).toEqual([expect.objectContaining({ param: 'dial' })]);
    await call.hangup();
  });
});
