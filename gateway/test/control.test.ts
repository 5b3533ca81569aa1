import { describe, expect, test } from 'vitest';
import { encodeAsteriskCommand, parseAsteriskMessage } from '../src/asterisk/control.js';

// The exact lines observed on Asterisk 23.4.1 (docs/chan-websocket.md#media_start).
const TEXT_START =
  'MEDIA_START connection_id:ws-ext-2001 channel:WebSocket/ws-ext-2001/0x7fbdd8005da0 channel_id:1795403872.2 format:slin16 optimal_frame_size:640 ptime:20';
const JSON_START =
  '{"event":"MEDIA_START","connection_id":"ws-ext-endpoint","channel":"WebSocket/ws-ext-endpoint/0x7fbdd4009b50","channel_id":"1795403941.11","format":"slin16","optimal_frame_size":640,"ptime":20,"channel_variables":{"DIALEDPEERNUMBER":"ws-ext-endpoint/f(json)c(slin16)n","MEDIA_WEBSOCKET_CONNECTION_ID":"ws-ext-endpoint","MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE":"640","GAG_CALLER_NAME":"Tanaka","WS_EXTEN":"2001"}}';

describe('chan_websocket control messages', () => {
  test('the plain-text MEDIA_START of Asterisk 23 parses into every field', () => {
    expect(parseAsteriskMessage(TEXT_START)).toEqual({
      event: 'MEDIA_START',
      format: 'text',
      connectionId: 'ws-ext-2001',
      channel: 'WebSocket/ws-ext-2001/0x7fbdd8005da0',
      channelId: '1795403872.2',
      codec: 'slin16',
      optimalFrameBytes: 640,
      ptimeMs: 20,
      channelVariables: {},
    });
  });

  test('an older release without channel_id and ptime, with an unknown key, still parses', () => {
    const start = parseAsteriskMessage('MEDIA_START connection_id:ws-ext-7 channel:WebSocket/ws-ext-7/0x1 format:slin16 optimal_frame_size:640 future_key:x');
    expect(start).toMatchObject({ event: 'MEDIA_START', connectionId: 'ws-ext-7', channelId: undefined, ptimeMs: undefined });
  });

  test('the JSON MEDIA_START carries channel variables', () => {
    const start = parseAsteriskMessage(JSON_START);
    expect(start).toMatchObject({ event: 'MEDIA_START', format: 'json', connectionId: 'ws-ext-endpoint', optimalFrameBytes: 640 });
    expect(start.event === 'MEDIA_START' && start.channelVariables).toMatchObject({ WS_EXTEN: '2001', GAG_CALLER_NAME: 'Tanaka' });
  });

  test('channel variables lose the underscores of inheritance, and a plain name wins over an underscored one', () => {
    const json = { event: 'MEDIA_START', connection_id: 'ws-ext-endpoint', format: 'slin16', optimal_frame_size: 640, channel_variables: { WS_EXTEN: '2001', __WS_EXTEN: '2002', __GAG_DIAL_ID: 'd-1', _X: '1' } };
    const start = parseAsteriskMessage(JSON.stringify(json));
    expect(start.event === 'MEDIA_START' && start.channelVariables).toEqual({ WS_EXTEN: '2001', GAG_DIAL_ID: 'd-1', X: '1' });
  });

  test('STATUS, the answer to GET_STATUS, parses into the queue length and XOFF in both formats', () => {
    // As chan_websocket.c's _create_event_STATUS() prints it (Asterisk 23.4.1).
    const text = 'STATUS channel_id:1795403872.2 queue_length:12 xon_level:800 xoff_level:900 queue_full:false bulk_media:false media_paused:false';
    expect(parseAsteriskMessage(text)).toEqual({ event: 'STATUS', queueLengthFrames: 12, queueFull: false });
    const json = '{"event":"STATUS","channel_id":"1.2","queue_length":901,"xon_level":800,"xoff_level":900,"queue_full":true,"bulk_media":false,"media_paused":false}';
    expect(parseAsteriskMessage(json)).toEqual({ event: 'STATUS', queueLengthFrames: 901, queueFull: true });
    expect(() => parseAsteriskMessage('STATUS queue_length:-1')).toThrow(/queue_length/);
    expect(() => parseAsteriskMessage('{"event":"STATUS","queue_length":9007199254740992}')).toThrow(/queue_length/); // fuzzing found it
    expect(encodeAsteriskCommand('GET_STATUS', 'json')).toBe('{"command":"GET_STATUS"}');
  });

  test('DTMF_END, XOFF/XON and ERROR parse in both formats', () => {
    expect(parseAsteriskMessage('DTMF_END digit:5 channel_id:1.2')).toEqual({ event: 'DTMF_END', digit: '5' });
    expect(parseAsteriskMessage('{"event":"DTMF_END","channel_id":"1.2","digit":"#"}')).toEqual({ event: 'DTMF_END', digit: '#' });
    expect(parseAsteriskMessage('MEDIA_XOFF')).toEqual({ event: 'MEDIA_XOFF' });
    expect(parseAsteriskMessage('{"event":"MEDIA_XON"}')).toEqual({ event: 'MEDIA_XON' });
    expect(parseAsteriskMessage('ERROR Unknown command: FOO')).toEqual({ event: 'ERROR', message: 'Unknown command: FOO' });
    expect(parseAsteriskMessage('{"event":"ERROR","error_text":"Unable to parse JSON command"}')).toEqual({ event: 'ERROR', message: 'Unable to parse JSON command' });
  });

  test.each([
    ['a MEDIA_START without connection_id', 'MEDIA_START format:slin16 optimal_frame_size:640', /connection_id/],
    ['a MEDIA_START without a frame size', 'MEDIA_START connection_id:x format:slin16', /optimal_frame_size/],
    ['a non-numeric frame size', 'MEDIA_START connection_id:x format:slin16 optimal_frame_size:abc', /optimal_frame_size/],
    ['truncated JSON', '{"event":"MEDIA_START","connection_id":"x"', /does not parse/],
    ['JSON without an event', '{"command":"ANSWER"}', /no "event"/],
    ['a DTMF digit that is not a key', 'DTMF_END digit:x', /digit/],
    ['garbage', '\u0000\u0001 hello', /not a chan_websocket event/],
  ])('%s is a protocol error naming the problem', (_name, text, message) => {
    expect(() => parseAsteriskMessage(text)).toThrow(message);
  });

  test('commands are encoded in the call’s own format', () => {
    expect(encodeAsteriskCommand('ANSWER', 'text')).toBe('ANSWER');
    expect(encodeAsteriskCommand('HANGUP', 'json')).toBe('{"command":"HANGUP"}');
  });
});
