/** Several calls at once through a real Asterisk, on per-extension sections and the JSON shared section. */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { PLAYTONES_DBFS, expectRecordedTone, test } from './fixtures.js';

test('three calls at once each reach their own phone, each with audio both ways', async ({ phone, openPhone, ring }) => {
  const phones = [phone, await openPhone({ extension: '2002' }), await openPhone({ extension: '2003' })];
  const calls = await Promise.all([
    ring('2001', { from: '0300000001' }),
    ring('2002', { from: '0300000002' }),
    ring('2003', { context: 'inhouse-json', from: '0300000003' }),
  ]);
  for (const [i, p] of phones.entries()) await p.expectRinging({ from: `030000000${i + 1}` });
  await Promise.all(phones.map((p) => p.answer()));
  for (const p of phones) await p.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  for (const call of calls) await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await Promise.all(calls.map((c) => c.hangup()));
  for (const p of phones) await p.expectEnded({ reason: 'remote_hangup' });
});
