/**
 * A call whose far end's clock is off the browser's stays in sync both ways (issue 22): the fake
 * Asterisk's channel clock runs 0.2 % fast or slow, so its frames reach the page that much
 * faster or slower (the SDK's jitter buffer absorbs it) and it plays the page's frames that much
 * faster or slower (the gateway's uplink pacer keeps its queue near 2 frames). Over 40 s the
 * queue Asterisk reports and the page's playout depth stay flat, no MEDIA_XOFF comes, and the
 * tones still arrive both ways. The hour-long version runs fast-forwarded in
 * gateway/test/uplink-pace.test.ts.
 */
import { TONE_DBFS, expect, test } from './fixtures.js';

const SECONDS = 40;
/**
 * Answers before the pacer has brought the call's start to its target: the page is busy as the call
 * starts, so its first frames reach Asterisk in a bunch (the queue jumps to 7–12), which the pacer
 * takes out once five answers agree, one frame per quiet moment.
 */
const SETTLE_SAMPLES = 12;

interface PlayoutReading {
  readonly depthMs: number;
  readonly targetMs: number;
  readonly underruns: number;
}

for (const clockSkew of [-0.002, 0.002]) {
  test(`with Asterisk's clock ${clockSkew < 0 ? 'slow' : 'fast'} by 0.2 %, Asterisk's queue and the page's playout depth stay flat for ${SECONDS} s, with no MEDIA_XOFF`, async ({ phone, asterisk, gag }) => {
    test.setTimeout(SECONDS * 1_000 + 60_000);
    const call = await asterisk.call('2001', { from: '0312345678', play: 440, clockSkew });
    await phone.expectRinging();
    await phone.answer();
    await call.expectAnswered();
    await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
    const flow: string[] = [];
    call.fake.on('flow', (event) => flow.push(event));
    const [gwCall] = gag.gateway.router.calls;
    const pace = () => gwCall!.uplinkPace!;
    const playout = () =>
      phone.element.evaluate(async (el) => (await (el as unknown as { activeCall: { audio: { stats(): Promise<{ playback: PlayoutReading }> } } }).activeCall.audio.stats()).playback);
    const queue: number[] = [];
    const depth: number[] = [];
    for (let answers = pace().statusAnswers; queue.length < SECONDS; answers++) {
      await expect.poll(() => pace().statusAnswers, { timeout: 3_000, message: 'a STATUS answer a second' }).toBeGreaterThan(answers);
      queue.push(pace().lastQueueFrames);
      depth.push(Math.round((await playout()).depthMs));
    }
    console.log(`clockSkew ${clockSkew}: Asterisk queue per second ${queue.join(' ')}; page playout depth (ms) ${depth.join(' ')}; paced ${JSON.stringify(pace())}`);
    const settledQueue = queue.slice(SETTLE_SAMPLES);
    expect(Math.max(...settledQueue)).toBeLessThanOrEqual(6);
    expect(Math.max(...settledQueue) - Math.min(...settledQueue)).toBeLessThanOrEqual(5);
    expect(flow).toEqual([]);
    expect(gwCall!.legStats.framesDroppedXoff).toBe(0);
    // The page's side: the depth neither creeps up nor runs dry, its last 10 s like its first.
    const settledDepth = depth.slice(SETTLE_SAMPLES);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(settledDepth.slice(-10)) - mean(settledDepth.slice(0, 10)))).toBeLessThanOrEqual(15);
    expect(Math.max(...settledDepth)).toBeLessThanOrEqual(100);
    // Audio both ways at the end.
    await phone.expectAudio({ hz: 440, dbfs: TONE_DBFS });
    await call.expectAudio({ hz: 1_000, dbfs: TONE_DBFS });
    await phone.hangup();
    await phone.expectEnded({ reason: 'hangup' });
  });
}
