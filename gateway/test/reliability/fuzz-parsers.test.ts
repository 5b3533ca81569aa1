/**
 * Property-based fuzzing of the parsers at the gateway's two edges (fast-check): whatever text
 * arrives, chan_websocket's control parser (plain text and JSON) and the gag.v1 client parser
 * either return a well-formed message or throw a `ProtocolError` (`GAG_PROTOCOL`); nothing else
 * escapes. The generators are the test kit's (`@gag/testkit/fuzz`), which the bench runs at
 * ≥ 100,000 messages per side (`npm run bench -- --only fuzz`); here a few thousand keep `npm test` quick.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { asteriskControl } from '@gag/e2e';
import { encodeClientMessage, parseClientMessage, type ClientMessage } from '@gag/sdk/protocol';
import { asteriskJsonMessage, asteriskTextMessage, clientMessageText, judgeAsterisk, judgeClient } from '@gag/testkit/fuzz';
import { parseAsteriskMessage } from '../../src/asterisk/control.js';

/** Runs per property: a few thousand messages in all, well under a second each. */
const RUNS = 2_000;

describe('chan_websocket control parser', () => {
  test.each([
    ['plain text', asteriskTextMessage],
    ['JSON', asteriskJsonMessage],
  ])('%s: a well-formed event or a ProtocolError, nothing else', (_format, messages) => {
    fc.assert(
      fc.property(messages, (text) => {
        expect(judgeAsterisk(parseAsteriskMessage, text)).not.toMatchObject({ kind: 'failure' });
      }),
      { numRuns: RUNS },
    );
  });

  test.each(['text', 'json'] as const)('every MEDIA_START the fake Asterisk encodes (%s) parses back to the same fields', (format) => {
    const info = fc.record({
      connectionId: fc.stringMatching(/^[\w.-]{1,40}$/),
      channel: fc.stringMatching(/^WebSocket\/[\w-]{1,20}\/0x[0-9a-f]{1,12}$/),
      channelId: fc.stringMatching(/^\d{1,10}\.\d{1,4}$/),
      codec: fc.stringMatching(/^[a-z0-9]{1,12}$/),
      optimalFrameBytes: fc.integer({ min: 1, max: 65_000 }),
      ptimeMs: fc.integer({ min: 1, max: 200 }),
      channelVariables: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z_]{0,15}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(info, (i) => {
        expect(parseAsteriskMessage(asteriskControl.mediaStartMessage(i, format))).toEqual({
          event: 'MEDIA_START',
          format,
          connectionId: i.connectionId,
          channel: i.channel,
          channelId: i.channelId,
          codec: i.codec,
          optimalFrameBytes: i.optimalFrameBytes,
          ptimeMs: i.ptimeMs,
          channelVariables: format === 'json' ? i.channelVariables : {}, // the plain-text format carries none
        });
      }),
      { numRuns: RUNS / 4 },
    );
  });

  test('a judge that can fail: an event missing its promises is a failure, not a pass', () => {
    const broken = (): never => {
      throw new TypeError('boom');
    };
    expect(judgeAsterisk(broken, 'MEDIA_XON')).toMatchObject({ kind: 'failure' });
    expect(judgeAsterisk(() => ({ event: 'DTMF_END', digit: 'Z' }), 'DTMF_END digit:Z')).toMatchObject({ kind: 'failure' });
  });
});

describe('gag.v1 client parser', () => {
  test('a well-formed message that survives a round trip, or a ProtocolError, nothing else', () => {
    fc.assert(
      fc.property(clientMessageText, (text) => {
        expect(judgeClient(parseClientMessage, text)).not.toMatchObject({ kind: 'failure' });
      }),
      { numRuns: RUNS },
    );
  });

  test('every message the SDK can encode parses back to itself', () => {
    const message: fc.Arbitrary<ClientMessage> = fc.oneof(
      fc.record({ type: fc.constant('hello' as const), token: fc.string({ minLength: 1, maxLength: 8_192 }) }),
      fc.record({ type: fc.constantFrom('answer' as const, 'reject' as const, 'hangup' as const), callId: fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }) }),
      fc.record({ type: fc.constant('ping' as const), id: fc.maxSafeNat() }),
      fc.record({ type: fc.constant('dial' as const), requestId: fc.string({ minLength: 1, maxLength: 64 }), number: fc.string({ minLength: 1, maxLength: 64 }) }),
    );
    fc.assert(
      fc.property(message, (m) => {
        expect(parseClientMessage(encodeClientMessage(m))).toEqual(m);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  test('a judge that can fail: a parser that lets an extra key through is a failure', () => {
    const leaky = (text: string): ClientMessage => JSON.parse(text) as ClientMessage;
    expect(judgeClient(leaky, '{"type":"answer","callId":"c1","admin":true}')).toMatchObject({ kind: 'failure' });
    expect(judgeClient(leaky, '{"type":"ping","id":-1}')).toMatchObject({ kind: 'failure' });
  });
});
