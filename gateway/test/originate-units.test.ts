import { describe, expect, test } from 'vitest';
import { DIAL_ERRORS, ProtocolError, parseClientMessage, parseServerMessage } from '@gag/sdk/protocol';
import { AmiParser, MAX_AMI_LINE_CHARS, MAX_AMI_MESSAGE_LINES, encodeAmiAction, type AmiItem } from '../src/originate/ami-codec.js';
import { fillTemplate, normaliseNumber, numberAllowed } from '../src/originate/dial-policy.js';
import { RATE_WINDOW_MS, RateLimiter } from '../src/originate/rate-limit.js';
import { BackoffPolicy, DEFAULT_RETRY_DELAYS_MS, LOGIN_FAILED_RETRY_MS } from '../src/originate/reconnect-policy.js';

const BANNER = 'Asterisk Call Manager/11.0.0\r\n';
const messages = (items: AmiItem[]): Array<Array<readonly [string, string]>> => items.flatMap((i) => (i.kind === 'message' ? [[...i.message.lines]] : []));

describe('AMI parser', () => {
  test('reads the banner, then messages split anywhere across chunks, multi-byte characters included', () => {
    const text = `${BANNER}Response: Success\r\nActionID: a1\r\nMessage: Authentication accepted\r\n\r\nEvent: OriginateResponse\r\nCallerIDName: 田中\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n`;
    const bytes = Buffer.from(text, 'utf8');
    const parser = new AmiParser();
    const items: AmiItem[] = [];
    for (let i = 0; i < bytes.length; i += 3) items.push(...parser.push(bytes.subarray(i, i + 3)));
    expect(items[0]).toEqual({ kind: 'banner', version: '11.0.0' });
    expect(messages(items)).toEqual([
      [['Response', 'Success'], ['ActionID', 'a1'], ['Message', 'Authentication accepted']],
      [['Event', 'OriginateResponse'], ['CallerIDName', '田中'], ['Variable', 'A=1'], ['Variable', 'B=2']],
    ]);
    const last = items.at(-1);
    expect(last?.kind === 'message' && [last.message.get('variable'), last.message.all('VARIABLE')]).toEqual(['A=1', ['A=1', 'B=2']]);
  });

  test('keeps an empty value and a value with colons', () => {
    const items = new AmiParser().push(Buffer.from(`${BANNER}Response: Success\r\nMessage:\r\nTimestamp: 12:34:56\r\n\r\n`));
    expect(messages(items)).toEqual([[['Response', 'Success'], ['Message', ''], ['Timestamp', '12:34:56']]]);
  });

  test.each([
    ['no banner (not the AMI port)', 'HTTP/1.1 400 Bad Request\r\n', /banner/],
    ['a bare LF', `${BANNER}Response: Success\nActionID: 1\r\n\r\n`, /bare LF/],
    ['a line without a colon', `${BANNER}Response Success\r\n\r\n`, /Key: Value/],
    ['a line past the limit, even before its end arrives', `${BANNER}Message: ${'x'.repeat(MAX_AMI_LINE_CHARS)}`, /longer than/],
    ['a message past the line limit', `${BANNER}${'K: v\r\n'.repeat(MAX_AMI_MESSAGE_LINES + 1)}`, /longer than \d+ lines/],
  ])('refuses %s with a ProtocolError', (_name, text, message) => {
    const parser = new AmiParser();
    expect(() => parser.push(Buffer.from(text))).toThrow(ProtocolError);
    expect(() => new AmiParser().push(Buffer.from(text))).toThrow(message);
  });

  test('encodes an action as Key: Value lines and an empty line, and refuses a value that would inject lines', () => {
    expect(encodeAmiAction([['Action', 'Ping'], ['ActionID', 'p1']])).toBe('Action: Ping\r\nActionID: p1\r\n\r\n');
    expect(() => encodeAmiAction([['CallerID', 'x\r\nAction: Originate']])).toThrow(ProtocolError);
    expect(() => encodeAmiAction([['Bad Key', 'v']])).toThrow(/not a word/);
  });
});

describe('AMI reconnect policy', () => {
  test('follows the table, repeats its last delay, waits long after a refused login, and adds at most 20 % jitter', () => {
    const exact = new BackoffPolicy({ random: () => 0 });
    expect(DEFAULT_RETRY_DELAYS_MS.map((_, i) => exact.nextRetryDelayMs({ retryCount: i, reason: 'connection_lost' }))).toEqual([...DEFAULT_RETRY_DELAYS_MS]);
    expect(exact.nextRetryDelayMs({ retryCount: 99, reason: 'connect_failed' })).toBe(DEFAULT_RETRY_DELAYS_MS.at(-1));
    expect(exact.nextRetryDelayMs({ retryCount: 0, reason: 'login_failed' })).toBe(LOGIN_FAILED_RETRY_MS);
    const jittered = new BackoffPolicy({ random: () => 0.999 });
    expect(jittered.nextRetryDelayMs({ retryCount: 2, reason: 'connection_lost' })).toBe(Math.round(2_000 * 1.1998));
  });
});

describe('what a user may dial', () => {
  test.each([
    ['03-1234-5678', '0312345678'],
    [' (03) 1234.5678 ', '0312345678'],
    ['+81 3 1234 5678', '+81312345678'],
    ['*67#', '*67#'],
    ['0120-DIAL-ME', undefined],
    ['0312345678;x', undefined],
    ['++81', undefined],
    ['', undefined],
    ['1'.repeat(33), undefined],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normaliseNumber(raw)).toBe(expected);
  });

  test('the pattern must match the whole number', () => {
    const config = { dial_number_pattern: '0\\d{9,10}' };
    expect(numberAllowed('0312345678', config)).toBe(true);
    expect(numberAllowed('09012345678', config)).toBe(true);
    expect(numberAllowed('+81312345678', config)).toBe(false);
    expect(numberAllowed('00441234567890', config)).toBe(false);
    expect(numberAllowed('0312345678', { dial_number_pattern: '03\\d+|\\+81\\d+' })).toBe(true);
    expect(numberAllowed('0612345678', { dial_number_pattern: '03\\d+|\\+81\\d+' })).toBe(false);
  });

  test('templates get the extension and the number', () => {
    expect(fillTemplate('Local/{ext}@inhouse', { ext: '2001', number: '0312345678' })).toBe('Local/2001@inhouse');
    expect(fillTemplate('"Web {ext}" <{number}>', { ext: '2001', number: '0312345678' })).toBe('"Web 2001" <0312345678>');
  });
});

describe('rate limit', () => {
  test('allows the limit per minute and extension, then says when to retry, and forgets after a minute', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take('2001', 2)).toEqual({ ok: true });
    now += 10_000;
    expect(limiter.take('2001', 2)).toEqual({ ok: true });
    expect(limiter.take('2001', 2)).toEqual({ ok: false, retryAfterMs: RATE_WINDOW_MS - 10_000 });
    expect(limiter.take('2002', 2)).toEqual({ ok: true });
    now += RATE_WINDOW_MS - 10_000;
    expect(limiter.take('2001', 2)).toEqual({ ok: true });
  });
});

describe('the dial messages of gag.v1', () => {
  test('a dial carries a number and a request id only: extra fields never reach the gateway', () => {
    expect(parseClientMessage('{"type":"dial","requestId":"r1","number":"0312345678","extension":"2002","context":"intl"}')).toEqual({
      type: 'dial',
      requestId: 'r1',
      number: '0312345678',
    });
    expect(() => parseClientMessage('{"type":"dial","requestId":"","number":"1"}')).toThrow(ProtocolError);
    expect(() => parseClientMessage(`{"type":"dial","requestId":"r1","number":"${'1'.repeat(65)}"}`)).toThrow(ProtocolError);
  });

  test('dialing, dial_failed and an outbound incoming parse; an unknown dial error code does not', () => {
    expect(parseServerMessage('{"type":"dialing","requestId":"r1","dialId":"d1","number":"0312345678"}')).toMatchObject({ type: 'dialing', dialId: 'd1' });
    for (const code of DIAL_ERRORS) expect(parseServerMessage(JSON.stringify({ type: 'dial_failed', requestId: 'r1', code, message: 'm' }))).toMatchObject({ code });
    expect(() => parseServerMessage('{"type":"dial_failed","requestId":"r1","code":"nope","message":"m"}')).toThrow(ProtocolError);
    const incoming = parseServerMessage('{"type":"incoming","callId":"c1","extension":"2001","callerNumber":null,"callerName":null,"outbound":true,"dialedNumber":"0312345678","dialId":"d1"}');
    expect(incoming).toMatchObject({ outbound: true, dialedNumber: '0312345678', dialId: 'd1', group: null });
  });
});
