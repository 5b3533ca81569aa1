/**
 * The fake Asterisk against a real ws server playing the app: handshake, MEDIA_START, commands,
 * notifications and the ways a call ends (docs/chan-websocket.md).
 */
import { describe, expect, it } from 'vitest';
import { FakeAsterisk } from '../src/index.js';
import { TestApp, withFakeAsterisk, type AppPeer } from './fake-app.js';

const fake = withFakeAsterisk();

/** Send a command and wait for the reply it triggers. */
async function ask(peer: AppPeer, text: string): Promise<string> {
  peer.send(text);
  return peer.nextText();
}

describe('the handshake', () => {
  it('asks for subprotocol media on /?params, URL-encoded, with Basic auth and no Origin', async () => {
    fake.asterisk = new FakeAsterisk({ url: fake.app.url, username: 'asterisk', password: 's3cret:x' });
    const { peer } = await fake.dial({ params: { from: '0312345678', name: '田中 花子', note: 'a&b=c/d' } });
    expect(peer.request.url).toBe('/?from=0312345678&name=%E7%94%B0%E4%B8%AD%20%E8%8A%B1%E5%AD%90&note=a%26b%3Dc%2Fd');
    expect(peer.request.headers['sec-websocket-protocol']).toBe('media');
    expect(peer.ws.protocol).toBe('media');
    expect(peer.request.headers.authorization).toBe(`Basic ${Buffer.from('asterisk:s3cret:x').toString('base64')}`);
    expect(peer.request.headers.origin).toBeUndefined();
    expect(peer.request.headers['sec-websocket-extensions']).toBeUndefined();
  });

  it('dials / without an Authorization header when no params or credentials are configured', async () => {
    const { peer } = await fake.dial();
    expect(peer.request.url).toBe('/');
    expect(peer.request.headers.authorization).toBeUndefined();
  });

  it('rejects call() with the HTTP status when the handshake is refused', async () => {
    const refusing = await TestApp.start({ refuseWith: 401 });
    const refused = new FakeAsterisk({ url: refusing.url });
    try {
      await expect(refused.call('ws-ext-2001')).rejects.toThrow(/ws-ext-2001.*HTTP 401/);
      expect(refused.calls.size).toBe(0);
    } finally {
      await refusing.close();
    }
  });

  it('rejects call() when the server does not accept subprotocol media', async () => {
    const deaf = await TestApp.start({ acceptMedia: false });
    const caller = new FakeAsterisk({ url: deaf.url });
    try {
      await expect(caller.call('ws-ext-2001')).rejects.toThrow(/subprotocol 'media'/);
    } finally {
      await deaf.close();
    }
  });
});

describe('MEDIA_START', () => {
  it('is the first message, in plain text byte for byte', async () => {
    const { call, peer, mediaStart } = await fake.dial();
    expect(call.channel).toMatch(/^WebSocket\/ws-ext-2001\/0x7f[0-9a-f]{10}$/);
    expect(call.channelId).toMatch(/^\d{10}\.\d+$/);
    // The line observed on Asterisk 23 (docs/chan-websocket.md#media_start), with this call's channel.
    expect(mediaStart).toBe(
      `MEDIA_START connection_id:ws-ext-2001 channel:${call.channel} channel_id:${call.channelId} format:slin16 optimal_frame_size:640 ptime:20`,
    );
    expect(peer.log).toEqual([mediaStart]);
    expect(call.state).toBe('ringing');
    expect(call.format).toBe('text');
  });

  it('is JSON with the channel variables byte for byte in the JSON format', async () => {
    const { call, mediaStart } = await fake.dial({ format: 'json', channelVariables: { GAG_CALLER_NAME: 'Tanaka', WS_EXTEN: '2001' } });
    expect(mediaStart).toBe(
      `{"event":"MEDIA_START","connection_id":"ws-ext-2001","channel":"${call.channel}","channel_id":"${call.channelId}",` +
        `"format":"slin16","optimal_frame_size":640,"ptime":20,"channel_variables":{"DIALEDPEERNUMBER":"ws-ext-2001/f(json)c(slin16)n",` +
        `"MEDIA_WEBSOCKET_CONNECTION_ID":"ws-ext-2001","MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE":"640","GAG_CALLER_NAME":"Tanaka","WS_EXTEN":"2001"}}`,
    );
  });

  it('names every call with its own channel and channel_id', async () => {
    fake.asterisk = new FakeAsterisk({ url: fake.app.url, format: 'json' });
    const first = await fake.dial();
    const second = await fake.dial();
    expect(second.call.channelId).not.toBe(first.call.channelId);
    expect(second.call.channel).not.toBe(first.call.channel);
    expect(JSON.parse(second.mediaStart)).toMatchObject({ event: 'MEDIA_START', channel_id: second.call.channelId });
  });
});

describe('commands and notifications', () => {
  it('answers an unknown or lower-case command with ERROR and the call goes on', async () => {
    const { call, peer } = await fake.dial();
    expect(await ask(peer, 'FOO bar')).toBe(`ERROR channel_id:${call.channelId} error_text:Unknown command: FOO`);
    expect(await ask(peer, 'answer')).toBe(`ERROR channel_id:${call.channelId} error_text:Unknown command: answer`);
    expect(call.state).toBe('ringing');
    peer.send('ANSWER');
    await call.answered;
    expect(call.commands).toEqual(['ANSWER']);
  });

  it('answers a plain-text command on a JSON channel with a JSON ERROR', async () => {
    const { call, peer } = await fake.dial({ format: 'json' });
    expect(await ask(peer, 'ANSWER')).toBe(`{"event":"ERROR","channel_id":"${call.channelId}","error_text":"Unable to parse JSON command"}`);
    expect(call.state).toBe('ringing');
    peer.send('{"command":"ANSWER"}');
    await call.answered;
    expect(call.state).toBe('up');
  });

  it('replies to GET_STATUS, MARK_MEDIA and REPORT_QUEUE_DRAINED as Asterisk does', async () => {
    const { call, peer } = await fake.dial();
    const seen: Array<[string, readonly string[]]> = [];
    call.on('command', (name, args) => seen.push([name, args]));
    expect(await ask(peer, 'GET_STATUS')).toBe(
      `STATUS channel_id:${call.channelId} queue_length:0 xon_level:800 xoff_level:900 queue_full:false bulk_media:false media_paused:false`,
    );
    expect(await ask(peer, 'MARK_MEDIA m-1')).toBe('MEDIA_MARK_PROCESSED m-1');
    expect(await ask(peer, 'REPORT_QUEUE_DRAINED')).toBe('QUEUE_DRAINED');
    peer.send('PAUSE_MEDIA');
    expect(await ask(peer, 'GET_STATUS')).toMatch(/ media_paused:true$/);
    expect(seen).toEqual([
      ['GET_STATUS', []],
      ['MARK_MEDIA', ['m-1']],
      ['REPORT_QUEUE_DRAINED', []],
      ['PAUSE_MEDIA', []],
      ['GET_STATUS', []],
    ]);
  });

  it('takes ids from correlation_id in the JSON format', async () => {
    const { call, peer } = await fake.dial({ format: 'json' });
    expect(await ask(peer, '{"command":"MARK_MEDIA","correlation_id":"m-2"}')).toBe(
      `{"event":"MEDIA_MARK_PROCESSED","channel_id":"${call.channelId}","correlation_id":"m-2"}`,
    );
    expect(JSON.parse(await ask(peer, '{"command":"GET_STATUS"}'))).toMatchObject({ event: 'STATUS', queue_length: 0, xoff_level: 900 });
  });

  it('sends one DTMF_END per digit in the call format', async () => {
    const text = await fake.dial();
    text.call.sendDtmf('1#');
    expect([await text.peer.nextText(), await text.peer.nextText()]).toEqual([
      `DTMF_END digit:1 channel_id:${text.call.channelId}`,
      `DTMF_END digit:# channel_id:${text.call.channelId}`,
    ]);
    const json = await fake.dial({ format: 'json' });
    json.call.sendDtmf('5');
    expect(await json.peer.nextText()).toBe(`{"event":"DTMF_END","channel_id":"${json.call.channelId}","digit":"5"}`);
    expect(() => json.call.sendDtmf('x')).toThrow(expect.objectContaining({ code: 'GAG_OPTIONS_INVALID' }));
  });
});

describe('ending a call', () => {
  it('closes with 1000 on HANGUP from the app, ended by app-hangup', async () => {
    const { call, peer } = await fake.dial();
    peer.send('ANSWER');
    await call.answered;
    peer.send('HANGUP');
    expect(await peer.whenClosed()).toEqual({ code: 1000, reason: '' });
    expect(await call.ended).toEqual({ by: 'app-hangup', code: 1000, reason: '' });
    expect(call.state).toBe('ended');
    expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
    expect(fake.asterisk.calls.has(call)).toBe(false);
  });

  it('closes with 1000 on HANGUP before ANSWER, and answered rejects', async () => {
    const { call, peer } = await fake.dial();
    peer.send('HANGUP');
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
    await expect(call.answered).rejects.toThrow(expect.objectContaining({ code: 'GAG_CALL_STATE' }));
    expect((await peer.whenClosed()).code).toBe(1000);
  });

  it('closes with 1000 when the caller hangs up, and the app sees it', async () => {
    const { call, peer } = await fake.dial();
    peer.send('ANSWER');
    await call.answered;
    expect(await call.hangup()).toEqual({ by: 'caller', code: 1000, reason: '' });
    expect(await peer.whenClosed()).toEqual({ code: 1000, reason: '' });
    expect(() => call.sendDtmf('1')).toThrow(expect.objectContaining({ code: 'GAG_CALL_STATE' }));
  });

  it('ends by app-close with the app code when the app closes the socket', async () => {
    const { call, peer } = await fake.dial();
    peer.ws.close(4000, 'bye');
    expect(await call.ended).toEqual({ by: 'app-close', code: 4000, reason: 'bye' });
    expect(call.state).toBe('ended');
  });

  it('close() hangs up every call with 1000', async () => {
    const first = await fake.dial();
    const second = await fake.dial();
    first.peer.send('ANSWER');
    await first.call.answered;
    await fake.asterisk.close();
    expect(fake.asterisk.calls.size).toBe(0);
    expect(await first.call.ended).toMatchObject({ by: 'caller', code: 1000 });
    expect(await second.call.ended).toMatchObject({ by: 'caller', code: 1000 });
    expect((await second.peer.whenClosed()).code).toBe(1000);
  });
});
