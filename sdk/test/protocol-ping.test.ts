import { describe, expect, test } from 'vitest';
import { setOutputDevice } from '../src/audio/devices.js';
import { FEATURES, ProtocolError, encodeClientMessage, encodeServerMessage, parseClientMessage, parseServerMessage, type ServerMessage } from '../src/protocol.js';

describe('ping, pong and welcome.features on the wire', () => {
  test('survive encode → parse', () => {
    expect(parseClientMessage(encodeClientMessage({ type: 'ping', id: 7 }))).toEqual({ type: 'ping', id: 7 });
    const messages: ServerMessage[] = [
      { type: 'pong', id: 7 },
      { type: 'welcome', protocol: 1, sessionId: 's', extension: '2001', features: [FEATURES.PING, 'from-the-future'] },
      { type: 'welcome', protocol: 1, sessionId: 's', extension: '2001' },
    ];
    for (const m of messages) expect(parseServerMessage(encodeServerMessage(m))).toEqual(m);
  });

  test('a ping id is a non-negative integer', () => {
    for (const id of [-1, 1.5, '1', null]) {
      expect(() => parseClientMessage(JSON.stringify({ type: 'ping', id }))).toThrow(ProtocolError);
      expect(() => parseServerMessage(JSON.stringify({ type: 'pong', id }))).toThrow(ProtocolError);
    }
  });
});

describe('choosing the audio output', () => {
  test('where the context cannot setSinkId, the error is GAG_MEDIA and says what to do', async () => {
    await expect(setOutputDevice({}, 'default')).rejects.toMatchObject({ code: 'GAG_MEDIA', message: expect.stringContaining('system sound settings') });
  });

  test('a device that is not there is GAG_MEDIA too, with the browser\'s error as cause', async () => {
    const cause = new DOMException('no such device', 'NotFoundError');
    const context = { setSinkId: () => Promise.reject(cause) };
    await expect(setOutputDevice(context, 'gone')).rejects.toMatchObject({ code: 'GAG_MEDIA', cause, message: expect.stringContaining('not connected') });
  });
});
