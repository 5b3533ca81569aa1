import { analyseTone, tone, type ToneAnalysis } from '../src/index.js';
import { expect, playback, test } from './fixtures.js';

/** Level of a sine at amplitude 0.5, the level of both test tones: RMS 0.354. */
const TONE_DBFS = 20 * Math.log10(0.5 / Math.SQRT2);

for (const codec of ['ulaw', 'alaw'] as const) {
  test(`a call dialled with c(${codec}) carries audio both ways in ${codec}`, async ({ phonePage, fakeAsterisk }) => {
    const phone = phonePage.page.locator('gag-phone');
    await expect(phone.getByText('Ready')).toBeVisible();

    const call = await fakeAsterisk.call('ws-ext-2001', { codec, params: { from: '0312345678' } });
    call.play(tone(440, { amplitude: 0.5 }));
    await phone.getByRole('button', { name: 'Answer' }).click();
    await call.answered;

    // Browser → Asterisk: the fake microphone's 1 kHz tone, encoded by the page in 160-byte frames.
    await expect.poll(() => call.received.frames, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);
    expect(call.received.oddSizedMessages).toBe(0);
    const upTone = analyseTone(call.received.samples({ fromMs: 1_000, toMs: 2_000 }), 8_000);
    test.info().annotations.push({ type: 'uplink tone', description: JSON.stringify(upTone) });
    expect(Math.abs(upTone.hz - 1_000)).toBeLessThanOrEqual(20);
    expect(Math.abs(upTone.levelDbfs - TONE_DBFS)).toBeLessThanOrEqual(3);

    // Asterisk → browser: the 440 Hz tone, decoded by the page.
    let down: ToneAnalysis | undefined;
    await expect
      .poll(async () => {
        const { samples, rateHz } = await playback(phonePage);
        down = analyseTone(samples, rateHz);
        return Math.abs(down.hz - 440) <= 20 && Math.abs(down.levelDbfs - TONE_DBFS) <= 3 && down.purity > 0.9;
      }, { timeout: 5_000, message: 'the page plays the 440 Hz tone' })
      .toBe(true);
    test.info().annotations.push({ type: 'downlink tone', description: JSON.stringify(down) });

    await phone.getByRole('button', { name: 'Hang up' }).click();
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  });
}
