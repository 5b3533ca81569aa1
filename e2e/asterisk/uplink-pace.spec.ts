/**
 * A long call through a real Asterisk stays in sync on the uplink (issue 22): the gateway asks
 * chan_websocket for its playout queue of the browser's audio once a second (GET_STATUS) and the
 * queue stays flat, with no MEDIA_XOFF, while the browser's tone keeps reaching the caller.
 *
 * 30 s in CI; `GAG_LONG_CALL_MINUTES=10 node e2e/scripts/asterisk-tier.mjs uplink-pace` holds the
 * call for 10 minutes. The series is printed (one queue length per STATUS).
 */
import { TONE_DBFS } from '../src/playwright/asterisk.js';
import { PLAYTONES_DBFS, expect, expectRecordedTone, test } from './fixtures.js';

const MINUTES = Number(process.env['GAG_LONG_CALL_MINUTES'] ?? 0.5);
const SAMPLES = Math.round(MINUTES * 60);

test(`a ${MINUTES}-minute call keeps Asterisk's queue of the browser's audio within a few frames, with no MEDIA_XOFF`, async ({ phone, ring, gag }) => {
  test.setTimeout(MINUTES * 60_000 + 60_000);
  const call = await ring('2001', { from: '0312345678' });
  await phone.expectRinging();
  await phone.answer();
  await phone.expectAudio({ hz: 440, dbfs: PLAYTONES_DBFS });
  const [gwCall] = gag.gateway.router.calls;
  const stats = () => gwCall!.uplinkPace!;
  const series: number[] = [];
  for (let answers = stats().statusAnswers; series.length < SAMPLES; answers++) {
    await expect.poll(() => stats().statusAnswers, { timeout: 3_000, message: 'a STATUS answer a second' }).toBeGreaterThan(answers);
    series.push(stats().lastQueueFrames);
  }
  console.log(`real Asterisk, ${MINUTES} min: queue_length per second ${series.join(' ')}; paced ${JSON.stringify(stats())}`);
  // The first answers come before the pacer has had its windows to bring the start's queue to its
  // target: a quiet 10-minute run took 12 s (6-9 frames at first, then 2-3 for the rest of the call).
  const settled = series.slice(15);
  expect(Math.max(...settled)).toBeLessThanOrEqual(6);
  expect(Math.max(...settled) - Math.min(...settled)).toBeLessThanOrEqual(5);
  expect(gwCall!.legStats.framesDroppedXoff).toBe(0);
  // The caller still hears the page's tone, at its level.
  await expectRecordedTone(call.rxFile, { hz: 1_000, dbfs: TONE_DBFS });
  await call.hangup();
  await phone.expectEnded({ reason: 'remote_hangup' });
});
