/**
 * The JSON control format (`f(json)`), dialled as docs/migrating-from-goastgateway.md's JSON
 * dialplan: one client `ws-ext-endpoint` for every extension, the extension in channel variable
 * WS_EXTEN and the caller ID in GAG_CALLER_NUM / GAG_CALLER_NAME, carried in MEDIA_START.
 */
import { TONE_DBFS, expect, test } from './fixtures.js';

test('a JSON-format call finds its extension and caller ID in the channel variables, and is answered and hung up in JSON', async ({ phone, asterisk }) => {
  const call = await asterisk.call('2001', { format: 'json', from: '0312345678', name: '田中 一郎', play: 440 });
  expect(call.fake.connectionId).toBe('ws-ext-endpoint'); // nothing in the connection id names the extension
  expect(call.fake.format).toBe('json');
  await phone.expectRinging({ from: '0312345678', name: '田中 一郎' });

  await phone.answer();
  await call.expectAnswered(); // the fake takes only {"command":"ANSWER"} on a JSON channel (plain text gets ERROR)
  await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
  await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
  await phone.hangup();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await phone.expectEnded({ reason: 'hangup' });
});
