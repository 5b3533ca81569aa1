import { describe, expect, test } from 'vitest';
import {
  CLOSE,
  END_REASONS,
  FRAME_BYTES,
  IllegalTransitionError,
  ProtocolError,
  canTransition,
  closeName,
  encodeClientMessage,
  encodeServerMessage,
  parseClientMessage,
  parseServerMessage,
  transition,
  type ServerMessage,
} from '../src/protocol.js';

describe('the gag.v1 wire protocol', () => {
  test('close codes are unique, ours in 4000–4999, and found by code', () => {
    const codes = Object.values(CLOSE).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code < 1016 || (code >= 4000 && code <= 4999)).toBe(true);
    expect(closeName(4101)).toBe('TOKEN_EXPIRED');
    expect(closeName(1006)).toBeUndefined();
  });

  test('a frame is 20 ms of 16 kHz 16-bit mono', () => {
    expect(FRAME_BYTES).toBe(640);
  });

  test('every server message survives encode → parse', () => {
    const messages: ServerMessage[] = [
      { type: 'welcome', protocol: 1, sessionId: 's', extension: '2001' },
      { type: 'incoming', callId: 'c', extension: '2001', callerNumber: '0312345678', callerName: '田中', group: null },
      { type: 'incoming', callId: 'c', extension: 'G01', callerNumber: null, callerName: null, group: 'G01' },
      { type: 'dtmf', callId: 'c', digit: '#' },
      { type: 'answered', callId: 'c' },
      ...END_REASONS.map((reason) => ({ type: 'ended' as const, callId: 'c', reason })),
    ];
    for (const m of messages) expect(parseServerMessage(encodeServerMessage(m))).toEqual(m);
    expect(parseClientMessage(encodeClientMessage({ type: 'answer', callId: 'c' }))).toEqual({ type: 'answer', callId: 'c' });
    // A gateway older than `group` omits it: read as null.
    expect(parseServerMessage('{"type":"incoming","callId":"c","extension":"1","callerNumber":null,"callerName":null}')).toMatchObject({ group: null });
  });

  test.each([
    ['not JSON', 'ANSWER', /not JSON/],
    ['an unknown type', '{"type":"dance"}', /type/],
    ['a missing call id', '{"type":"answer"}', /callId/],
    ['an empty token', '{"type":"hello","token":""}', /token/],
    ['a number for a call id', '{"type":"hangup","callId":7}', /callId/],
    ['an array', '[]', /type|Invalid/],
    ['null', 'null', /Invalid/],
  ])('a client message that is %s is a ProtocolError', (_name, text, message) => {
    expect(() => parseClientMessage(text)).toThrow(ProtocolError);
    expect(() => parseClientMessage(text)).toThrow(message);
  });

  test('an oversized message is refused before it is parsed', () => {
    expect(() => parseClientMessage(`{"type":"hello","token":"${'a'.repeat(20_000)}"}`)).toThrow(/too long/);
  });
});

describe('the call machine', () => {
  test('a call goes routing → ringing → talking → ended', () => {
    expect(transition('routing', 'ring')).toBe('ringing');
    expect(transition('ringing', 'answer')).toBe('talking');
    expect(transition('talking', 'hangup')).toBe('ended');
  });

  test('ended is final and illegal moves throw with from and event', () => {
    expect(canTransition('ended', 'hangup')).toBe(false);
    expect(canTransition('talking', 'answer')).toBe(false);
    try {
      transition('talking', 'reject');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IllegalTransitionError);
      expect(e).toMatchObject({ code: 'GAG_ILLEGAL_TRANSITION', from: 'talking', event: 'reject' });
    }
  });
});
