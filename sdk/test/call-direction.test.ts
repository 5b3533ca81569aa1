/**
 * What a call says about itself: which way it goes, and the gateway's answer putting it through.
 */
import { describe, expect, test } from 'vitest';
import { Call, type CallTransport } from '../src/call.js';

const transport: CallTransport = {
  sendControl: () => undefined,
  sendDtmf: () => false,
  sendAudio: () => false,
  packetMs: () => 20, forget: () => undefined,
  measureRtt: () => Promise.resolve(null),
};
const fromOutside = { type: 'incoming', callId: 'c1', extension: '2001', callerNumber: '0312345678', callerName: null, group: null } as const;
const callBack = { ...fromOutside, callId: 'c2', callerNumber: null, outbound: true, dialedNumber: '0399998888', dialId: 'x1' } as const;

describe('a call', () => {
  test('from someone else is inbound; the call back of this phone’s own dial() is outbound', () => {
    const inbound = new Call(fromOutside, transport);
    expect([inbound.direction, inbound.outbound, inbound.dialId]).toEqual(['inbound', false, null]);
    const outbound = new Call(callBack, transport);
    expect([outbound.direction, outbound.outbound, outbound.dialedNumber, outbound.dialId]).toEqual(['outbound', true, '0399998888', 'x1']);
    inbound.end('caller_hangup');
    outbound.end('caller_hangup');
  });

  test('talks once the gateway says it was answered, with accepted fired once, and a repeated answered changes nothing', () => {
    const call = new Call(fromOutside, transport);
    const events: string[] = [];
    call.on('state', (state, previous) => events.push(`${previous}→${state}`));
    call.on('accepted', () => events.push('accepted'));
    call.answered();
    call.answered();
    expect(call.state).toBe('talking');
    expect(events).toEqual(['ringing→talking', 'accepted']);
    call.end('remote_hangup');
    call.answered(); // an answered crossing the hang-up
    expect(events).toEqual(['ringing→talking', 'accepted', 'talking→ended']);
  });

  test('the deprecated connected() still puts the call through, as answered() does', () => {
    const call = new Call(fromOutside, transport);
    call.connected();
    expect(call.state).toBe('talking');
    call.end('remote_hangup');
  });
});
