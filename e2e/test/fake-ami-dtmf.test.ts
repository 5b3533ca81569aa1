/**
 * The fake AMI's `PlayDTMF`, as app_senddtmf.c's manager_play_dtmf answers it (Asterisk 23):
 * `Receive: true` queues the digit on the channel as if received there (the bridged caller or the
 * dialplan's Read() gets it), without it the digit is sent out to the app as DTMF_END; the
 * channel is found by name among the fake Asterisk's calls.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAmi } from '../src/index.js';
import { withFakeAsterisk } from './fake-app.js';

const fake = withFakeAsterisk();
let ami: FakeAmi;
let socket: Socket;
let buffer = '';

/** The next `\r\n\r\n`-ended block from the AMI, as `Key: Value` pairs. */
async function nextBlock(): Promise<Record<string, string>> {
  const signal = AbortSignal.timeout(2_000);
  while (!buffer.includes('\r\n\r\n')) buffer += String((await once(socket, 'data', { signal }))[0]);
  const end = buffer.indexOf('\r\n\r\n');
  const text = buffer.slice(0, end);
  buffer = buffer.slice(end + 4);
  return Object.fromEntries(text.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
}

async function action(lines: Record<string, string>): Promise<Record<string, string>> {
  socket.write(`${Object.entries(lines).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  return nextBlock();
}

beforeEach(async () => {
  ami = await FakeAmi.start({ asterisk: fake.asterisk });
  socket = connect({ host: '127.0.0.1', port: ami.port });
  socket.setEncoding('utf8');
  buffer = String((await once(socket, 'data', { signal: AbortSignal.timeout(2_000) }))[0]).replace(/^Asterisk Call Manager\/[^\r]*\r\n/, '');
  expect(await action({ Action: 'Login', Username: 'gag', Secret: 'gag-secret', ActionID: 'l' })).toMatchObject({ Response: 'Success' });
  expect(await nextBlock()).toMatchObject({ Event: 'FullyBooted' });
});
afterEach(async () => {
  socket.destroy();
  await ami.close();
});

describe('PlayDTMF', () => {
  it('with Receive: true queues the digit on the named channel as received there, and tells the app nothing', async () => {
    const { call, peer } = await fake.answered();
    const heard: string[] = [];
    call.on('dtmf', (digit) => heard.push(digit));
    for (const digit of ['4', '#']) {
      expect(await action({ Action: 'PlayDTMF', ActionID: `d${digit}`, Channel: call.channel, Digit: digit, Duration: '100', Receive: 'true' })).toEqual({
        Response: 'Success',
        ActionID: `d${digit}`,
        Message: 'DTMF successfully queued',
      });
    }
    expect(call.dtmfReceived).toBe('4#');
    expect(heard).toEqual(['4', '#']);
    expect(ami.actions.filter((a) => a.get('Action') === 'PlayDTMF').map((a) => a.get('Digit'))).toEqual(['4', '#']);
    peer.send('GET_STATUS'); // the next text the app gets is the status: no DTMF_END came before it
    expect(await peer.nextText()).toMatch(/^STATUS /);
  });

  it('without Receive sends the digit out of the channel: the app gets DTMF_END', async () => {
    const { call, peer } = await fake.answered();
    expect(await action({ Action: 'PlayDTMF', ActionID: 'd', Channel: call.channel, Digit: '7' })).toMatchObject({ Response: 'Success' });
    expect(await peer.nextText()).toBe(`DTMF_END digit:7 channel_id:${call.channelId}`);
    expect(call.dtmfReceived).toBe('');
  });

  it('answers Channel not found for a channel that is not up, and No digit specified without a digit', async () => {
    const { call } = await fake.answered();
    expect(await action({ Action: 'PlayDTMF', ActionID: 'a', Channel: 'WebSocket/ws-ext-2001/0x0', Digit: '1', Receive: 'true' })).toEqual({
      Response: 'Error',
      ActionID: 'a',
      Message: 'Channel not found',
    });
    expect(await action({ Action: 'PlayDTMF', ActionID: 'b', Channel: call.channel, Receive: 'true' })).toMatchObject({ Response: 'Error', Message: 'No digit specified' });
    expect(await action({ Action: 'PlayDTMF', ActionID: 'c', Channel: call.channel, Digit: '1', Duration: 'long', Receive: 'true' })).toMatchObject({
      Response: 'Error',
      Message: 'Could not convert Duration parameter',
    });
    await call.hangup();
    expect(await action({ Action: 'PlayDTMF', ActionID: 'd', Channel: call.channel, Digit: '1', Receive: 'true' })).toMatchObject({ Message: 'Channel not found' });
    expect(call.dtmfReceived).toBe('');
  });
});
