/** Two devices of one extension (desk and laptop): both ring, the first to answer takes the call. */
import { expect, test } from './fixtures.js';

test('both devices of an extension ring; the one that answers talks, the other shows answered elsewhere', async ({ phone, openPhone, asterisk }) => {
  const laptop = await openPhone({ extension: '2001' });
  const call = await asterisk.call('2001', { from: '0312345678', play: 440 });
  await phone.expectRinging({ from: '0312345678' });
  await laptop.expectRinging({ from: '0312345678' });

  await laptop.answer();
  await call.expectAnswered();
  await laptop.expectTalking();
  await phone.expectEnded({ reason: 'answered_elsewhere' });
  await laptop.expectAudio({ hz: 440 });
  await call.expectAudio({ hz: 1_000 }); // from the laptop: the desk phone never opened its microphone

  await laptop.hangup();
  await call.expectHangup();
  expect(call.commands).toEqual(['ANSWER', 'HANGUP']);
  await laptop.expectEnded({ reason: 'hangup' });
});
