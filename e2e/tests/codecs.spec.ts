import { analyseTone, tone } from '../src/index.js';
import { TONE_DBFS, expect, expectPlaysTone, playback, test } from './fixtures.js';

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
    await expectPlaysTone(() => playback(phonePage), 440);

    await phone.getByRole('button', { name: 'Hang up' }).click();
    expect(await call.ended).toMatchObject({ by: 'app-hangup', code: 1000 });
  });
}
