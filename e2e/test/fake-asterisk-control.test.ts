/**
 * The fake Asterisk's control codec: the app commands Asterisk accepts and the notifications it
 * sends, in both formats (docs/chan-websocket.md; `_create_event_*` in chan_websocket.c).
 */
import { describe, expect, it } from 'vitest';
import { asteriskControl as control } from '../src/index.js';

const ID = '1795403872.2';

describe('parseAppMessage', () => {
  it.each(control.APP_COMMANDS)('takes %s in both formats', (command) => {
    expect(control.parseAppMessage(command, 'text')).toEqual({ kind: 'command', command, id: undefined });
    expect(control.parseAppMessage(JSON.stringify({ command }), 'json')).toEqual({ kind: 'command', command, id: undefined });
  });

  it('takes the id after the first space in plain text, and strips surrounding whitespace', () => {
    expect(control.parseAppMessage('  MARK_MEDIA  m 1 \n', 'text')).toEqual({ kind: 'command', command: 'MARK_MEDIA', id: ' m 1' });
    expect(control.parseAppMessage('STOP_MEDIA_BUFFERING b-7', 'text')).toEqual({ kind: 'command', command: 'STOP_MEDIA_BUFFERING', id: 'b-7' });
  });

  it('takes the id from correlation_id in JSON and ignores a non-string one', () => {
    expect(control.parseAppMessage('{"command":"MARK_MEDIA","correlation_id":"m-1"}', 'json')).toMatchObject({ id: 'm-1' });
    expect(control.parseAppMessage('{"command":"MARK_MEDIA","correlation_id":7}', 'json')).toMatchObject({ id: undefined });
  });

  it('is case-sensitive', () => {
    expect(control.parseAppMessage('Answer', 'text')).toEqual({ kind: 'error', errorText: 'Unknown command: Answer' });
    expect(control.parseAppMessage('{"command":"answer"}', 'json')).toEqual({ kind: 'error', errorText: 'Unknown command: answer' });
  });

  it('refuses a plain-text command on a JSON channel, and JSON on a plain-text one', () => {
    expect(control.parseAppMessage('ANSWER', 'json')).toEqual({ kind: 'error', errorText: control.JSON_PARSE_ERROR_TEXT });
    expect(control.parseAppMessage('"ANSWER"', 'json')).toEqual({ kind: 'error', errorText: control.JSON_PARSE_ERROR_TEXT });
    expect(control.parseAppMessage('{"event":"ANSWER"}', 'json')).toEqual({ kind: 'error', errorText: 'Unknown command: (none)' });
    expect(control.parseAppMessage('{"command":"ANSWER"}', 'text')).toMatchObject({ kind: 'error' });
  });

  it('ignores an empty message and one longer than 128 bytes, without a reply', () => {
    expect(control.parseAppMessage('', 'text')).toMatchObject({ kind: 'ignored' });
    expect(control.parseAppMessage(`MARK_MEDIA ${'x'.repeat(control.MAX_TEXT_MESSAGE_BYTES)}`, 'text')).toMatchObject({ kind: 'ignored' });
    const longest = `MARK_MEDIA ${'x'.repeat(control.MAX_TEXT_MESSAGE_BYTES - 'MARK_MEDIA '.length)}`;
    expect(control.parseAppMessage(longest, 'text')).toMatchObject({ kind: 'command' });
  });
});

describe('notifications', () => {
  const info: control.MediaStartInfo = {
    connectionId: 'ws-ext-endpoint',
    channel: 'WebSocket/ws-ext-endpoint/0x7fbdd4009b50',
    channelId: '1795403941.11',
    codec: 'slin16',
    optimalFrameBytes: 640,
    ptimeMs: 20,
    channelVariables: {
      DIALEDPEERNUMBER: 'ws-ext-endpoint/f(json)c(slin16)n',
      MEDIA_WEBSOCKET_CONNECTION_ID: 'ws-ext-endpoint',
      MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE: '640',
      GAG_CALLER_NAME: 'Tanaka',
      WS_EXTEN: '2001',
    },
  };

  it('builds MEDIA_START exactly as observed, in both formats', () => {
    // Both lines are copied from docs/chan-websocket.md#media_start.
    expect(control.mediaStartMessage(info, 'json')).toBe(
      '{"event":"MEDIA_START","connection_id":"ws-ext-endpoint","channel":"WebSocket/ws-ext-endpoint/0x7fbdd4009b50","channel_id":"1795403941.11","format":"slin16","optimal_frame_size":640,"ptime":20,"channel_variables":{"DIALEDPEERNUMBER":"ws-ext-endpoint/f(json)c(slin16)n","MEDIA_WEBSOCKET_CONNECTION_ID":"ws-ext-endpoint","MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE":"640","GAG_CALLER_NAME":"Tanaka","WS_EXTEN":"2001"}}',
    );
    const textInfo = { ...info, connectionId: 'ws-ext-2001', channel: 'WebSocket/ws-ext-2001/0x7fbdd8005da0', channelId: ID };
    expect(control.mediaStartMessage(textInfo, 'text')).toBe(
      'MEDIA_START connection_id:ws-ext-2001 channel:WebSocket/ws-ext-2001/0x7fbdd8005da0 channel_id:1795403872.2 format:slin16 optimal_frame_size:640 ptime:20',
    );
  });

  it('builds DTMF_END, the no-data events and the correlated replies', () => {
    expect(control.dtmfEndMessage(ID, '1', 'text')).toBe(`DTMF_END digit:1 channel_id:${ID}`);
    expect(control.dtmfEndMessage(ID, '1', 'json')).toBe(`{"event":"DTMF_END","channel_id":"${ID}","digit":"1"}`);
    expect(control.noDataMessage('MEDIA_XOFF', ID, 'text')).toBe('MEDIA_XOFF');
    expect(control.noDataMessage('MEDIA_XON', ID, 'json')).toBe(`{"event":"MEDIA_XON","channel_id":"${ID}"}`);
    expect(control.correlatedMessage('MEDIA_MARK_PROCESSED', ID, undefined, 'text')).toBe('MEDIA_MARK_PROCESSED');
    expect(control.correlatedMessage('MEDIA_BUFFERING_COMPLETED', ID, 'b', 'text')).toBe('MEDIA_BUFFERING_COMPLETED b');
    expect(control.correlatedMessage('MEDIA_MARK_PROCESSED', ID, undefined, 'json')).toBe(
      `{"event":"MEDIA_MARK_PROCESSED","channel_id":"${ID}","correlation_id":""}`,
    );
  });

  it('builds STATUS and ERROR in both formats', () => {
    const status = { queueLengthFrames: 3, queueFull: false, bulkMedia: true, mediaPaused: false };
    expect(control.statusMessage(ID, status, 'text')).toBe(
      `STATUS channel_id:${ID} queue_length:3 xon_level:800 xoff_level:900 queue_full:false bulk_media:true media_paused:false`,
    );
    expect(control.statusMessage(ID, status, 'json')).toBe(
      `{"event":"STATUS","channel_id":"${ID}","queue_length":3,"xon_level":800,"xoff_level":900,"queue_full":false,"bulk_media":true,"media_paused":false}`,
    );
    expect(control.errorMessage(ID, 'Unknown command: X', 'text')).toBe(`ERROR channel_id:${ID} error_text:Unknown command: X`);
    expect(control.errorMessage(ID, 'say "hi"', 'json')).toBe(`{"event":"ERROR","channel_id":"${ID}","error_text":"say \\"hi\\""}`);
  });
});
