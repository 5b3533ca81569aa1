/** A group dialled through the cookbook's `[groups]` context and its `ws-ext-sales` section. */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { PLAYTONES_DBFS, expect, expectRecordedTone, test } from './fixtures.js';

test('a ringall group rings every member; the first to answer talks, the other sees answered_elsewhere', async ({ phone, openPhone, ring, gag, dialEnd }) => {
  await gag.configure({ groups: { sales: { strategy: 'ringall', members: ['2001', '2002'], timeout: 30 } } });
  const other = await openPhone({ extension: '2002' });
  const call = await ring('600', { context: 'groups', from: '0312349999', name: 'Kato' });
  await phone.expectRinging({ from: '0312349999', name: 'Kato' });
  await other.expectRinging({ from: '0312349999', name: 'Kato' });
  await other.answer();
  await phone.expectEnded({ reason: 'answered_elsewhere' });
  await other.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await call.hangup();
  await other.expectEnded({ reason: 'remote_hangup' });
  expect((await dialEnd())['DialStatus']).toBe('ANSWER');
});
